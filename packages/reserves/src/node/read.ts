/**
 * Node-only: reads an accounts file (CSV or NDJSON, see input.ts) into an account sink, with the
 * same lines, checks and messages whichever way it runs:
 *
 * - on this thread, one line at a time (any sink; small files);
 * - into an {@link AccountTable}, with the parsing spread over worker threads. The file is cut
 *   into pieces at line breaks. The first piece is read here (and a CSV file's header); each later piece
 *   goes to a worker, which runs the same reader over a collecting sink: it splits the lines,
 *   parses the fields and amounts, checks and UTF-8-encodes the ids, and sends back the rows (or
 *   the rows before its first problem, and the problem). This thread adds the rows to the table
 *   in file order, so duplicate ids are found, and the first problem in the file is the one
 *   reported, exactly as on one thread.
 *
 * A worker does not know on which line its piece starts. It numbers the piece's lines from 2
 * (line 1 would strip a byte-order mark), and this thread moves the numbers, in rows and in the
 * message of a problem, to the file's own.
 */
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Asset } from '../amount.js';
import { AccountTable, ID_TOO_LONG, idProblem, locate, MAX_ID_BYTES, type AccountSink, type RowSource } from '../accounts.js';
import { ReservesError, type ReservesErrorCode } from '../errors.js';
import { accountsReader, csvLineText, type AccountsFormat, type AccountsReader } from '../input.js';

/** Options of {@link readAccountsFile}. */
export interface ReadAccountsOptions {
  /** The file's name in messages (default: the path). */
  file?: string;
  /** Parsing threads for an AccountTable (default: the CPUs Node may use; 0 or 1: read on this thread). */
  workers?: number;
  /** Bytes per piece (default 4 MiB). Files of at most one piece are read on this thread. */
  pieceBytes?: number;
  /** Called as the file is read: bytes done, file size. */
  onProgress?: (done: number, total: number) => void;
}

const WORKER_KIND = 'keygrade-accounts-parse';
/** A worker's first line number (see the module comment). */
const FIRST = 2;

/**
 * Feeds the lines of `buf[0, end)` to `line(text, number)`, numbered from `first`, and returns how
 * many there were. A line that is not valid UTF-8 is a problem at that line, after the lines
 * before it (so the first problem in the file is the one reported).
 */
function eachLine(buf: Uint8Array, end: number, first: number, line: (text: string, n: number) => void, where: (n: number) => RowSource): number {
  const b = Buffer.from(buf.buffer, buf.byteOffset, end);
  let stop = end;
  let bad = -1;
  if (!isUtf8(b)) {
    for (let s = 0, n = first; ; n++) {
      const nl = b.indexOf(10, s);
      if (!isUtf8(b.subarray(s, nl < 0 ? end : nl))) {
        stop = s;
        bad = n;
        break;
      }
      s = nl + 1;
    }
  }
  let start = 0;
  let n = first;
  for (let nl = b.indexOf(10); nl >= 0 && nl < stop; nl = b.indexOf(10, start)) {
    line(b.toString('utf8', start, nl), n++);
    start = nl + 1;
  }
  if (bad >= 0) throw new ReservesError('RESERVES_BAD_ROW', locate(where(bad), 'not valid UTF-8 text'));
  return n - first;
}

/**
 * Reads `path` into `sink` and calls the reader's `finish` (an empty file is an error). Problems
 * are ReservesErrors naming the file and line; nothing after the first problem is added.
 */
export async function readAccountsFile(path: string, format: AccountsFormat, sink: AccountSink, options: ReadAccountsOptions = {}): Promise<void> {
  const file = options.file ?? path;
  const pieceBytes = Math.max(1 << 10, options.pieceBytes ?? 1 << 22);
  const workers = sink instanceof AccountTable ? (options.workers ?? availableParallelism()) : 0;
  const reader = accountsReader(format, sink, file);
  const fh = await open(path, 'r');
  try {
    const total = (await fh.stat()).size;
    let done = 0;
    let rest = new Uint8Array(0);
    let eof = false;
    /** The next piece: whole lines (the last one given a line break), or undefined at the end. */
    const nextPiece = async (size: number): Promise<{ buf: Uint8Array; end: number } | undefined> => {
      for (;;) {
        if (eof) {
          if (rest.length === 0) return undefined;
          const buf = new Uint8Array(rest.length + 1);
          buf.set(rest);
          buf[rest.length] = 10;
          rest = new Uint8Array(0);
          return { buf, end: buf.length };
        }
        const buf = new Uint8Array(rest.length + size);
        buf.set(rest);
        const { bytesRead } = await fh.read(buf, rest.length, size, null);
        done += bytesRead;
        options.onProgress?.(done, total);
        if (bytesRead === 0) eof = true;
        const filled = rest.length + bytesRead;
        const last = buf.subarray(0, filled).lastIndexOf(10);
        if (last < 0) {
          rest = buf.slice(0, filled);
          continue;
        }
        rest = buf.slice(last + 1, filled);
        return { buf, end: last + 1 };
      }
    };
    // On this thread: every piece when there are no workers, else until the CSV header is read.
    let lines = 0;
    let header: { text: string; line: number } | undefined;
    const here = (text: string, n: number): void => {
      if (header === undefined && format === 'csv' && csvLineText(text, n) !== undefined) header = { text, line: n };
      reader.line(text, n);
    };
    const at = (n: number): RowSource => ({ file, line: n });
    const size = workers > 1 ? pieceBytes : 1 << 20;
    let piece = await nextPiece(size);
    // The first piece always (its line 1 may start with a byte-order mark), and a CSV file's until its header.
    for (let k = 0; piece && (workers <= 1 || k === 0 || (format === 'csv' && header === undefined)); k++) {
      lines += eachLine(piece.buf, piece.end, lines + 1, here, at);
      piece = await nextPiece(size);
    }
    if (piece) await readInWorkers(piece, nextPiece, pieceBytes, sink as AccountTable, { format, file, lines, header, workers });
    reader.finish();
  } finally {
    await fh.close();
  }
}

interface PieceResult {
  lines: number;
  count: number;
  ids: Uint8Array;
  idEnds: Uint32Array;
  balances: Uint8Array;
  rowLines: Uint32Array;
  /** The first problem of the piece: its line in the worker's numbering (0: none) and its message without the place. */
  error?: { code: ReservesErrorCode; line: number; message: string };
}

async function readInWorkers(
  first: { buf: Uint8Array; end: number },
  nextPiece: (size: number) => Promise<{ buf: Uint8Array; end: number } | undefined>,
  pieceBytes: number,
  table: AccountTable,
  o: { format: AccountsFormat; file: string; lines: number; header: { text: string; line: number } | undefined; workers: number },
): Promise<void> {
  const setup = { format: o.format, assets: table.assets, header: o.header };
  const pool = Array.from({ length: o.workers }, () => startWorker(setup));
  const waiting = new Map<number, { resolve: (r: PieceResult) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  for (const w of pool) {
    w.on('message', (m: PieceResult & { id: number }) => {
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      p?.resolve(m);
    });
    w.on('error', (e: Error) => {
      failure ??= e;
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
    });
  }
  let nextId = 0;
  const dispatch = (piece: { buf: Uint8Array; end: number }): Promise<PieceResult> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      pool[id % pool.length]!.postMessage({ id, buf: piece.buf.buffer, end: piece.end }, [piece.buf.buffer as ArrayBuffer]);
    });
  const inflight: Promise<PieceResult>[] = [];
  // Results are awaited in order; a failed one must not go unhandled while earlier ones are awaited.
  const track = (p: Promise<PieceResult>): Promise<PieceResult> => {
    p.catch(() => undefined);
    return p;
  };
  try {
    let base = o.lines;
    let piece: { buf: Uint8Array; end: number } | undefined = first;
    const bb = table.balanceBytes;
    for (;;) {
      while (piece && inflight.length < 2 * pool.length) {
        inflight.push(track(dispatch(piece)));
        piece = await nextPiece(pieceBytes);
      }
      const next = inflight.shift();
      if (!next) break;
      const r = await next;
      const where: RowSource = { file: o.file, line: 0 };
      for (let i = 0, start = 0; i < r.count; i++) {
        where.line = base + r.rowLines[i]! - FIRST + 1;
        table.addEncoded(r.ids, start, r.idEnds[i]!, r.balances, i * bb, where);
        start = r.idEnds[i]!;
      }
      if (r.error) {
        const line = base + r.error.line - FIRST + 1;
        throw new ReservesError(r.error.code, locate(r.error.line > 0 ? { file: o.file, line } : { file: o.file }, r.error.message));
      }
      base += r.lines;
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

function startWorker(setup: WorkerSetup): Worker {
  const url = import.meta.url;
  const data = { kind: WORKER_KIND, setup };
  if (!url.endsWith('.ts')) return new Worker(new URL(url), { workerData: data });
  // Running from the TypeScript sources under tsx: load tsx in the worker before this file.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

interface WorkerSetup {
  format: AccountsFormat;
  assets: readonly Asset[];
  header: { text: string; line: number } | undefined;
}

/** The rows of one piece, as a worker collects them: ids checked and encoded, balances, lines. */
class Collect implements AccountSink {
  readonly balanceBytes: number;
  count = 0;
  ids = new Uint8Array(1 << 16);
  idEnds = new Uint32Array(1 << 12);
  balances: Uint8Array;
  rowLines = new Uint32Array(1 << 12);
  private used = 0;
  private readonly encoder = new TextEncoder();

  constructor(readonly assets: readonly Asset[]) {
    this.balanceBytes = 16 * assets.length;
    this.balances = new Uint8Array(this.balanceBytes << 12);
  }

  add(userId: string, balances: Uint8Array, where: RowSource = {}): void {
    const problem = idProblem(userId);
    if (problem) throw new ReservesError('RESERVES_BAD_ID', locate(where, problem));
    if (this.used + 3 * userId.length > this.ids.length) this.ids = grow(this.ids, Math.max(2 * this.ids.length, this.used + 3 * userId.length));
    const { written } = this.encoder.encodeInto(userId, this.ids.subarray(this.used));
    if (written > MAX_ID_BYTES) throw new ReservesError('RESERVES_BAD_ID', locate(where, ID_TOO_LONG));
    const i = this.count;
    if (i === this.idEnds.length) {
      this.idEnds = grow(this.idEnds, 2 * i);
      this.rowLines = grow(this.rowLines, 2 * i);
      this.balances = grow(this.balances, 2 * this.balances.length);
    }
    this.used += written;
    this.idEnds[i] = this.used;
    this.rowLines[i] = where.line ?? 0;
    this.balances.set(balances, i * this.balanceBytes);
    this.count = i + 1;
  }
}

function grow<T extends Uint8Array | Uint32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND && parentPort) {
  const port = parentPort;
  const setup = (workerData as { setup: WorkerSetup }).setup;
  port.on('message', (m: { id: number; buf: ArrayBuffer; end: number }) => {
    const sink = new Collect(setup.assets);
    const reader: AccountsReader = accountsReader(setup.format, sink);
    if (setup.header) reader.line(setup.header.text, setup.header.line);
    let lines = 0;
    let error: PieceResult['error'];
    try {
      lines = eachLine(new Uint8Array(m.buf), m.end, FIRST, (text, n) => reader.line(text, n), (n) => ({ line: n }));
    } catch (e) {
      if (!(e instanceof ReservesError)) throw e;
      // The reader knows no file name here, so a message is "<line>: <what>" (or just "<what>").
      const at = /^(\d+): /.exec(e.message);
      error = { code: e.code, line: at ? Number(at[1]) : 0, message: at ? e.message.slice(at[0].length) : e.message };
    }
    const out: PieceResult & { id: number } = { id: m.id, lines, count: sink.count, ids: sink.ids, idEnds: sink.idEnds, balances: sink.balances, rowLines: sink.rowLines, ...(error ? { error } : {}) };
    port.postMessage(out, [sink.ids.buffer, sink.idEnds.buffer, sink.balances.buffer, sink.rowLines.buffer] as ArrayBuffer[]);
  });
}
