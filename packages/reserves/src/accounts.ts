/**
 * The accounts of a snapshot, packed for tens of millions of rows: balances in fixed-size chunks
 * of big-endian u128 values, user ids in one UTF-8 arena, and an open-addressing hash table over
 * the id bytes that finds duplicates as rows arrive (so the error names both lines).
 */
import { checkAssets, type Asset } from './amount.js';
import { AMOUNT_BYTES } from './hash.js';
import { ReservesError } from './errors.js';

/** Longest accepted user id, in UTF-8 bytes. */
export const MAX_ID_BYTES = 1024;

const CHUNK_SHIFT = 16;
/**
 * In a shared table, each account's balances are followed by its id's place in the arena (u32
 * start, u32 length, little-endian) and up to this many of its id's bytes, so a parallel build
 * reads one record per leaf instead of the balances, the id offsets and the arena.
 */
export const INLINE_ID_BYTES = 24;
const CHUNK = 1 << CHUNK_SHIFT;
// Lone surrogates and control characters: an id must be text a customer can type back.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_ID_CHAR = /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where a row came from, for error messages. */
export interface RowSource {
  file?: string;
  line?: number;
}

/** What the accounts readers fill: the in-memory {@link AccountTable}, or the streaming build's spill file. */
export interface AccountSink {
  readonly assets: readonly Asset[];
  readonly balanceBytes: number;
  readonly count: number;
  add(userId: string, balances: Uint8Array, where?: RowSource): void;
}

/** The message for an id longer than {@link MAX_ID_BYTES} once encoded. */
export const ID_TOO_LONG = `user id is longer than ${MAX_ID_BYTES} bytes`;

/** Why a user id is refused before it is encoded (empty, control character, lone surrogate), or undefined. */
export function idProblem(userId: string): string | undefined {
  if (userId.length === 0) return 'the user id is empty';
  if (BAD_ID_CHAR.test(userId)) return `user id ${JSON.stringify(userId)} holds a control character or a lone surrogate`;
  return undefined;
}

/** Accounts of one snapshot: user ids and K balances each (K = number of assets). */
export class AccountTable implements AccountSink {
  readonly assets: readonly Asset[];
  /** Bytes of one account's balances: 16 per asset. */
  readonly balanceBytes: number;
  /** Bytes of one account in a balance chunk: its balances, then in a shared table its id's place and first bytes. */
  readonly stride: number;
  private readonly chunks: Uint8Array[] = [];
  private idArena: Uint8Array;
  private idEnd = 0;
  private idStarts: Uint32Array;
  private lines: Uint32Array = new Uint32Array(1024);
  /** Open addressing, two entries per slot: account + 1 (0: empty) and the FNV-1a of its id, so a probe rarely reads the arena. */
  private slots = new Int32Array(2 << 10);
  private lastFp = 0;
  private n = 0;
  private released = false;
  private readonly encoder = new TextEncoder();

  private readonly alloc: (bytes: number) => Uint8Array;

  /**
   * @param options.shared keep balances and ids in SharedArrayBuffers, so worker threads can read
   *   them during a parallel build (node; browsers allow shared memory only when cross-origin isolated).
   */
  constructor(assets: readonly Asset[], options: { shared?: boolean } = {}) {
    checkAssets(assets);
    this.assets = assets;
    this.balanceBytes = AMOUNT_BYTES * assets.length;
    this.stride = this.balanceBytes + (options.shared ? 8 + INLINE_ID_BYTES : 0);
    this.alloc = options.shared ? (b) => new Uint8Array(new SharedArrayBuffer(b)) : (b) => new Uint8Array(b);
    this.shared = options.shared === true;
    this.idArena = this.alloc(1 << 16);
    this.idStarts = this.u32(1024);
  }

  /** Whether the table lives in shared memory. */
  readonly shared: boolean;

  private u32(length: number): Uint32Array {
    const b = this.alloc(4 * length);
    return new Uint32Array(b.buffer, b.byteOffset, length);
  }

  /** Number of accounts. */
  get count(): number {
    return this.n;
  }

  /**
   * Adds an account. `balances` holds K big-endian u128 values in asset order (use
   * `parseAmountInto` to fill it). Throws RESERVES_BAD_ID or RESERVES_DUPLICATE_ID.
   */
  add(userId: string, balances: Uint8Array, where: RowSource = {}): void {
    if (balances.length !== this.balanceBytes) throw new RangeError(`balances must be ${this.balanceBytes} bytes`);
    if (this.released) throw new RangeError('the balances were released: the table is closed');
    const problem = idProblem(userId);
    if (problem) throw this.error('RESERVES_BAD_ID', problem, where);
    this.reserveId(userId.length * 3);
    const { written } = this.encoder.encodeInto(userId, this.idArena.subarray(this.idEnd));
    if (written > MAX_ID_BYTES) throw this.error('RESERVES_BAD_ID', ID_TOO_LONG, where);
    this.insert(written, balances, 0, where);
  }

  /**
   * Adds an account whose id is already checked ({@link idProblem}, at most MAX_ID_BYTES) and
   * UTF-8 encoded: `id[start, end)`, with its balances at `balances[offset …]`. Throws
   * RESERVES_DUPLICATE_ID. The parallel file reader's workers check and encode; this thread only
   * looks for duplicates and stores.
   */
  addEncoded(id: Uint8Array, start: number, end: number, balances: Uint8Array, offset: number, where: RowSource = {}): void {
    if (this.released) throw new RangeError('the balances were released: the table is closed');
    if (end - start > MAX_ID_BYTES || end <= start || start < 0 || end > id.length) throw new RangeError('addEncoded takes a checked id of 1 to MAX_ID_BYTES bytes');
    if (!(offset >= 0 && offset + this.balanceBytes <= balances.length)) throw new RangeError(`addEncoded needs ${this.balanceBytes} balance bytes at ${offset}`);
    this.reserveId(end - start);
    const arena = this.idArena;
    for (let i = start, o = this.idEnd; i < end; i++, o++) arena[o] = id[i]!; // ids are short: no subarray per row
    this.insert(end - start, balances, offset, where);
  }

  /** Stores the account whose id bytes were just written at the end of the arena. */
  private insert(written: number, balances: Uint8Array, offset: number, where: RowSource): void {
    const start = this.idEnd;
    const slot = this.findSlot(this.idArena, start, start + written);
    if (this.slots[2 * slot] !== 0) {
      const first = this.slots[2 * slot]! - 1;
      const at = this.lines[first] ? ` (first on line ${this.lines[first]})` : '';
      const userId = new TextDecoder().decode(this.idArena.subarray(start, start + written));
      throw this.error('RESERVES_DUPLICATE_ID', `duplicate user id ${JSON.stringify(userId)}${at}`, where);
    }
    const a = this.n;
    if (a + 2 > this.idStarts.length) {
      const starts = this.u32(this.idStarts.length * 2);
      starts.set(this.idStarts);
      this.idStarts = starts;
      this.lines = grow(this.lines, this.lines.length * 2);
    }
    if ((a & (CHUNK - 1)) === 0) this.chunks.push(this.alloc(CHUNK * this.stride));
    const chunk = this.chunks[a >>> CHUNK_SHIFT]!;
    const at = (a & (CHUNK - 1)) * this.stride;
    chunk.set(offset === 0 && balances.length === this.balanceBytes ? balances : balances.subarray(offset, offset + this.balanceBytes), at);
    if (this.stride > this.balanceBytes) {
      const x = at + this.balanceBytes;
      chunk[x] = start;
      chunk[x + 1] = start >>> 8;
      chunk[x + 2] = start >>> 16;
      chunk[x + 3] = start >>> 24;
      chunk[x + 4] = written;
      chunk[x + 5] = written >>> 8;
      chunk[x + 6] = 0;
      chunk[x + 7] = 0;
      for (let i = 0, m = Math.min(written, INLINE_ID_BYTES); i < m; i++) chunk[x + 8 + i] = this.idArena[start + i]!;
    }
    this.idStarts[a] = start;
    this.idEnd = start + written;
    this.idStarts[a + 1] = this.idEnd;
    this.lines[a] = where.line ?? 0;
    this.slots[2 * slot] = a + 1;
    this.slots[2 * slot + 1] = this.lastFp;
    this.n = a + 1;
    if (this.n * 4 > this.slots.length) this.rehash(this.slots.length);
  }

  /** The balances of account `a` (a view, 16 bytes per asset). */
  balances(a: number): Uint8Array {
    const chunk = this.chunks[a >>> CHUNK_SHIFT];
    if (!chunk) throw new RangeError(a < this.n ? 'the balances were released after the leaves were laid out' : `no account ${a}`);
    const o = (a & (CHUNK - 1)) * this.stride;
    return chunk.subarray(o, o + this.balanceBytes);
  }

  /**
   * Copies the balances of account `order[p]` into `out` at `p * stride + offset` for every p with
   * `order[p] < count` (the others are left alone). Word copies, no per-account views: this runs
   * once per leaf of a build of tens of millions of accounts. `stride` and `offset` must be
   * multiples of 4.
   */
  gatherBalances(order: Uint32Array, out: Uint8Array, stride: number, offset: number): void {
    const words = this.balanceBytes >> 2;
    const strideWords = this.stride >> 2;
    const dst = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
    const chunks = this.chunks.map((c) => new Uint32Array(c.buffer, c.byteOffset, c.byteLength >> 2));
    const s4 = stride >> 2;
    const o4 = offset >> 2;
    for (let p = 0; p < order.length; p++) {
      const a = order[p]!;
      if (a >= this.n) continue;
      const src = chunks[a >>> CHUNK_SHIFT];
      if (!src) throw new RangeError('the balances were released after the leaves were laid out');
      const so = (a & (CHUNK - 1)) * strideWords;
      const d = p * s4 + o4;
      for (let w = 0; w < words; w++) dst[d + w] = src[so + w]!;
    }
  }

  /**
   * Frees the balances (the largest part of the table) once a tree has copied them into its
   * leaves: for builds of tens of millions of accounts. Ids and lookups keep working.
   */
  releaseBalances(): void {
    this.chunks.length = 0;
    this.released = true;
  }

  /** Whether {@link releaseBalances} was called (no more accounts can be added). */
  get balancesReleased(): boolean {
    return this.released;
  }

  /** The UTF-8 bytes of account `a`'s user id (a view). */
  idBytes(a: number): Uint8Array {
    return this.idArena.subarray(this.idStarts[a]!, this.idStarts[a + 1]!);
  }

  /** Every user id, concatenated in account order (a view of the arena). */
  idArenaBytes(): Uint8Array {
    return this.idArena.subarray(0, this.idEnd);
  }

  /** Where each account's id starts in {@link idArenaBytes}, plus the end (count + 1 entries; a view). */
  idOffsets(): Uint32Array {
    return this.idStarts.subarray(0, this.n + 1);
  }

  /**
   * The shared buffers behind the table, for worker threads (see `@keygrade/reserves/node`).
   * Accounts are in chunks of 2^chunkShift, `stride` bytes each: the balances, then the id's start
   * in `ids` and its length (u32, little-endian) and its first {@link INLINE_ID_BYTES} bytes.
   */
  sharedBuffers(): { chunks: ArrayBufferLike[]; chunkShift: number; stride: number; ids: ArrayBufferLike; idOffsets: ArrayBufferLike; count: number } {
    if (!this.shared) throw new RangeError('the table was not created with { shared: true }');
    if (this.released) throw new RangeError('the balances were released');
    return { chunks: this.chunks.map((c) => c.buffer), chunkShift: CHUNK_SHIFT, stride: this.stride, ids: this.idArena.buffer, idOffsets: this.idStarts.buffer, count: this.n };
  }

  /** The user id of account `a`. */
  id(a: number): string {
    return new TextDecoder().decode(this.idBytes(a));
  }

  /** The line account `a` was read from (0 when unknown). */
  line(a: number): number {
    return this.lines[a]!;
  }

  /** The account index of a user id, or -1. */
  find(userId: string): number {
    const bytes = this.encoder.encode(userId);
    const v = this.slots[2 * this.findSlot(bytes, 0, bytes.length)]!;
    return v - 1;
  }

  /** Probes for the slot holding these id bytes, or the empty slot where they belong. */
  private findSlot(bytes: Uint8Array, start: number, end: number): number {
    const mask = (this.slots.length >> 1) - 1;
    const fp = fnv1a(bytes, start, end) | 0;
    this.lastFp = fp;
    let i = fp & mask;
    for (;;) {
      const v = this.slots[2 * i]!;
      if (v === 0 || (this.slots[2 * i + 1] === fp && this.sameId(v - 1, bytes, start, end))) return i;
      i = (i + 1) & mask;
    }
  }

  private sameId(a: number, bytes: Uint8Array, start: number, end: number): boolean {
    const s = this.idStarts[a]!;
    const len = this.idStarts[a + 1]! - s;
    if (len !== end - start) return false;
    for (let i = 0; i < len; i++) if (this.idArena[s + i] !== bytes[start + i]) return false;
    return true;
  }

  /** Doubles the table (slots holds `entries` Int32 values now), reinserting from the stored fingerprints. */
  private rehash(entries: number): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * entries);
    const mask = entries - 1;
    for (let j = 0; j < old.length; j += 2) {
      const v = old[j]!;
      if (v === 0) continue;
      const fp = old[j + 1]!;
      let i = fp & mask;
      while (this.slots[2 * i] !== 0) i = (i + 1) & mask;
      this.slots[2 * i] = v;
      this.slots[2 * i + 1] = fp;
    }
  }

  private reserveId(extra: number): void {
    if (this.idEnd + extra <= this.idArena.length) return;
    const size = Math.max(this.idArena.length * 2, this.idEnd + extra);
    if (size > 0xffff_ffff) throw new ReservesError('RESERVES_BAD_ID', 'user ids take more than 4 GiB: split the snapshot');
    const next = this.alloc(size);
    next.set(this.idArena.subarray(0, this.idEnd));
    this.idArena = next;
  }

  private error(code: 'RESERVES_BAD_ID' | 'RESERVES_DUPLICATE_ID', message: string, where: RowSource): ReservesError {
    return new ReservesError(code, locate(where, message));
  }
}

/** `file:line: message`, leaving out what is unknown. */
export function locate(where: RowSource, message: string): string {
  const at = [where.file, where.line].filter((x) => x !== undefined && x !== 0).join(':');
  return at ? `${at}: ${message}` : message;
}

function grow(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

/** FNV-1a (32-bit) over a byte range: a fast spread for the duplicate table, not a security hash. */
export function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
