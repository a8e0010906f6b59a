/**
 * An index of ECDSA r values for millions of signatures, built in two steps so that memory is
 * touched in cache-sized pieces rather than at random across hundreds of megabytes:
 *
 * 1. `add` appends each r (32 bytes), its location (two u32) and its hash (u32) to one of 256
 *    buckets chosen by the hash, in chunks of 4,096 records: sequential writes, 44 bytes per
 *    signature.
 * 2. `groups` takes one bucket at a time — of this index and of any others, e.g. the indexes of
 *    the threads that read other parts of the same files — and finds the repeated r values with
 *    a small open-addressing table that fits in cache.
 *
 * Indexes move between threads as plain typed arrays (`state`, `fromState`).
 */
const BUCKETS = 256;
const CHUNK = 4096;

/**
 * A seeded hash of all of the r at rs[off, off + 32) (multiply-xor per 32-bit word, then the
 * murmur3 finaliser): its top 8 bits pick the bucket, its low bits the table slot. Seeded per
 * scan, so a crafted file cannot aim many r values at one slot.
 */
function hashOf(rs: Uint8Array, off: number, seed: number): number {
  let h = seed;
  for (let i = off; i < off + 32; i += 4) h = Math.imul(h ^ (rs[i]! | (rs[i + 1]! << 8) | (rs[i + 2]! << 16) | (rs[i + 3]! << 24)), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A random 32-bit seed (Web Crypto: node and browsers). */
const randomSeed = (): number => crypto.getRandomValues(new Int32Array(1))[0]!;

export class NonceIndex {
  /** Per bucket, its chunks of r values (CHUNK × 32 bytes) and of location and hash (CHUNK × 3). */
  private rs: Uint8Array[][] = Array.from({ length: BUCKETS }, () => []);
  private locs: Uint32Array[][] = Array.from({ length: BUCKETS }, () => []);
  /** Records in each bucket's last chunk. */
  private fill: Int32Array = new Int32Array(BUCKETS).fill(CHUNK);
  /** Each bucket's last chunks (the ones `add` writes to). */
  private curRs: Uint8Array[] = [];
  private curLocs: Uint32Array[] = [];
  /** Number of signatures added. */
  size = 0;

  /** `seed`: the hash seed; indexes whose groups are found together (threads of one scan) must share it. */
  constructor(readonly seed: number = randomSeed()) {}

  /** Adds r (32 bytes, big-endian) with a location (a, b), e.g. file and line. */
  add(r: Uint8Array, a: number, b: number): void {
    const hash = hashOf(r, 0, this.seed);
    const bucket = hash >>> 24;
    let n = this.fill[bucket]!;
    if (n === CHUNK) {
      this.rs[bucket]!.push((this.curRs[bucket] = new Uint8Array(CHUNK * 32)));
      this.locs[bucket]!.push((this.curLocs[bucket] = new Uint32Array(CHUNK * 3)));
      n = 0;
    }
    const rsChunk = this.curRs[bucket]!;
    const locChunk = this.curLocs[bucket]!;
    const off = n * 32;
    for (let i = 0; i < 32; i++) rsChunk[off + i] = r[i]!;
    locChunk[n * 3] = a;
    locChunk[n * 3 + 1] = b;
    locChunk[n * 3 + 2] = hash;
    this.fill[bucket] = n + 1;
    this.size++;
  }

  /** Records in a bucket. */
  private count(bucket: number): number {
    const chunks = this.rs[bucket]!.length;
    return chunks === 0 ? 0 : (chunks - 1) * CHUNK + this.fill[bucket]!;
  }

  /** The arrays of the index, to move it between threads (postMessage, with `buffers()` transferred). */
  state(): NonceIndexState {
    return { seed: this.seed, rs: this.rs, locs: this.locs, fill: this.fill, size: this.size };
  }

  /** The buffers of `state()`, for a postMessage transfer list. */
  buffers(): ArrayBuffer[] {
    return [...this.rs.flat(), ...this.locs.flat(), this.fill].map((a) => a.buffer as ArrayBuffer);
  }

  /** An index from `state()` (its arrays are used, not copied). */
  static fromState(s: NonceIndexState): NonceIndex {
    const x = new NonceIndex(s.seed);
    x.rs = s.rs;
    x.locs = s.locs;
    x.curRs = s.rs.map((c) => c[c.length - 1]!);
    x.curLocs = s.locs.map((c) => c[c.length - 1]!);
    x.fill = s.fill;
    x.size = s.size;
    return x;
  }

  /** Rewrites every location (a, b) as (fileMap[a], b + lineBase[a]): a thread's part joined to the whole scan. */
  relocate(fileMap: readonly number[], lineBase: readonly number[]): void {
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const chunks = this.locs[bucket]!;
      chunks.forEach((l, c) => {
        const n = c === chunks.length - 1 ? this.fill[bucket]! : CHUNK;
        for (let i = 0; i < n * 3; i += 3) {
          const a = l[i]!;
          l[i] = fileMap[a]!;
          l[i + 1] = l[i + 1]! + lineBase[a]!;
        }
      });
    }
  }

  /**
   * Every r value held more than once, over this index and `others`: for each, its locations
   * (in the order the indexes are given, then the order they were added).
   */
  groups(others: readonly NonceIndex[] = []): [number, number][][] {
    const all = [this, ...others];
    if (all.some((x) => x.seed !== this.seed)) throw new Error('NonceIndex.groups: the indexes were built with different seeds');
    const out: [number, number][][] = [];
    let rs = new Uint8Array(0);
    let locs = new Uint32Array(0);
    let next = new Int32Array(0);
    let slots = new Int32Array(0);
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const m = all.reduce((s, x) => s + x.count(bucket), 0);
      if (m < 2) continue;
      if (next.length < m) {
        rs = new Uint8Array(m * 32);
        locs = new Uint32Array(m * 3);
        next = new Int32Array(m);
      }
      let cap = 16;
      while (cap < m * 2) cap <<= 1;
      if (slots.length < cap) slots = new Int32Array(cap);
      slots.fill(0, 0, cap);
      next.fill(0, 0, m);
      // The bucket's records, contiguous.
      let g = 0;
      for (const x of all)
        x.rs[bucket]!.forEach((chunk, c) => {
          const n = c === x.rs[bucket]!.length - 1 ? x.fill[bucket]! : CHUNK;
          rs.set(chunk.subarray(0, n * 32), g * 32);
          locs.set(x.locs[bucket]![c]!.subarray(0, n * 3), g * 3);
          g += n;
        });
      // Slots and links hold record + 1 (0: empty, end); a head links to the last member, members in order.
      const mask = cap - 1;
      const heads: number[] = [];
      const last = new Map<number, number>();
      for (let id = 0; id < m; id++) {
        const off = id * 32;
        let h = locs[id * 3 + 2]! & mask;
        for (;;) {
          const head1 = slots[h]!;
          if (head1 === 0) {
            slots[h] = id + 1;
            break;
          }
          const o = (head1 - 1) * 32;
          let i = 0;
          while (i < 32 && rs[o + i] === rs[off + i]) i++;
          if (i === 32) {
            const head = head1 - 1;
            const tail = last.get(head);
            if (tail === undefined) heads.push(head);
            next[tail ?? head] = id + 1;
            last.set(head, id);
            break;
          }
          h = (h + 1) & mask;
        }
      }
      for (const head of heads) {
        const group: [number, number][] = [];
        for (let id = head; id !== -1; id = next[id]! - 1) group.push([locs[id * 3]!, locs[id * 3 + 1]!]);
        out.push(group);
      }
    }
    return out;
  }
}

/** The arrays of a NonceIndex (see `state`). */
export interface NonceIndexState {
  seed: number;
  rs: Uint8Array[][];
  locs: Uint32Array[][];
  fill: Int32Array;
  size: number;
}
