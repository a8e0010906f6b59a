/**
 * SP 800-22 rev1a §2.11 serial test and §2.12 approximate entropy test, as sts-2.1.2 computes
 * them (serial.c, approximateEntropy.c). Both count the m-bit patterns of the sequence read
 * cyclically (the first m − 1 bits appended to the end); the counts for m − 1 bits are the sums of
 * pairs of counts for m bits, so one pass over the sequence serves every pattern length.
 */
import { normalizeBits, type BitSequence } from './bits.js';
import { applicable, requireBits, requireInt, type CommonOptions, type TestResult } from './result.js';
import { igamc } from './special.js';

/** Counts of the n cyclic m-bit windows, indexed by the window read most significant bit first. */
export function cyclicPatternCounts(seq: BitSequence, m: number): Uint32Array {
  const { words, length: n } = seq;
  const counts = new Uint32Array(1 << m);
  if (m === 0) {
    counts[0] = n;
    return counts;
  }
  const mask = m === 32 ? 0xffffffff : (1 << m) - 1;
  const bit = (p: number): number => (words[p >>> 5]! >>> (31 - (p & 31))) & 1;
  let v = 0;
  for (let k = 0; k < m - 1; k++) v = (v << 1) | bit(k % n);
  // windows that do not wrap: the incoming bit is j + m − 1 < n
  const plain = Math.max(0, n - m + 1);
  for (let j = 0; j < plain; j++) {
    const p = j + m - 1;
    v = ((v << 1) | ((words[p >>> 5]! >>> (31 - (p & 31))) & 1)) & mask;
    counts[v]!++;
  }
  for (let j = plain; j < n; j++) {
    v = ((v << 1) | bit((j + m - 1) % n)) & mask;
    counts[v]!++;
  }
  return counts;
}

/** Counts for m − 1 bits from counts for m bits: drop the last bit of each pattern. */
export function foldPatternCounts(counts: Uint32Array): Uint32Array {
  const out = new Uint32Array(counts.length >>> 1);
  for (let v = 0; v < out.length; v++) out[v] = counts[2 * v]! + counts[2 * v + 1]!;
  return out;
}

/** Cyclic pattern counts of the sequence for some length, computed once and shared (serial and approximate entropy in a battery run). */
export interface SharedPatternCounts {
  readonly m: number;
  readonly counts: Uint32Array;
}

/** Counts for length m: folded down from shared counts of a longer length when given, else counted. */
function countsFor(seq: BitSequence, m: number, shared: SharedPatternCounts | undefined): Uint32Array {
  if (shared === undefined || shared.m < m || shared.counts.length !== 2 ** shared.m) return cyclicPatternCounts(seq, m);
  let c = shared.counts;
  for (let k = shared.m; k > m; k--) c = foldPatternCounts(c);
  return c;
}

/** ψ²_m of SP 800-22 §2.11.4 step 3 from the pattern counts (0 for m ≤ 0, as sts-2.1.2). */
function psi2(counts: Uint32Array | undefined, m: number, n: number): number {
  if (m <= 0 || counts === undefined) return 0.0;
  let sum = 0.0;
  for (let v = 0; v < counts.length; v++) sum += counts[v]! * counts[v]!;
  return (sum * Math.pow(2, m)) / n - n;
}

export interface SerialOptions extends CommonOptions {
  /** Pattern length m (sts-2.1.2 default 16). */
  blockLength?: number;
  /** Counts already made for a length ≥ m (a battery run shares them with approximate entropy). */
  patternCounts?: SharedPatternCounts;
}

/** Serial test: are all 2^m overlapping m-bit patterns about equally frequent? SP 800-22 §2.11. Two P-values. */
export function serialTest(seq: BitSequence, options: SerialOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const m = requireInt('serial', 'block length m', options.blockLength ?? 16, 2, 24);
  requireBits('serial', n, 1);
  // §2.11.7: m < ⌊log2 n⌋ − 2
  if (options.strict !== false) requireBits('serial', n, Math.pow(2, m + 3), `§2.11.7: m = ${m} needs m < ⌊log2 n⌋ − 2`);
  const cm = countsFor(s, m, options.patternCounts);
  const cm1 = foldPatternCounts(cm);
  const cm2 = m >= 2 ? foldPatternCounts(cm1) : undefined;
  const psim0 = psi2(cm, m, n);
  const psim1 = psi2(cm1, m - 1, n);
  const psim2 = psi2(cm2, m - 2, n);
  const del1 = psim0 - psim1;
  const del2 = psim0 - 2.0 * psim1 + psim2;
  const p1 = igamc(Math.pow(2, m - 1) / 2, del1 / 2.0);
  const p2 = igamc(Math.pow(2, m - 2) / 2, del2 / 2.0);
  return applicable('serial', ['p1', 'p2'], [p1, p2], { n, m, psim0, psim1, psim2, del1, del2 });
}

/** Φ^(m) of SP 800-22 §2.12.4 step 4: Σ π_i log π_i over the patterns that occur. */
function phi(counts: Uint32Array, n: number): number {
  let sum = 0.0;
  for (let v = 0; v < counts.length; v++) {
    const c = counts[v]!;
    if (c > 0) sum += c * Math.log(c / n);
  }
  return sum / n;
}

export interface ApproximateEntropyOptions extends CommonOptions {
  /** Pattern length m (sts-2.1.2 default 10). */
  blockLength?: number;
  /** Counts already made for a length ≥ m + 1 (shared with the serial test in a battery run). */
  patternCounts?: SharedPatternCounts;
}

/** Approximate entropy test: frequency of overlapping m- and (m+1)-bit patterns. SP 800-22 §2.12. */
export function approximateEntropyTest(seq: BitSequence, options: ApproximateEntropyOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const m = requireInt('approximate-entropy', 'block length m', options.blockLength ?? 10, 1, 23);
  requireBits('approximate-entropy', n, 1);
  // §2.12.7: m < ⌊log2 n⌋ − 5
  if (options.strict !== false) requireBits('approximate-entropy', n, Math.pow(2, m + 6), `§2.12.7: m = ${m} needs m < ⌊log2 n⌋ − 5`);
  const c1 = countsFor(s, m + 1, options.patternCounts);
  const c0 = foldPatternCounts(c1);
  const phiM = phi(c0, n);
  const phiM1 = phi(c1, n);
  const apen = phiM - phiM1;
  const chi2 = 2.0 * n * (Math.log(2) - apen);
  const p = igamc(Math.pow(2, m - 1), chi2 / 2.0);
  const notes: string[] = [];
  const recommended = Math.max(1, Math.trunc(Math.log(n) / Math.log(2) - 5));
  if (m > Math.trunc(Math.log(n) / Math.log(2) - 5)) notes.push(`block length m = ${m} exceeds the recommended ${recommended} for n = ${n}; sts-2.1.2 warns that the result is inaccurate`);
  return applicable('approximate-entropy', ['p'], [p], { n, m, phiM, phiM1, apen, chi2 }, notes);
}
