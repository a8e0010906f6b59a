/**
 * Node-only: the streaming build, for snapshots larger than memory. Same inputs, same random
 * draws, same root, same proofs and the same store files as the in-memory build; memory is a
 * few bytes per account instead of about 350.
 *
 * 1. Ingest ({@link SpillAccounts}): every row is appended to a spill file (line, id, balances);
 *    memory keeps a 64-bit fingerprint of every id to find duplicates (a fingerprint match is
 *    checked against the spilled ids before the build goes on, so a duplicate is exact, never a
 *    false alarm).
 * 2. Plan: the snapshot id, the Fisher–Yates shuffle (a u32 per leaf in memory), the salts
 *    (written to salts.bin as they are drawn, in leaf order) — the draws of the in-memory build,
 *    in the same order.
 * 3. Distribution: one sequential pass over the spill file sends every account to the bucket
 *    file of its leaf's block (blocks of `blockLeaves` consecutive leaves), and writes ids.bin
 *    and ids.idx on the way.
 * 4. Leaves: block by block, in leaf order, the bucket is laid out in memory, the padding
 *    leaves get their random uid hashes (drawn last, in leaf order, as in memory), the workers
 *    hash uid and leaf hashes, and the block is appended to nodes.bin.
 * 5. Levels: each level is read back from nodes.bin in chunks and the next one written after it
 *    (positioned IO on the same file; the offsets of every level are known from the leaf count).
 *
 * Peak memory: about 24 bytes per account during ingest (fingerprints and their table), then
 * 4 bytes per leaf for the shuffle, 4 per account for the inverse, 8 per account to sort the
 * lookup index, and one block (a few hundred MB at the default block size).
 */
import { hash as nodeHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ID_TOO_LONG, idProblem, locate, MAX_ID_BYTES, fnv1a, type AccountSink, type RowSource } from '../accounts.js';
import { checkAssets, type Asset } from '../amount.js';
import { toHex } from '../bytes.js';
import { ReservesError } from '../errors.js';
import { AMOUNT_BYTES, HASH_BYTES, UID_TAG, type Sha256 } from '../hash.js';
import { cryptoRandom, RandomStream, type RandomSource } from '../random.js';
import { emitLookup, STORE_SCHEME, type StoreFile, type StoreMeta } from '../store.js';
import { hashLevelRange, levelSizes, readSums, treeShape, type TreeSummary } from '../tree.js';
import { nativeForWorkers, nativeOnThisThread, shuffleWith } from './native.js';
import { JOB, Pool, ranges, shared } from './pool.js';

/** Buffered sequential writer of one file. */
class Writer {
  private readonly fd: number;
  private readonly buf: Uint8Array;
  private used = 0;
  /** Bytes written so far (buffered included). */
  length = 0;
  constructor(
    readonly path: string,
    size = 1 << 22,
  ) {
    this.fd = openSync(path, 'w', 0o600);
    this.buf = new Uint8Array(size);
  }
  /** Room for `bytes` more bytes in the buffer (flushes when needed); returns the offset to write at. */
  reserve(bytes: number): number {
    if (this.used + bytes > this.buf.length) this.flush();
    const at = this.used;
    this.used += bytes;
    this.length += bytes;
    return at;
  }
  get buffer(): Uint8Array {
    return this.buf;
  }
  write(bytes: Uint8Array): void {
    if (bytes.length > this.buf.length) {
      this.flush();
      writeAll(this.fd, bytes, -1);
      this.length += bytes.length;
      return;
    }
    this.buf.set(bytes, this.reserve(bytes.length));
  }
  flush(): void {
    if (this.used > 0) writeAll(this.fd, this.buf.subarray(0, this.used), -1);
    this.used = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Writes all of `bytes` at `position` (-1: the current position). */
function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let o = 0; o < bytes.length; ) {
    const n = writeSync(fd, bytes, o, bytes.length - o, position < 0 ? null : position + o);
    o += n;
  }
}

/** Reads exactly `out.length` bytes at `position`. */
function readAll(fd: number, out: Uint8Array, position: number, what: string): void {
  for (let o = 0; o < out.length; ) {
    const n = readSync(fd, out, o, out.length - o, position + o);
    if (n === 0) throw new ReservesError('RESERVES_BAD_STORE', `${what} ended early (wanted ${out.length} bytes at ${position})`);
    o += n;
  }
}

/** Sequential reader of a file in big chunks, record by record. */
class Reader {
  private readonly fd: number;
  private buf: Uint8Array;
  private start = 0;
  private end = 0;
  private pos = 0;
  constructor(
    path: string,
    private readonly size: number,
    chunk = 1 << 22,
  ) {
    this.fd = openSync(path, 'r');
    this.buf = new Uint8Array(chunk);
  }
  /** Makes `bytes` bytes available at `this.at` (returns false at the end of the file). */
  need(bytes: number): boolean {
    if (this.end - this.start >= bytes) return true;
    if (this.pos >= this.size && this.end === this.start) return false;
    if (bytes > this.buf.length) {
      const b = new Uint8Array(Math.max(bytes, 2 * this.buf.length));
      b.set(this.buf.subarray(this.start, this.end));
      this.buf = b;
    } else {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.end -= this.start;
    this.start = 0;
    while (this.end < bytes && this.pos < this.size) {
      const n = readSync(this.fd, this.buf, this.end, Math.min(this.buf.length - this.end, this.size - this.pos), this.pos);
      if (n === 0) break;
      this.end += n;
      this.pos += n;
    }
    return this.end - this.start >= bytes;
  }
  get bytes(): Uint8Array {
    return this.buf;
  }
  get at(): number {
    return this.start;
  }
  skip(bytes: number): void {
    this.start += bytes;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** A second 32-bit fingerprint of an id, independent of FNV-1a (a multiply–xorshift mix). */
export function idMix(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x9e3779b9 ^ (end - start);
  for (let i = start; i < end; i++) {
    h = Math.imul(h ^ bytes[i]!, 0x85ebca6b);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Options of {@link SpillAccounts}. */
export interface SpillOptions {
  /** The two 32-bit fingerprints of an id (tests force collisions with a weak one). */
  fingerprint?: (bytes: Uint8Array, start: number, end: number) => [number, number];
}

/**
 * The accounts of a streaming build: rows go to a spill file (u32 line, u16 id length, id, balances),
 * memory keeps two 32-bit fingerprints per id in an open-addressing table. Fill it with an
 * accounts reader, then call {@link SpillAccounts.finish}.
 */
export class SpillAccounts implements AccountSink {
  readonly assets: readonly Asset[];
  readonly balanceBytes: number;
  private readonly out: Writer;
  private fpA: Uint32Array = new Uint32Array(1 << 16);
  private fpB: Uint32Array = new Uint32Array(1 << 16);
  private slots = new Int32Array(1 << 17);
  private n = 0;
  private readonly scratch = new Uint8Array(3 * MAX_ID_BYTES + 4);
  private readonly encoder = new TextEncoder();
  /** Pairs of accounts whose fingerprints are equal: checked against the spilled ids by finish(). */
  private readonly suspects: [number, number][] = [];
  private finished = false;

  constructor(
    assets: readonly Asset[],
    /** The spill file to create (in a folder that is removed when the build fails). */
    readonly path: string,
    private readonly options: SpillOptions = {},
  ) {
    checkAssets(assets);
    this.assets = assets;
    this.balanceBytes = AMOUNT_BYTES * assets.length;
    this.out = new Writer(path);
  }

  get count(): number {
    return this.n;
  }

  /** Bytes of the spill file. */
  get spillBytes(): number {
    return this.out.length;
  }

  add(userId: string, balances: Uint8Array, where: RowSource = {}): void {
    if (this.finished) throw new RangeError('the accounts are closed');
    if (balances.length !== this.balanceBytes) throw new RangeError(`balances must be ${this.balanceBytes} bytes`);
    const problem = idProblem(userId);
    if (problem) throw new ReservesError('RESERVES_BAD_ID', locate(where, problem));
    const { written } = this.encoder.encodeInto(userId, this.scratch);
    if (written > MAX_ID_BYTES) throw new ReservesError('RESERVES_BAD_ID', locate(where, ID_TOO_LONG));
    const [a1, b1] = this.options.fingerprint ? this.options.fingerprint(this.scratch, 0, written) : [fnv1a(this.scratch, 0, written), idMix(this.scratch, 0, written)];
    const mask = this.slots.length - 1;
    let i = a1 & mask;
    const a = this.n;
    for (;;) {
      const v = this.slots[i]!;
      if (v === 0) break;
      if (this.fpA[v - 1] === a1 && this.fpB[v - 1] === b1) this.suspects.push([v - 1, a]);
      i = (i + 1) & mask;
    }
    if (a === this.fpA.length) {
      this.fpA = growU32(this.fpA, 2 * a);
      this.fpB = growU32(this.fpB, 2 * a);
    }
    this.fpA[a] = a1;
    this.fpB[a] = b1;
    this.slots[i] = a + 1;
    this.n = a + 1;
    if (this.n * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const size = 6 + written + this.balanceBytes;
    const at = this.out.reserve(size);
    const buf = this.out.buffer;
    const line = where.line ?? 0;
    buf[at] = line >>> 24;
    buf[at + 1] = (line >>> 16) & 0xff;
    buf[at + 2] = (line >>> 8) & 0xff;
    buf[at + 3] = line & 0xff;
    buf[at + 4] = written >>> 8;
    buf[at + 5] = written & 0xff;
    buf.set(this.scratch.subarray(0, written), at + 6);
    buf.set(balances, at + 6 + written);
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    const mask = size - 1;
    for (let a = 0; a < this.n; a++) {
      let i = this.fpA[a]! & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = a + 1;
    }
  }

  /**
   * Closes the spill file, frees the fingerprint table and checks every fingerprint match
   * against the spilled ids: RESERVES_DUPLICATE_ID (with both lines) for a real duplicate.
   */
  finish(file?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.out.close();
    this.fpA = new Uint32Array(0);
    this.fpB = new Uint32Array(0);
    this.slots = new Int32Array(0);
    if (this.suspects.length === 0) return;
    const wanted = new Map<number, { line: number; id: Uint8Array } | undefined>();
    for (const [x, y] of this.suspects) wanted.set(x, undefined).set(y, undefined);
    this.scan((a, line, id) => {
      if (wanted.has(a)) wanted.set(a, { line, id: id.slice() });
    });
    const sorted = [...this.suspects].sort((p, q) => p[1] - q[1] || p[0] - q[0]);
    for (const [x, y] of sorted) {
      const first = wanted.get(x)!;
      const second = wanted.get(y)!;
      if (Buffer.from(first.id).equals(Buffer.from(second.id))) {
        const text = new TextDecoder().decode(second.id);
        const at = first.line ? ` (first on line ${first.line})` : '';
        throw new ReservesError('RESERVES_DUPLICATE_ID', locate({ ...(file !== undefined ? { file } : {}), line: second.line }, `duplicate user id ${JSON.stringify(text)}${at}`));
      }
    }
  }

  /** Reads the spill file in order: account index, line, id bytes (a view) and balances (a view). */
  scan(each: (a: number, line: number, id: Uint8Array, balances: Uint8Array) => void): void {
    if (!this.finished) throw new RangeError('call finish() first');
    const r = new Reader(this.path, this.out.length);
    try {
      for (let a = 0; r.need(6); a++) {
        const b = r.bytes;
        const o = r.at;
        const line = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
        const len = (b[o + 4]! << 8) | b[o + 5]!;
        if (!r.need(6 + len + this.balanceBytes)) throw new ReservesError('RESERVES_BAD_STORE', 'the spill file ended early');
        const p = r.at;
        const bb = r.bytes;
        each(a, line, bb.subarray(p + 6, p + 6 + len), bb.subarray(p + 6 + len, p + 6 + len + this.balanceBytes));
        r.skip(6 + len + this.balanceBytes);
      }
    } finally {
      r.close();
    }
  }

  /** Closes (when still open) and deletes the spill file: after the build, or when it fails. */
  remove(): void {
    if (!this.finished) {
      this.finished = true;
      this.out.close();
    }
    rmSync(this.path, { force: true });
  }
}

function growU32(a: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

/** Options of {@link buildStreaming}. */
export interface StreamOptions {
  /** Where the store files go (created). */
  storeDir: string;
  /** Scratch folder for the bucket files (created, removed at the end). */
  workDir: string;
  random?: RandomSource;
  height?: number;
  minLeaves?: number;
  /** Worker threads (default: the CPUs the process may use; 0 hashes on the main thread). */
  workers?: number;
  /** Hash with the native module on the workers: undefined when it is built, false never, true requires it (see native.ts). */
  native?: boolean;
  /** Leaves per block (default 2^20; a power of two keeps blocks aligned with the levels). */
  blockLeaves?: number;
  /** Leaves or nodes per worker job (default 131072); level chunks smaller than one job are hashed on the main thread. */
  jobSize?: number;
  /** Hash for work on the main thread (default node:crypto). */
  hash?: Sha256;
  /** Progress: hashes done out of the total (uid + leaf + node hashes, as the in-memory build counts). */
  onProgress?: (done: number, total: number) => void;
  /** Progress of the pass that sends every account to its bucket file (before any hashing): accounts done out of all. */
  onDistribute?: (done: number, total: number) => void;
}

/** What a streaming build returns: enough for the manifest, and the store's meta. */
export interface StreamedTree extends TreeSummary {
  readonly rootRecord: Uint8Array;
  readonly meta: StoreMeta;
}

/**
 * Builds the tree of the accounts in a finished {@link SpillAccounts} straight into the store files of
 * `storeDir` (nodes.bin, salts.bin, leaves.bin, ids.bin, ids.idx, lookup.bin, store.json). The
 * spill file is deleted once its accounts are distributed (peak disk: about twice the spill file
 * plus the store).
 */
export async function buildStreaming(accounts: SpillAccounts, options: StreamOptions): Promise<StreamedTree> {
  const n = accounts.count;
  const assets = accounts.assets;
  const k = assets.length;
  const r = HASH_BYTES + AMOUNT_BYTES * k;
  const { leafCount, height } = treeShape(n, options);
  const sizes = levelSizes(leafCount, height);
  const B = options.blockLeaves ?? 1 << 20;
  if (!Number.isInteger(B) || B < 2 || B % 2 !== 0) throw new RangeError('blockLeaves must be an even integer >= 2');
  const mainHash: Sha256 = options.hash ?? ((m) => nodeHash('sha256', m, 'buffer'));
  const total = n + sizes.reduce((x, y) => x + y, 0);
  let done = 0;
  const tick = (step: number): void => {
    done += step;
    options.onProgress?.(done, total);
  };
  mkdirSync(options.storeDir, { recursive: true });
  mkdirSync(options.workDir, { recursive: true });
  const store = (f: StoreFile | 'store.json') => join(options.storeDir, f);

  // 2. The plan: the same draws as planTree, in the same order.
  const random = new RandomStream(options.random ?? cryptoRandom);
  const snapshotId = random.bytes(32);
  const leafAccount = new Uint32Array(leafCount);
  for (let p = 0; p < leafCount; p++) leafAccount[p] = p;
  shuffleWith(nativeOnThisThread(options.native), leafAccount, random);
  {
    const salts = new Writer(store('salts.bin'));
    const chunk = new Uint8Array(32 * (1 << 16));
    for (let p = 0; p < leafCount; p += 1 << 16) {
      const part = chunk.subarray(0, 32 * (Math.min(leafCount, p + (1 << 16)) - p));
      random.fill(part);
      salts.write(part);
    }
    salts.close();
    const leaves = new Writer(store('leaves.bin'));
    for (let p = 0; p < leafCount; p++) {
      const at = leaves.reserve(4);
      const v = leafAccount[p]!;
      const b = leaves.buffer;
      b[at] = v >>> 24;
      b[at + 1] = (v >>> 16) & 0xff;
      b[at + 2] = (v >>> 8) & 0xff;
      b[at + 3] = v & 0xff;
    }
    leaves.close();
  }

  // 3. Distribution into buckets of B leaves, with ids.bin, ids.idx and the lookup keys on the way.
  const leafOf = new Uint32Array(n);
  for (let p = 0; p < leafCount; p++) {
    const a = leafAccount[p]!;
    if (a < n) leafOf[a] = p;
  }
  const blocks = Math.ceil(leafCount / B);
  const bucketPath = (b: number) => join(options.workDir, `bucket-${b}.bin`);
  const bucketSize = Math.max(1 << 12, Math.min(1 << 20, Math.floor((64 << 20) / blocks)));
  const buckets = Array.from({ length: blocks }, (_, b) => new Writer(bucketPath(b), bucketSize));
  const keys = new Uint32Array(n);
  {
    const ids = new Writer(store('ids.bin'));
    const idx = new Writer(store('ids.idx'));
    const u32be = (w: Writer, v: number) => {
      const at = w.reserve(4);
      const b = w.buffer;
      b[at] = v >>> 24;
      b[at + 1] = (v >>> 16) & 0xff;
      b[at + 2] = (v >>> 8) & 0xff;
      b[at + 3] = v & 0xff;
    };
    u32be(idx, 0);
    accounts.scan((a, _line, id, balances) => {
      if ((a & 0xffff) === 0) options.onDistribute?.(a, n);
      const p = leafOf[a]!;
      const w = buckets[Math.floor(p / B)]!;
      const at = w.reserve(6 + id.length + balances.length);
      const b = w.buffer;
      b[at] = p >>> 24;
      b[at + 1] = (p >>> 16) & 0xff;
      b[at + 2] = (p >>> 8) & 0xff;
      b[at + 3] = p & 0xff;
      b[at + 4] = id.length >>> 8;
      b[at + 5] = id.length & 0xff;
      b.set(id, at + 6);
      b.set(balances, at + 6 + id.length);
      ids.write(id);
      if (ids.length > 0xffff_ffff) throw new ReservesError('RESERVES_BAD_ID', 'user ids take more than 4 GiB: split the snapshot');
      u32be(idx, ids.length);
      keys[a] = fnv1a(id, 0, id.length);
    });
    ids.close();
    idx.close();
    for (const w of buckets) w.close();
    options.onDistribute?.(n, n);
  }
  // Every account is in a bucket now: the spill file goes (it is as large as the buckets).
  accounts.remove();
  {
    const lookup = new Writer(store('lookup.bin'));
    emitLookup(keys, leafOf, (b) => lookup.write(b));
    lookup.close();
  }

  // 4. Leaves, block by block; 5. the levels, read back from nodes.bin.
  const workers = options.workers ?? availableParallelism();
  const jobSize = Math.max(1, options.jobSize ?? JOB);
  const split = (m: number) => Math.max(1, Math.min(jobSize, Math.ceil(m / (2 * workers))));
  const pool = workers > 0 ? new Pool(workers, nativeForWorkers(options.native)) : undefined;
  const nodes = openSync(store('nodes.bin'), 'w+', 0o600);
  const levelAt: number[] = [];
  for (let l = 0, o = 0; l <= height; l++) {
    levelAt.push(o);
    o += sizes[l]! * r;
  }
  try {
    const saltsFd = openSync(store('salts.bin'), 'r');
    try {
      // Two sets of block buffers: while the workers hash block b, the main thread lays out b + 1.
      const makeBuffers = () => ({ records: shared(B * r), salts: shared(B * 32), idStart: new Uint32Array(new SharedArrayBuffer(4 * B)), idLen: new Uint32Array(new SharedArrayBuffer(4 * B)), ids: shared(1 << 20) });
      const sets = [makeBuffers(), ...(pool ? [makeBuffers()] : [])];
      const layout = (b: number) => {
        const { records, salts, idStart, idLen } = sets[b % sets.length]!;
        const base = b * B;
        const m = Math.min(B, leafCount - base);
        records.fill(0, 0, m * r);
        readAll(saltsFd, salts.subarray(0, 32 * m), 32 * base, 'salts.bin');
        idLen.fill(0xffff_ffff, 0, m);
        const bucket = bucketPath(b);
        const size = buckets[b]!.length;
        const set = sets[b % sets.length]!;
        if (set.ids.length < size) set.ids = shared(Math.max(size, 2 * set.ids.length));
        const ids = set.ids;
        const reader = new Reader(bucket, size);
        let used = 0;
        let real = 0;
        try {
          while (reader.need(6)) {
            const bb = reader.bytes;
            const o = reader.at;
            const p = ((bb[o]! << 24) | (bb[o + 1]! << 16) | (bb[o + 2]! << 8) | bb[o + 3]!) >>> 0;
            const len = (bb[o + 4]! << 8) | bb[o + 5]!;
            if (!reader.need(6 + len + r - 32)) throw new ReservesError('RESERVES_BAD_STORE', `${bucket} ended early`);
            const q = p - base;
            const c = reader.bytes;
            const s = reader.at;
            ids.set(c.subarray(s + 6, s + 6 + len), used);
            idStart[q] = used;
            idLen[q] = len;
            used += len;
            records.set(c.subarray(s + 6 + len, s + 6 + len + r - 32), q * r + HASH_BYTES);
            reader.skip(6 + len + r - 32);
            real++;
          }
        } finally {
          reader.close();
        }
        rmSync(bucket, { force: true });
        // Padding uids, drawn last and in leaf order as the in-memory build draws them (blocks are laid out in order).
        for (let q = 0; q < m; q++) if (idLen[q] === 0xffff_ffff) random.fill(records.subarray(q * r, q * r + HASH_BYTES));
        return { base, m, real, job: { snapshotId, uidTag: UID_TAG, maxIdBytes: MAX_ID_BYTES, recordBytes: r, records: records.buffer, salts: salts.buffer, idStart: idStart.buffer, idLen: idLen.buffer, ids: ids.buffer, base } };
      };
      let next = layout(0);
      for (let b = 0; b < blocks; b++) {
        const { base, m, real, job } = next;
        if (pool) {
          // One job per worker, all posted now: the main thread is busy with the next layout meanwhile.
          const running = pool.run(
            ranges(m, Math.max(1, Math.ceil(m / workers))).map(([from, to]) => ({ kind: 'block', ...job, from: base + from, to: base + to })),
            (j) => tick(j.to - j.from),
          );
          let laid: ReturnType<typeof layout> | undefined;
          try {
            if (b + 1 < blocks) laid = layout(b + 1);
          } finally {
            await running.catch(() => undefined);
          }
          await running;
          if (laid) next = laid;
          writeAll(nodes, sets[b % 2]!.records.subarray(0, m * r), levelAt[0]!);
        } else {
          hashBlockHere(job, base, base + m, mainHash);
          tick(m);
          writeAll(nodes, sets[0]!.records.subarray(0, m * r), levelAt[0]!);
          if (b + 1 < blocks) next = layout(b + 1);
        }
        tick(real);
        levelAt[0]! += m * r;
      }
      levelAt[0] = 0;
    } finally {
      closeSync(saltsFd);
    }

    let rootRecord = new Uint8Array(r);
    const C = Math.max(1, B >> 1);
    const prevBuf = shared(2 * C * r);
    const nextBuf = shared(C * r);
    for (let l = 1; l <= height; l++) {
      const count = sizes[l]!;
      const prevCount = sizes[l - 1]!;
      for (let base = 0; base < count; base += C) {
        const m = Math.min(C, count - base);
        const prevRecords = Math.min(2 * m, prevCount - 2 * base);
        readAll(nodes, prevBuf.subarray(0, prevRecords * r), levelAt[l - 1]! + 2 * base * r, 'nodes.bin');
        let overflow: number;
        if (pool && m >= jobSize) {
          overflow = await pool.run(
            ranges(m, split(m)).map(([from, to]) => ({ kind: 'level', from: base + from, to: base + to, base, prev: prevBuf.buffer, next: nextBuf.buffer, prevCount, recordBytes: r, assets: k })),
            (j) => tick(j.to - j.from),
          );
        } else {
          overflow = hashLevelRange(prevBuf.subarray(0, prevRecords * r), prevRecords, nextBuf, k, mainHash, 0, m, tick);
          // hashLevelRange counts from 0: its prevCount test is relative, which matches absolute
          // indexes because a chunk always starts at an even record of the level below.
        }
        if (overflow >= 0) throw new ReservesError('RESERVES_OVERFLOW', `the total of ${assets[overflow]!.symbol} exceeds 2^128 - 1 base units`);
        writeAll(nodes, nextBuf.subarray(0, m * r), levelAt[l]! + base * r);
        if (l === height) rootRecord = nextBuf.slice(0, r);
      }
    }
    const meta: StoreMeta = { scheme: STORE_SCHEME, snapshotId: toHex(snapshotId), assets: [...assets], height, leafCount, accounts: n };
    const metaFd = openSync(store('store.json'), 'w', 0o600);
    writeAll(metaFd, new TextEncoder().encode(`${JSON.stringify(meta, null, 2)}\n`), 0);
    closeSync(metaFd);
    const totals = readSums(rootRecord, HASH_BYTES, k);
    return { accounts: { assets, count: n }, snapshotId, height, leafCount, rootRecord, root: rootRecord.subarray(0, HASH_BYTES), totals, meta };
  } finally {
    closeSync(nodes);
    await pool?.close();
    rmSync(options.workDir, { recursive: true, force: true });
  }
}

/** The 'block' job on the main thread (no workers): uid and leaf hashes of leaves [from, to). */
function hashBlockHere(j: { snapshotId: Uint8Array; recordBytes: number; records: ArrayBufferLike; salts: ArrayBufferLike; ids: ArrayBufferLike; idStart: ArrayBufferLike; idLen: ArrayBufferLike }, from: number, to: number, hash: Sha256): void {
  const rec = new Uint8Array(j.records);
  const salts = new Uint8Array(j.salts);
  const ids = new Uint8Array(j.ids);
  const idStart = new Uint32Array(j.idStart);
  const idLen = new Uint32Array(j.idLen);
  const r = j.recordBytes;
  const msg = new Uint8Array(105 + r - HASH_BYTES);
  msg.set(j.snapshotId, 1);
  const uid = new Uint8Array(UID_TAG.length + 32 + MAX_ID_BYTES);
  uid.set(UID_TAG, 0);
  const view = new DataView(msg.buffer);
  for (let p = from; p < to; p++) {
    const q = p - from;
    const salt = salts.subarray(q * 32, q * 32 + 32);
    const len = idLen[q]!;
    if (len === 0xffff_ffff) {
      msg.set(rec.subarray(q * r, q * r + HASH_BYTES), 41);
    } else {
      uid.set(salt, UID_TAG.length);
      uid.set(ids.subarray(idStart[q]!, idStart[q]! + len), UID_TAG.length + 32);
      msg.set(hash(uid.subarray(0, UID_TAG.length + 32 + len)), 41);
    }
    view.setUint32(33, Math.floor(p / 0x1_0000_0000));
    view.setUint32(37, p >>> 0);
    msg.set(salt, 73);
    msg.set(rec.subarray(q * r + HASH_BYTES, (q + 1) * r), 105);
    rec.set(hash(msg), q * r);
  }
}
