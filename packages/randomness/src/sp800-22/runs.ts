/**
 * SP 800-22 rev1a §2.3 runs test and §2.4 longest-run-of-ones test, as sts-2.1.2 computes them
 * (runs.c, longestRunOfOnes.c), a 32-bit word at a time.
 */
import { countOnes, extract32, normalizeBits, popcount32, type BitSequence } from './bits.js';
import { applicable, invalid, requireBits, type CommonOptions, type TestResult } from './result.js';
import { erfc, igamc } from './special.js';

/** Number of runs V_n(obs) = 1 + the number of k with ε_k ≠ ε_(k+1). */
export function countRuns(seq: BitSequence): number {
  const { words, length: n } = seq;
  if (n === 0) return 0;
  const last = (n - 1) >>> 5;
  let transitions = 0;
  let prev = words[0]! >>> 31; // no transition before the first bit
  for (let q = 0; q <= last; q++) {
    const x = words[q]!;
    let t = (x ^ ((x >>> 1) | (prev << 31))) >>> 0;
    if (q === last) {
      const valid = n - 32 * q; // 1..32 bits of this word belong to the sequence
      if (valid < 32) t &= ~(0xffffffff >>> valid);
    }
    transitions += popcount32(t);
    prev = x & 1;
  }
  return transitions + 1;
}

/**
 * Runs test: is the number of runs (uninterrupted blocks of equal bits) what a random sequence
 * gives? SP 800-22 §2.3. As in sts-2.1.2, when the frequency prerequisite |π − 1/2| ≤ 2/√n fails the
 * P-value is 0.0 (the test counts as failed).
 */
export function runsTest(seq: BitSequence, options: CommonOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  // §2.3.7: n ≥ 100
  requireBits('runs', n, options.strict === false ? 1 : 100);
  const ones = countOnes(s);
  const pi = ones / n;
  if (Math.abs(pi - 0.5) > 2.0 / Math.sqrt(n)) {
    return applicable('runs', ['p'], [0.0], { n, pi }, [`frequency prerequisite not met: |π − 1/2| = ${Math.abs(pi - 0.5).toFixed(6)} > 2/√n = ${(2 / Math.sqrt(n)).toFixed(6)}; P-value set to 0 as sts-2.1.2 does`]);
  }
  const V = countRuns(s);
  const arg = Math.abs(V - 2.0 * n * pi * (1 - pi)) / (2.0 * pi * (1 - pi) * Math.sqrt(2 * n));
  return applicable('runs', ['p'], [erfc(arg)], { n, pi, V });
}

/** Longest run of ones in each of the ⌊n/M⌋ blocks of M bits. */
export function longestRunsPerBlock(seq: BitSequence, M: number): Int32Array {
  const { words, length: n } = seq;
  const N = Math.floor(n / M);
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let run = 0;
    let best = 0;
    for (let off = 0; off < M; off += 32) {
      const k = Math.min(32, M - off);
      // the k bits at this position, right-aligned (the last bit in sequence order is bit 0)
      const v = k === 32 ? extract32(words, i * M + off) : extract32(words, i * M + off) >>> (32 - k);
      const full = k === 32 ? 0xffffffff : (1 << k) - 1;
      if (v === full) {
        run += k;
        continue;
      }
      // ones continuing the current run from the top of the chunk
      const lead = Math.clz32(~(v << (32 - k)));
      run += lead;
      if (run > best) best = run;
      // longest run inside the chunk: how many times x & (x << 1) can be taken before it is zero
      let x = v;
      let inner = 0;
      while (x !== 0) {
        x &= x << 1;
        inner++;
      }
      if (inner > best) best = inner;
      // trailing ones start the next run (v has a zero among its k bits, so this is < k)
      run = 31 - Math.clz32(~v & (v + 1));
    }
    if (run > best) best = run;
    out[i] = best;
  }
  return out;
}

/**
 * The block lengths and class probabilities of SP 800-22 §2.4.2 / sts-2.1.2. For M = 8 these are
 * the exact values 55/256, 94/256, 59/256, 48/256; erratum: the §2.4.8 example rounds them to
 * 4 digits and prints 0.180598, where sts-2.1.2 (and we) give 0.180609.
 */
const LONGEST_RUN_TABLES: Readonly<Record<8 | 128 | 10000, { K: number; V0: number; pi: readonly number[] }>> = {
  8: { K: 3, V0: 1, pi: [0.21484375, 0.3671875, 0.23046875, 0.1875] },
  128: { K: 5, V0: 4, pi: [0.1174035788, 0.242955959, 0.249363483, 0.17517706, 0.102701071, 0.112398847] },
  // sts-2.1.2 uses these 4-digit values (Appendix B depends on them)
  10000: { K: 6, V0: 10, pi: [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727] },
};

export interface LongestRunOptions extends CommonOptions {
  /** Block length M: 8, 128 or 10000. By default chosen from n as sts-2.1.2 does (n < 6272: 8; n < 750000: 128; else 10000). */
  blockLength?: 8 | 128 | 10000;
}

/** Longest run of ones in a block: is the longest run in each M-bit block what a random sequence gives? SP 800-22 §2.4. */
export function longestRunTest(seq: BitSequence, options: LongestRunOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  // sts-2.1.2 refuses n < 128 (§2.4.7's smallest M = 8 needs n ≥ 128)
  requireBits('longest-run', n, 128);
  const M = options.blockLength ?? (n < 6272 ? 8 : n < 750000 ? 128 : 10000);
  const table = LONGEST_RUN_TABLES[M];
  if (!table) invalid('longest-run', `block length M must be 8, 128 or 10000; got ${String(M)}`);
  requireBits('longest-run', n, M, `one block of M = ${M} bits`);
  if (options.strict !== false) requireBits('longest-run', n, M === 8 ? 128 : M === 128 ? 6272 : 750000, `SP 800-22 §2.4.2 table for M = ${M}`);
  const { K, V0, pi } = table;
  const N = Math.floor(n / M);
  const longest = longestRunsPerBlock(s, M);
  const nu = new Array<number>(K + 1).fill(0);
  for (let i = 0; i < N; i++) {
    const v = longest[i]!;
    nu[v < V0 ? 0 : v - V0 > K ? K : v - V0]! += 1;
  }
  let chi2 = 0.0;
  for (let i = 0; i <= K; i++) chi2 += ((nu[i]! - N * pi[i]!) * (nu[i]! - N * pi[i]!)) / (N * pi[i]!);
  const p = igamc(K / 2.0, chi2 / 2.0);
  return applicable('longest-run', ['p'], [p], { n, M, N, K, chi2, nu });
}
