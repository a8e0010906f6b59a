import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { NonceScanner, type ScanReport } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError } from '../exit.js';
import { out, type Io } from '../io.js';
import { progressBar } from '../progress.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';
import { readLines } from './sigs-scan-lines.js';
import { cutPoints, scanBlocks, type BlocksJob, type BlocksResult } from './sigs-scan-blocks.js';

export const spec: CommandSpec = {
  name: 'sigs scan',
  summary: 'Scan raw transactions for ECDSA nonce reuse (repeated r values), recover exposed private keys, and flag known nonces.',
  description: [
    'Input: one transaction per line, `<raw tx hex> [<amount>:<scriptPubKey hex>,…]` with one prevout per input in input',
    'order (`-` when unknown); `#` comments and blank lines are skipped. Legacy (P2PKH, P2SH multisig) sighashes need',
    'no prevouts; BIP 143 (P2WPKH, P2WSH multisig) sighashes need the amounts. Signatures are parsed with lax DER,',
    'as historical ones may be non-strict; Taproot (Schnorr) inputs are not scanned.',
    'Two passes: the first reads every file and indexes only r values (files of 64 MiB or more in blocks, over one',
    'thread per core); the second re-reads only the lines that hold a repeated or known r (k = 1, k = 1/2), by offset,',
    'computes sighashes (legacy, BIP 143) and solves for the nonce and key.',
    'A recovered key is confirmed by d·G = public key and printed only with --reveal-keys.',
    'Exit 0 when no nonce is shared, 1 when one is (same key or across keys), 2 on malformed input (file:line:column).',
    'Known nonces alone are reported but do not fail the scan (they are deliberate, e.g. puzzle outputs).',
  ].join('\n'),
  args: ['<file...>'],
  options: {
    json: { type: 'boolean', description: 'print the report as JSON' },
    'reveal-keys': { type: 'boolean', description: 'include recovered private keys (hex) in the output' },
    threads: { type: 'string', value: '<n>', description: 'threads for the first pass over each regular file (default: up to 4, one per core, for files of 64 MiB or more; 1 otherwise)' },
    ...ATTACH_OPTIONS,
  },
  examples: ['keygrade sigs scan wallet-history.txt', 'keygrade sigs scan 2024-*.txt --json', 'keygrade sigs scan suspicious.txt --reveal-keys'],
};

async function eachLine(io: Io, file: string, fn: (line: string, n: number) => void, bar?: (read: number) => void): Promise<void> {
  const path = resolve(io.cwd, file);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let read = 0;
  if (bar) stream.on('data', (c) => bar((read += c.length)));
  let n = 0;
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) fn(line, ++n);
  } finally {
    stream.destroy();
  }
}

/** Files from this size up are scanned by several threads unless --threads says otherwise. */
const PARALLEL_FROM = 64 * 2 ** 20;
/** Block size of the threaded pass: small enough that threads finish together, large enough to cost nothing. */
const BLOCK = 32 * 2 ** 20;

/** A line of a regular file by its byte offset (pass 2): up to the first LF or CR, or undefined past the end. */
function lineAt(fd: number, offset: number): string | undefined {
  const parts: Buffer[] = [];
  let pos = offset;
  for (;;) {
    const buf = Buffer.allocUnsafe(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return parts.length ? Buffer.concat(parts).toString('utf8') : undefined;
    const chunk = buf.subarray(0, n);
    let end = chunk.indexOf(10);
    const cr = chunk.indexOf(13);
    if (cr >= 0 && (end < 0 || cr < end)) end = cr;
    if (end >= 0) return Buffer.concat([...parts, chunk.subarray(0, end)]).toString('utf8');
    parts.push(chunk);
    pos += n;
  }
}

/**
 * A worker thread running sigs-scan-worker. From the TypeScript sources (tests, `--import tsx`),
 * the thread registers tsx itself first: Node 20 does not apply `--import` hooks to workers.
 */
function startWorker(job: BlocksJob): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sigs-scan-worker.js', import.meta.url), { workerData: job });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sigs-scan-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: job });
}

/**
 * Pass 1 over one regular file with `threads` threads (this one and threads − 1 workers) taking
 * blocks of it in turn (sigs-scan-blocks.ts); the parts are joined into `scanner` with real line
 * numbers. The first malformed line (in file order) is re-read here and gives the same located
 * error as a one-thread scan.
 */
async function scanThreaded(path: string, file: string, size: number, threads: number, scanner: NonceScanner, progress: (read: number) => void): Promise<void> {
  const fd = openSync(path, 'r');
  const shared = new SharedArrayBuffer(8);
  const counters = new Int32Array(shared);
  const tick = () => progress(Math.min(size, Atomics.load(counters, 1) * 1024));
  const timer = setInterval(tick, 100);
  const workers: Worker[] = [];
  try {
    const cuts = cutPoints(fd, size, Math.max(threads * 4, Math.ceil(size / BLOCK)));
    const job: BlocksJob = { path, cuts, shared, seed: scanner.index.seed };
    const results: Promise<BlocksResult>[] = [];
    for (let k = 1; k < threads; k++) {
      const w = startWorker(job);
      workers.push(w);
      results.push(
        new Promise<BlocksResult>((resolveResult, reject) => {
          w.once('message', resolveResult);
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`sigs scan: a worker thread stopped (exit ${code})`)));
        }),
      );
    }
    // This thread takes blocks too (while the workers start), reporting progress as it reads.
    const own = scanBlocks(job);
    tick();
    const all = [own, ...(await Promise.all(results))];
    const done = all.flatMap((r) => r.blocks).sort((a, b) => a.block - b.block);
    const lineBase: number[] = [];
    let lines = 0;
    for (const b of done) {
      if (b.failed) {
        scanner.add(lineAt(fd, b.failed.offset) ?? '', file, lines + b.failed.line); // throws the located error
        throw new ExitError(EXIT.usage, `${file}:${lines + b.failed.line}: the line changed during the scan (was the file modified?)`);
      }
      lineBase[b.block] = lines;
      lines += b.lines;
    }
    for (const r of all) scanner.join(r.part, (name) => ({ file, lineBase: lineBase[Number(name)]! }));
  } finally {
    clearInterval(timer);
    await Promise.all(workers.map((w) => w.terminate()));
    closeSync(fd);
  }
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const regular = new Set<string>();
  const sizes = positionals.map((f) => {
    try {
      const st = statSync(resolve(io.cwd, f));
      if (st.isFile()) regular.add(f);
      return st.size;
    } catch (e) {
      throw new ExitError(EXIT.usage, `cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  });
  const threadsOpt = values.threads as string | undefined;
  if (threadsOpt !== undefined && !/^[1-9]\d{0,2}$/.test(threadsOpt)) throw new ExitError(EXIT.usage, `--threads must be a whole number from 1 to 999, got ${JSON.stringify(threadsOpt)}`);
  const threadsFor = (size: number) => (threadsOpt !== undefined ? Number(threadsOpt) : size >= PARALLEL_FROM ? Math.min(4, availableParallelism()) : 1);
  const total = sizes.reduce((a, b) => a + b, 0);
  // Pass 1: read every file, index r values only. Large files are split over threads, each with its own index.
  const scanner = new NonceScanner();
  const bar = progressBar(io, 'indexing signatures', total);
  let done = 0;
  // A pipe cannot be read twice: its lines are kept in memory during pass 1.
  const piped = new Map<string, string>();
  try {
    for (const [i, f] of positionals.entries()) {
      const progress = (read: number) => bar.update(done + read, total);
      const path = resolve(io.cwd, f);
      if (regular.has(f) && threadsFor(sizes[i]!) > 1) await scanThreaded(path, f, sizes[i]!, threadsFor(sizes[i]!), scanner, progress);
      else if (regular.has(f)) {
        const fd = openSync(path, 'r');
        try {
          readLines(fd, 0, Infinity, (b, start, end, n, offset) => scanner.addBytes(b, start, end, f, n, offset), { progress });
        } finally {
          closeSync(fd);
        }
      } else
        await eachLine(io, f, (line, n) => {
          scanner.add(line, f, n);
          piped.set(`${f}:${n}`, line);
        }, progress);
      done += sizes[i]!;
    }
  } finally {
    bar.done();
  }
  // Pass 2: read only the lines holding a repeated or known r (by byte offset in regular files).
  const lines = new Map<string, string>();
  const fds = new Map<string, number>();
  try {
    for (const w of scanner.wantedLines()) {
      const key = `${w.file}:${w.line}`;
      let text: string | undefined;
      if (w.offset === undefined) text = piped.get(key);
      else {
        let fd = fds.get(w.file);
        if (fd === undefined) fds.set(w.file, (fd = openSync(resolve(io.cwd, w.file), 'r')));
        text = lineAt(fd, w.offset);
      }
      if (text === undefined) throw new ExitError(EXIT.usage, `${key}: the line changed between the two passes (was the file modified during the scan?)`);
      lines.set(key, text);
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  const report = scanner.report(lines, values['reveal-keys'] === true);
  if (values.json) out(io, JSON.stringify(report, null, 2));
  else print(io, report);
  return attachResult(io, spec, { values, positionals }, report, report.findings.some((f) => f.kind !== 'known-nonce') ? EXIT.checkFailed : EXIT.ok);
}

function print(io: Io, r: ScanReport): void {
  const bad = r.findings.filter((f) => f.kind !== 'known-nonce').length;
  out(io, `${bad ? 'NONCE REUSE' : 'OK'}: ${r.signatures.toLocaleString('en-US')} ECDSA signatures in ${r.transactions.toLocaleString('en-US')} transactions, ${bad} shared nonce${bad === 1 ? '' : 's'}, ${r.findings.length - bad} known nonce${r.findings.length - bad === 1 ? '' : 's'}`);
  for (const f of r.findings) {
    out(io, `${f.kind === 'known-nonce' ? `known nonce (${f.knownNonce})` : f.kind}: r = ${f.r}`);
    out(io, `  ${f.explanation}`);
    for (const s of f.signatures) out(io, `  ${s.file}:${s.line}  ${s.txid}:${s.vin}  ${s.spend}${s.pubkey ? `  key ${s.pubkey}` : ''}${s.verified === false ? '  (does not verify)' : ''}${s.highS ? '  high-S' : ''}${s.strictDer ? '' : '  non-strict DER'}`);
    for (const k of f.keys) out(io, `  key ${k.pubkey}: ${k.exposed ? `PRIVATE KEY RECOVERED (d·G matches)${k.privateKey ? ` d = ${k.privateKey}` : ' — rerun with --reveal-keys to print it'}` : 'not recovered'}`);
  }
}
