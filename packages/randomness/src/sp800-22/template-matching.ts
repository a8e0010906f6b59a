/**
 * SP 800-22 rev1a §2.7 non-overlapping and §2.8 overlapping template matching tests, as
 * sts-2.1.2 computes them (nonOverlappingTemplateMatchings.c, overlappingTemplateMatchings.c).
 *
 * Rather than scanning the sequence once per template (148 scans in sts-2.1.2), one pass over each
 * block reads every m-bit window once and counts, for all 2^m possible templates at the same time,
 * the non-overlapping occurrences: an occurrence at j is counted when j is at least m past the last
 * counted one, which is exactly sts's "skip m − 1 bits after a match" rule.
 */
import { countOnes, emptyBits, extract32, normalizeBits, type BitSequence } from './bits.js';
import { applicable, invalid, requireBits, requireInt, type CommonOptions, type TestResult } from './result.js';
import { igamc, lgamma } from './special.js';
import { isAperiodic, parseTemplate, stsTemplates, templateToString } from './templates.js';

/**
 * For each of the N blocks of M bits, the number of non-overlapping occurrences of every m-bit
 * pattern (index v) — a table of N × 2^m counts, block-major.
 */
export function nonOverlappingCounts(seq: BitSequence, m: number, N: number, M: number): Int32Array {
  const size = 1 << m;
  const counts = new Int32Array(N * size);
  const next = new Int32Array(size);
  const { words } = seq;
  for (let i = 0; i < N; i++) {
    next.fill(0);
    const base = i * size;
    const start = i * M;
    const mask = (1 << m) - 1;
    let v = 0;
    for (let k = 0; k < m - 1; k++) {
      const p = start + k;
      v = (v << 1) | ((words[p >>> 5]! >>> (31 - (p & 31))) & 1);
    }
    const count = M - m + 1;
    for (let j = 0; j < count; j++) {
      const p = start + j + m - 1;
      v = ((v << 1) | ((words[p >>> 5]! >>> (31 - (p & 31))) & 1)) & mask;
      if (j >= next[v]!) {
        counts[base + v]!++;
        next[v] = j + m;
      }
    }
  }
  return counts;
}

export interface NonOverlappingOptions extends CommonOptions {
  /** Template length m (sts-2.1.2 default 9; 2 … 21). */
  templateLength?: number;
  /** Number of blocks N (sts-2.1.2 fixes 8); the block length is M = ⌊n/N⌋. */
  blocks?: number;
  /**
   * Templates to test, as 0/1 strings of one length (they must be aperiodic). Default: sts-2.1.2's
   * list for m — all 148 aperiodic templates for m = 9.
   */
  templates?: readonly string[];
}

/** Non-overlapping template matching: too many occurrences of given aperiodic patterns. SP 800-22 §2.7. One P-value per template. */
export function nonOverlappingTemplateTest(seq: BitSequence, options: NonOverlappingOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const test = 'non-overlapping-template';
  let m: number;
  let templates: number[];
  if (options.templates !== undefined) {
    if (options.templates.length === 0) invalid(test, 'give at least one template');
    const parsed = options.templates.map(parseTemplate);
    m = parsed[0]!.length;
    if (options.templateLength !== undefined && options.templateLength !== m) invalid(test, `templates have length ${m}, not ${options.templateLength}`);
    for (const [i, t] of parsed.entries()) {
      if (t.length !== m) invalid(test, `template ${i + 1} ("${options.templates[i]}") has length ${t.length}; the others have ${m}`);
      if (!isAperiodic(t.value, m)) invalid(test, `template "${options.templates[i]}" is periodic (a prefix equals a suffix); §2.7 needs aperiodic templates`);
    }
    templates = parsed.map((t) => t.value);
  } else {
    m = requireInt(test, 'template length m', options.templateLength ?? 9, 2, 21);
    templates = stsTemplates(m);
  }
  const N = requireInt(test, 'number of blocks N', options.blocks ?? 8, 1);
  // λ = (M − m + 1)/2^m must be positive (sts-2.1.2): M ≥ m
  requireBits(test, n, N * m, `N = ${N} blocks of at least m = ${m} bits`);
  const M = Math.floor(n / N);
  // §2.7.7: N ≤ 100 and M > 0.01 n (hold for sts-2.1.2's N = 8)
  if (options.strict !== false && N > 100) invalid(test, `N = ${N} blocks is more than the 100 SP 800-22 §2.7.7 allows`);
  const lambda = (M - m + 1) / Math.pow(2, m);
  const varWj = M * (1.0 / Math.pow(2.0, m) - (2.0 * m - 1.0) / Math.pow(2.0, 2.0 * m));
  const counts = nonOverlappingCounts(s, m, N, M);
  const size = 1 << m;
  const sd = Math.sqrt(varWj);
  const pValues: number[] = [];
  const chi2s: number[] = [];
  for (const t of templates) {
    let chi2 = 0.0;
    for (let i = 0; i < N; i++) {
      const z = (counts[i * size + t]! - lambda) / sd;
      chi2 += z * z;
    }
    chi2s.push(chi2);
    pValues.push(igamc(N / 2.0, chi2 / 2.0));
  }
  return applicable(test, templates.map((t) => templateToString(t, m)), pValues, { n, m, N, M, lambda, varWj, chi2: chi2s });
}

/**
 * For each of the ⌊n/M⌋ blocks of M bits, the number of positions j ≤ M − m where m ones start
 * (overlaps counted). A word y of "m ones start here" flags is the AND of the sequence shifted by
 * 0 … m − 1 bits; each block then counts the flags in its range.
 */
export function overlappingOnesCounts(seq: BitSequence, m: number, M: number): Int32Array {
  const { words, length: n } = seq;
  const N = Math.floor(n / M);
  const starts = emptyBits(n);
  const y = starts.words;
  const nw = Math.ceil(n / 32);
  for (let q = 0; q < nw; q++) {
    let acc = 0xffffffff;
    for (let k = 0; k < m && acc !== 0; k++) acc &= extract32(words, 32 * q + k);
    y[q] = acc >>> 0;
  }
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) out[i] = countOnes(starts, i * M, i * M + M - m + 1);
  return out;
}

/** sts-2.1.2's probability that an M-bit block holds u overlapping runs of m ones, with η = λ/2 (its Pr function). */
function overlapProbability(u: number, eta: number): number {
  if (u === 0) return Math.exp(-eta);
  let sum = 0.0;
  for (let l = 1; l <= u; l++) {
    sum += Math.exp(-eta - u * Math.log(2) + l * Math.log(eta) - lgamma(l + 1) + lgamma(u) - lgamma(l) - lgamma(u - l + 1));
  }
  return sum;
}

export interface OverlappingOptions extends CommonOptions {
  /** Length m of the all-ones template (sts-2.1.2 default 9). */
  templateLength?: number;
  /** Block length M (sts-2.1.2 fixes 1032). */
  blockLength?: number;
}

/**
 * Overlapping template matching: occurrences of m consecutive ones, overlaps counted. SP 800-22 §2.8.
 * Like sts-2.1.2 the class probabilities come from its Pr(u, η) function (K = 5), not the table of
 * §2.8.4; the result matches Appendix B.
 */
export function overlappingTemplateTest(seq: BitSequence, options: OverlappingOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const test = 'overlapping-template';
  const m = requireInt(test, 'template length m', options.templateLength ?? 9, 2, 21);
  const M = requireInt(test, 'block length M', options.blockLength ?? 1032, m);
  const K = 5;
  // §2.8.7: n ≥ 10^6; computing needs one block
  requireBits(test, n, options.strict === false ? M : Math.max(M, 1000000), options.strict === false ? `one block of M = ${M} bits` : undefined);
  const N = Math.floor(n / M);
  const lambda = (M - m + 1) / Math.pow(2, m);
  const eta = lambda / 2.0;
  const pi: number[] = [];
  let sum = 0.0;
  for (let i = 0; i < K; i++) {
    pi[i] = overlapProbability(i, eta);
    sum += pi[i]!;
  }
  pi[K] = 1 - sum;
  const nu = new Array<number>(K + 1).fill(0);
  for (const W of overlappingOnesCounts(s, m, M)) nu[W <= 4 ? W : K]! += 1;
  let chi2 = 0.0;
  for (let i = 0; i < K + 1; i++) chi2 += Math.pow(nu[i]! - N * pi[i]!, 2) / (N * pi[i]!);
  const p = igamc(K / 2.0, chi2 / 2.0);
  return applicable(test, ['p'], [p], { n, m, M, N, K, lambda, eta, pi, nu, chi2 });
}
