/**
 * Multi-stream analysis, as sts-2.1.2's finalAnalysisReport (assess.c computeMetrics) and
 * SP 800-22 rev1a §4.2 describe it. For every P-value row (a test, or one template / state / mode
 * of it) over m streams:
 *
 * - proportion of passing streams: a stream passes when P ≥ α; the row passes when the count lies
 *   within ⌊(p̂ ± 3 √(p̂ (1 − p̂) / m)) m⌋, p̂ = 1 − α (C truncation, as sts-2.1.2);
 * - uniformity: a histogram of the P-values in 10 bins and χ² = Σ (F_i − m/10)² / (m/10) with
 *   sts-2.1.2's integer m/10, giving P_T = igamc(9/2, χ²/2); it fails below 0.0001 and is undefined
 *   for fewer than 10 streams (sts prints "----"). SP 800-22 §4.2.2 wants at least 55 streams
 *   for it to mean much; rows with fewer say so.
 *
 * Like sts-2.1.2, P-values are read as it reads its own results files: printed with 6 decimals and
 * read back as a C float. (So 0.0099996 reads as 0.010000, and float(0.01) < 0.01 counts it as a
 * failure, exactly as in sts.) Streams where a test was not applicable are left out of its rows —
 * sts-2.1.2 does this for the random excursions tests by dropping P-values printed as 0.000000; we
 * drop only the not-applicable streams, so a genuine P < 5e-7 still counts as a failure.
 */
import { Sp80022Error } from './errors.js';
import type { TestId, TestResult } from './result.js';
import { igamc } from './special.js';

/** A P-value as sts-2.1.2's final report sees it: printed "%f" (6 decimals, round half even) and read back as a float. */
export function stsReadBack(p: number): number {
  const scaled = p * 1e6;
  let r: number;
  // an exact tie at 6 decimals needs p = odd / 128 (then p · 10^6 is exact); printf rounds it to even
  if (Number.isInteger(p * 128) && !Number.isInteger(scaled)) {
    const f = Math.floor(scaled);
    r = (f % 2 === 0 ? f : f + 1) / 1e6;
  } else r = Number(p.toFixed(6));
  return Math.fround(r);
}

/** One P-value row over all streams. */
export interface AnalysisRow {
  readonly test: TestId;
  readonly label: string;
  /** Streams where the test applied (m). */
  readonly sampleSize: number;
  /** Streams where it did not. */
  readonly notApplicable: number;
  /** Streams with P ≥ α. */
  readonly passed: number;
  /** Bounds of the acceptable number of passing streams (sts-2.1.2's integer thresholds), or null for m = 0. */
  readonly proportionMin: number | null;
  readonly proportionMax: number | null;
  readonly proportionOk: boolean;
  /** Counts of P-values in [0, 0.1), [0.1, 0.2), …, [0.9, 1]. */
  readonly histogram: readonly number[];
  /** P_T, or null when m < 10 (sts-2.1.2 prints "----"). */
  readonly uniformity: number | null;
  readonly uniformityOk: boolean | null;
  /** The row passes: P ≥ α for a single stream; otherwise proportion within bounds and P_T ≥ 0.0001. */
  readonly pass: boolean;
}

/** All rows of one test and its verdict. */
export interface TestAnalysis {
  readonly test: TestId;
  readonly rows: readonly AnalysisRow[];
  /** Rows that failed. */
  readonly failedRows: number;
  /**
   * Most failed rows still accepted for a test with many rows (148 templates, 18 states …):
   * ⌊s q + 3 √(s q (1 − q))⌋ for s rows that each fail by chance with probability q. For a test
   * with one row this is 0: its row must pass.
   */
  readonly allowedFailedRows: number;
  /** False when no stream could run the test. */
  readonly applicable: boolean;
  readonly pass: boolean;
}

export interface Analysis {
  readonly streams: number;
  readonly alpha: number;
  readonly tests: readonly TestAnalysis[];
  /** Every applicable test passed. */
  readonly pass: boolean;
  /** Remarks such as "fewer than 55 streams". */
  readonly notes: readonly string[];
}

/** log of the binomial probability C(m, k) p^k (1 − p)^(m − k). */
function logBinomial(m: number, k: number, p: number): number {
  let lc = 0;
  for (let i = 1; i <= k; i++) lc += Math.log((m - k + i) / i);
  return lc + k * Math.log(p) + (m - k) * Math.log1p(-p);
}

/** Probability that a row fails by chance under H0 (random streams). */
function rowFalseAlarm(m: number, alpha: number, min: number, max: number): number {
  if (m === 1) return alpha;
  let q = 0;
  // passCount ~ Binomial(m, 1 − α): P(passCount < min) + P(passCount > max)
  for (let k = 0; k <= m; k++) if (k < min || k > max) q += Math.exp(logBinomial(m, k, 1 - alpha));
  if (m >= 10) q += 0.0001;
  return Math.min(1, q);
}

/** Analyses one P-value row: `values[i]` is stream i's P-value, or null when not applicable. */
export function analyzeRow(test: TestId, label: string, values: readonly (number | null)[], alpha = 0.01): AnalysisRow {
  const read = values.filter((v): v is number => v !== null).map(stsReadBack);
  const m = read.length;
  const failed = read.filter((p) => p < alpha).length;
  const passed = m - failed;
  const pHat = 1.0 - alpha;
  const half = 3.0 * Math.sqrt((pHat * alpha) / m);
  const proportionMin = m === 0 ? null : Math.trunc((pHat - half) * m);
  const proportionMax = m === 0 ? null : Math.trunc((pHat + half) * m);
  const proportionOk = m > 0 && passed >= proportionMin! && passed <= proportionMax!;
  const histogram = new Array<number>(10).fill(0);
  for (const p of read) histogram[Math.min(9, Math.floor(p * 10))]! += 1;
  const expCount = Math.trunc(m / 10);
  let uniformity: number | null = null;
  if (expCount > 0) {
    let chi2 = 0.0;
    for (const f of histogram) chi2 += Math.pow(f - expCount, 2) / expCount;
    uniformity = igamc(9.0 / 2.0, chi2 / 2.0);
  }
  const uniformityOk = uniformity === null ? null : uniformity >= 0.0001;
  const pass = m === 0 ? true : m === 1 ? failed === 0 : proportionOk && uniformityOk !== false;
  return { test, label, sampleSize: m, notApplicable: values.length - m, passed, proportionMin, proportionMax, proportionOk, histogram, uniformity, uniformityOk, pass };
}

/**
 * Analyses the battery results of several streams (each a list of test results in the same
 * order, as `runBattery` returns them).
 */
export function analyzeStreams(streams: readonly (readonly TestResult[])[], options: { alpha?: number } = {}): Analysis {
  const alpha = options.alpha ?? 0.01;
  if (!(alpha > 0 && alpha < 1)) throw new Sp80022Error('SP80022_INVALID_PARAMETER', `alpha must be between 0 and 1; got ${alpha}`);
  const first = streams[0];
  if (first === undefined) throw new Sp80022Error('SP80022_INCONSISTENT_RESULTS', 'no streams to analyse');
  for (const [i, s] of streams.entries()) {
    if (s.length !== first.length || s.some((r, j) => r.test !== first[j]!.test || r.labels.length !== first[j]!.labels.length)) {
      throw new Sp80022Error('SP80022_INCONSISTENT_RESULTS', `stream ${i + 1} was run with other tests or parameters than stream 1`);
    }
  }
  const tests = first.map((head, j): TestAnalysis => {
    const rows = head.labels.map((label, k) =>
      analyzeRow(
        head.test,
        label,
        streams.map((s) => (s[j]!.applicable ? s[j]!.pValues[k]! : null)),
        alpha,
      ),
    );
    const applicable = rows.some((r) => r.sampleSize > 0);
    const failedRows = rows.filter((r) => !r.pass).length;
    const m = Math.max(0, ...rows.map((r) => r.sampleSize));
    const q = m === 0 ? alpha : rowFalseAlarm(m, alpha, rows[0]!.proportionMin ?? 0, rows[0]!.proportionMax ?? m);
    const s = rows.length;
    const allowedFailedRows = s === 1 ? 0 : Math.floor(s * q + 3 * Math.sqrt(s * q * (1 - q)));
    return { test: head.test, rows, failedRows, allowedFailedRows, applicable, pass: failedRows <= allowedFailedRows };
  });
  const notes: string[] = [];
  if (streams.length > 1 && streams.length < 55) notes.push(`${streams.length} streams: SP 800-22 §4.2.2 asks for at least 55 for the uniformity P-value to be meaningful (sts-2.1.2 computes it from 10)`);
  return { streams: streams.length, alpha, tests, pass: tests.every((t) => t.pass), notes };
}
