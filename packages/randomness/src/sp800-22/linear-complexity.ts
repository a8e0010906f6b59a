/**
 * SP 800-22 rev1a §2.10 linear complexity test, as sts-2.1.2 computes it (linearComplexity.c),
 * with a word-level Berlekamp–Massey algorithm.
 *
 * Erratum shared by the paper and sts-2.1.2: π_0 is printed as 0.01047 where the formula of §3.10
 * gives 0.010417. We keep 0.01047 so the P-values match sts-2.1.2 and Appendix B (§2.10.8 example:
 * 0.845406; with 0.010417 it would be 0.844721).
 */
import { extract32, normalizeBits, type BitSequence } from './bits.js';
import { applicable, requireBits, requireInt, type CommonOptions, type TestResult } from './result.js';
import { igamc } from './special.js';

/** 32 bits of the sequence from `pos`, where positions before 0 read as zeros. */
function extractFrom(words: Uint32Array, pos: number): number {
  if (pos >= 0) return extract32(words, pos);
  if (pos > -32) return extract32(words, 0) >>> -pos;
  return 0;
}

/**
 * Linear complexity (length of the shortest LFSR generating it) of each of the ⌊n/M⌋ blocks of
 * M bits, by Berlekamp–Massey over GF(2) on 32-bit words.
 *
 * The connection polynomial C(x) = 1 + c_1 x + … + c_L x^L is kept as a bit vector (bit i = c_i).
 * The block is kept reversed (bit t = s_(M−1−t)), so the bits s_N, s_(N−1), … that the discrepancy
 * d_N = Σ c_i s_(N−i) pairs with c_0, c_1, … are the reversed block shifted right by M − 1 − N:
 * d_N is the parity of C AND that window, a few words at a time.
 */
export function linearComplexities(seq: BitSequence, M: number): Int32Array {
  const { words, length: n } = seq;
  const N = Math.floor(n / M);
  const out = new Int32Array(N);
  const rw = Math.ceil(M / 32);
  const R = new Int32Array(rw + 1);
  const cw = ((M + 64) >>> 5) + 2;
  const C = new Int32Array(cw);
  let B = new Int32Array(cw);
  let T = new Int32Array(cw);
  for (let blk = 0; blk < N; blk++) {
    const start = blk * M;
    for (let w = 0; w < rw; w++) R[w] = extractFrom(words, start + M - 32 - 32 * w);
    C.fill(0);
    B.fill(0);
    C[0] = 1;
    B[0] = 1;
    let L = 0;
    let m = -1;
    let bWords = 1;
    for (let step = 0; step < M; step++) {
      const off = M - 1 - step;
      const q0 = off >>> 5;
      const r = off & 31;
      const lw = L >>> 5;
      let x = 0;
      if (r === 0) {
        for (let w = 0; w <= lw; w++) x ^= C[w]! & R[q0 + w]!;
      } else {
        const rl = 32 - r;
        for (let w = 0; w <= lw; w++) x ^= C[w]! & ((R[q0 + w]! >>> r) | (R[q0 + w + 1]! << rl));
      }
      x ^= x >>> 16;
      x ^= x >>> 8;
      x ^= x >>> 4;
      if (((0x6996 >>> (x & 15)) & 1) === 0) continue;
      // d = 1: C ← C + x^(N−m) B, and when 2L ≤ N the length changes and B ← the old C
      const lengthChange = L <= step >>> 1;
      if (lengthChange) for (let w = 0; w <= lw; w++) T[w] = C[w]!;
      const sh = step - m;
      const ws = sh >>> 5;
      const bs = sh & 31;
      if (bs === 0) {
        for (let w = 0; w < bWords; w++) C[w + ws] = C[w + ws]! ^ B[w]!;
      } else {
        const bl = 32 - bs;
        for (let w = 0; w < bWords; w++) {
          const b = B[w]!;
          C[w + ws] = C[w + ws]! ^ (b << bs);
          C[w + ws + 1] = C[w + ws + 1]! ^ (b >>> bl);
        }
      }
      if (lengthChange) {
        const oldL = L;
        L = step + 1 - L;
        m = step;
        const tmp = B;
        B = T;
        T = tmp;
        bWords = (oldL >>> 5) + 1;
      }
    }
    out[blk] = L;
  }
  return out;
}

/** sts-2.1.2's class probabilities (π_0 = 0.01047, see the erratum above). */
const PI: readonly number[] = [0.01047, 0.03125, 0.125, 0.5, 0.25, 0.0625, 0.020833];

export interface LinearComplexityOptions extends CommonOptions {
  /** Block length M (sts-2.1.2 default 500). */
  blockLength?: number;
}

/** Linear complexity test: is the sequence complex enough (LFSR length per block)? SP 800-22 §2.10. */
export function linearComplexityTest(seq: BitSequence, options: LinearComplexityOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const test = 'linear-complexity';
  const strict = options.strict !== false;
  // §2.10.7: n ≥ 10^6, 500 ≤ M ≤ 5000, N ≥ 200
  const M = strict ? requireInt(test, 'block length M', options.blockLength ?? 500, 500, 5000) : requireInt(test, 'block length M', options.blockLength ?? 500, 1);
  requireBits(test, n, strict ? Math.max(1000000, 200 * M) : M, strict ? undefined : `one block of M = ${M} bits`);
  const K = 6;
  const N = Math.floor(n / M);
  const Ls = linearComplexities(s, M);
  const sign1 = (M + 1) % 2 === 0 ? -1 : 1;
  const mean = M / 2.0 + (9.0 + sign1) / 36.0 - (1.0 / Math.pow(2, M)) * (M / 3.0 + 2.0 / 9.0);
  const sign2 = M % 2 === 0 ? 1 : -1;
  const nu = new Array<number>(K + 1).fill(0);
  for (let i = 0; i < N; i++) {
    const T = sign2 * (Ls[i]! - mean) + 2.0 / 9.0;
    const k = T <= -2.5 ? 0 : T <= -1.5 ? 1 : T <= -0.5 ? 2 : T <= 0.5 ? 3 : T <= 1.5 ? 4 : T <= 2.5 ? 5 : 6;
    nu[k]! += 1;
  }
  let chi2 = 0.0;
  for (let i = 0; i < K + 1; i++) chi2 += Math.pow(nu[i]! - N * PI[i]!, 2) / (N * PI[i]!);
  const p = igamc(K / 2.0, chi2 / 2.0);
  return applicable(test, ['p'], [p], { n, M, N, K, mean, nu, chi2 });
}
