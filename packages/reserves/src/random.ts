/**
 * Randomness of a snapshot (salts, padding leaves, the shuffle, the snapshot id), injected so tests
 * are reproducible; the default is the platform CSPRNG (WebCrypto `getRandomValues`).
 */

/** Fills `out` with random bytes. */
export type RandomSource = (out: Uint8Array) => void;

/** WebCrypto's limit for one `getRandomValues` call. */
const WEBCRYPTO_MAX = 65536;

/** The platform CSPRNG (`crypto.getRandomValues`, in node and in browsers). */
export const cryptoRandom: RandomSource = (out) => {
  // Browsers refuse views of shared memory; fill those through a private buffer.
  const bounce = out.buffer instanceof ArrayBuffer ? undefined : new Uint8Array(Math.min(out.length, WEBCRYPTO_MAX));
  for (let o = 0; o < out.length; o += WEBCRYPTO_MAX) {
    const part = out.subarray(o, Math.min(out.length, o + WEBCRYPTO_MAX));
    if (bounce) {
      const b = bounce.subarray(0, part.length);
      globalThis.crypto.getRandomValues(b);
      part.set(b);
    } else {
      globalThis.crypto.getRandomValues(part as Uint8Array<ArrayBuffer>);
    }
  }
};

/** Draws from a {@link RandomSource} through a buffer: whole arrays, u32 values and unbiased indexes. */
export class RandomStream {
  private readonly buf = new Uint8Array(4096);
  private pos = this.buf.length;
  private readonly view = new DataView(this.buf.buffer);
  /** below()'s single draw. */
  private readonly one = new Uint32Array(1);

  constructor(private readonly source: RandomSource) {}

  /** Fills `out` straight from the source. */
  fill(out: Uint8Array): void {
    this.source(out);
  }

  /** `n` fresh random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.source(out);
    return out;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    if (this.pos + 4 > this.buf.length) {
      this.source(this.buf);
      this.pos = 0;
    }
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** A uniform integer in [0, n) for 1 <= n <= 2^32, by rejection sampling (no modulo bias). */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new RangeError(`below(${n}): n must be an integer in [1, 2^32]`);
    this.belowEach(this.one, n - 1, 1);
    return this.one[0]!;
  }

  /**
   * Lets a consumer outside JavaScript draw from the stream's own buffer (the native shuffle):
   * `take(buffer, pos)` reads 4-byte draws from `pos` on and returns the position after the bytes it
   * used; it is called again with a refilled buffer while `done()` is false. The buffer is refilled
   * when fewer than 4 bytes are left, exactly as {@link belowEach} does, so the source sees the same
   * calls as the same draws made in JavaScript.
   */
  consume(take: (buffer: Uint8Array, pos: number) => number, done: () => boolean): void {
    while (!done()) {
      if (this.pos + 4 > this.buf.length) {
        this.source(this.buf);
        this.pos = 0;
      }
      const next = take(this.buf, this.pos);
      if (!(next >= this.pos && next <= this.buf.length)) throw new RangeError('consume: the consumer returned a position outside the buffer');
      if (next === this.pos && !done()) throw new RangeError('consume: the consumer used no bytes');
      this.pos = next;
    }
  }

  /**
   * The shuffle's draws: out[k] = below(top - k + 1) for k = 0 … m - 1, in that order (1 <= m and
   * top - m + 2 >= 1; top + 1 <= 2^32). A draw x (a big-endian u32) gives r = x mod n and is kept
   * when the whole run of n values from x - r fits below 2^32, that is x < 2^32 - (2^32 mod n):
   * the same test as the usual limit, with one integer remainder instead of two and no call per draw.
   */
  belowEach(out: Uint32Array, top: number, m: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < m; k++) {
      const n = top - k + 1;
      for (;;) {
        if (p + 4 > b.length) {
          this.source(b);
          p = 0;
        }
        const x = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
        p += 4;
        const r = x % n;
        if (x - r + n <= 0x1_0000_0000) {
          out[k] = r;
          break;
        }
      }
    }
    this.pos = p;
  }
}

/** Swaps drawn ahead by {@link shuffle}. */
const SHUFFLE_BATCH = 1024;

/**
 * Shuffles `items` in place with Fisher–Yates (Knuth's algorithm P): every permutation equally likely.
 * The swap targets of a batch are drawn first and their slots touched in a tight loop, so the
 * random reads of a large array overlap instead of stalling one swap at a time; the draws and the
 * swaps are the same, in the same order, as the plain loop.
 *
 * A shuffle may be done in parts, from the top down: `shuffle(items, random, top, stop)` makes the
 * steps i = top, top - 1, …, stop + 1 (swap items[i] with items[j], j drawn from [0, i]). After step i,
 * slot i never changes again, so the slots above `stop` are final (all of them once `stop` is 0).
 * Parts that follow one another, with the same stream, make exactly the whole shuffle.
 */
export function shuffle(items: Uint32Array | number[], random: RandomStream, top = items.length - 1, stop = 0): void {
  const targets = new Uint32Array(SHUFFLE_BATCH);
  let touch = 0;
  for (; top > stop; top -= SHUFFLE_BATCH) {
    const m = Math.min(SHUFFLE_BATCH, top - stop);
    random.belowEach(targets, top, m);
    for (let k = 0; k < m; k++) touch ^= items[targets[k]!]!;
    for (let k = 0; k < m; k++) {
      const i = top - k, j = targets[k]!;
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
  }
  if (touch === 0.5) throw new Error('unreachable'); // keeps the touching reads
}
