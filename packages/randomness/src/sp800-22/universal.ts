/**
 * SP 800-22 rev1a §2.9 Maurer's "universal statistical" test, as sts-2.1.2 computes it
 * (universal.c): L from n by its table, Q = 10 · 2^L initialisation blocks, K = ⌊n/L⌋ − Q test
 * blocks, Coron's correction factor c(L, K) for σ.
 */
import { extract32, normalizeBits, type BitSequence } from './bits.js';
import { applicable, requireBits, requireInt, type CommonOptions, type TestResult } from './result.js';
import { erfc } from './special.js';

/** Expected value and variance of f_n for L = 6 … 16 (SP 800-22 §2.9.4 step 5, sts-2.1.2). */
const EXPECTED: readonly number[] = [0, 0, 0, 0, 0, 0, 5.2177052, 6.1962507, 7.1836656, 8.1764248, 9.1723243, 10.170032, 11.168765, 12.16807, 13.167693, 14.167488, 15.167379];
const VARIANCE: readonly number[] = [0, 0, 0, 0, 0, 0, 2.954, 3.125, 3.238, 3.311, 3.356, 3.384, 3.401, 3.41, 3.416, 3.419, 3.421];

/** sts-2.1.2's block length L for n bits (n ≥ 1010 · 2^L · L, §2.9.7), or 5 when n < 387840 (too short). */
export function universalBlockLength(n: number): number {
  const limits = [387840, 904960, 2068480, 4654080, 10342400, 22753280, 49643520, 107560960, 231669760, 496435200, 1059061760];
  let L = 5;
  for (const [i, limit] of limits.entries()) if (n >= limit) L = 6 + i;
  return L;
}

export interface UniversalOptions extends CommonOptions {
  /** Block length L, 6 … 16 (default: from n, as sts-2.1.2). */
  blockLength?: number;
  /** Initialisation blocks Q (default 10 · 2^L; at least that). */
  initBlocks?: number;
}

/** Maurer's universal statistical test: can the sequence be compressed? SP 800-22 §2.9. */
export function universalTest(seq: BitSequence, options: UniversalOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const test = 'universal';
  let L: number;
  if (options.blockLength === undefined) {
    // sts-2.1.2 rejects L < 6, i.e. n < 387840 (§2.9.7 table)
    requireBits(test, n, 387840, 'L = 6 needs n ≥ 1010 · 2^6 · 6');
    L = universalBlockLength(n);
  } else L = requireInt(test, 'block length L', options.blockLength, 6, 16);
  const Q = requireInt(test, 'initialisation blocks Q', options.initBlocks ?? 10 * Math.pow(2, L), 10 * Math.pow(2, L));
  if (options.strict !== false && options.blockLength !== undefined) {
    const min = 1010 * Math.pow(2, L) * L;
    requireBits(test, n, min, `§2.9.7: L = ${L} needs n ≥ 1010 · 2^L · L`);
  }
  requireBits(test, n, (Q + 1) * L, `Q = ${Q} initialisation blocks and one test block of L = ${L} bits`);
  const K = Math.floor(n / L) - Q;
  const c = 0.7 - 0.8 / L + ((4 + 32 / L) * Math.pow(K, -3 / L)) / 15;
  const sigma = c * Math.sqrt(VARIANCE[L]! / K);
  const T = new Int32Array(1 << L);
  const words = s.words;
  const shift = 32 - L;
  for (let i = 1; i <= Q; i++) T[extract32(words, (i - 1) * L) >>> shift] = i;
  // log2 of distances, tabulated (the same Math.log values, computed once)
  const tableSize = 1 << Math.min(L + 8, 20);
  const log2 = new Float64Array(tableSize);
  for (let d = 1; d < tableSize; d++) log2[d] = Math.log(d) / Math.log(2);
  let sum = 0.0;
  for (let i = Q + 1; i <= Q + K; i++) {
    const v = extract32(words, (i - 1) * L) >>> shift;
    const d = i - T[v]!;
    sum += d < tableSize ? log2[d]! : Math.log(d) / Math.log(2);
    T[v] = i;
  }
  const phi = sum / K;
  const arg = Math.abs(phi - EXPECTED[L]!) / (Math.sqrt(2) * sigma);
  const p = erfc(arg);
  return applicable(test, ['p'], [p], { n, L, Q, K, sum, sigma, expected: EXPECTED[L]!, variance: VARIANCE[L]!, fn: phi, discarded: n - (Q + K) * L });
}
