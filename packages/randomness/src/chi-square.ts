/**
 * The χ² distribution from the regularized incomplete gamma function, its quantile by bisection,
 * and Pearson's goodness-of-fit test with the exact critical value at a chosen significance.
 */
import { RandomnessError } from './errors.js';

// Lanczos approximation, g = 7, n = 9 (relative error below 1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Series for P(a, x), good for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let sum = 1 / a;
  let term = sum;
  for (let n = 1; n < 10000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Continued fraction (modified Lentz) for Q(a, x), good for x ≥ a + 1. */
function gammaQFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQFraction(a, x);
}

/** The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

function checkDf(df: number): void {
  if (!Number.isInteger(df) || df < 1) throw new RandomnessError('CHI2_INVALID_PARAMETER', `degrees of freedom must be a positive integer (got ${df})`);
}

/** P(X > x) for X ~ χ²(df): the p-value of a statistic x. */
export function chiSquareSurvival(x: number, df: number): number {
  checkDf(df);
  return gammaQ(df / 2, x / 2);
}

/**
 * The critical value c with P(X > c) = α for X ~ χ²(df), by bisection on the upper tail to full
 * double precision. (df = 5, α = 0.05 → 11.0705.)
 */
export function chiSquareCritical(df: number, alpha: number): number {
  checkDf(df);
  if (!(alpha > 0 && alpha < 1)) throw new RandomnessError('CHI2_INVALID_PARAMETER', `significance α must be between 0 and 1 (got ${alpha})`);
  let lo = 0;
  let hi = Math.max(1, df);
  while (chiSquareSurvival(hi, df) > alpha) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Pearson's χ² goodness-of-fit test. */
export interface ChiSquareResult {
  statistic: number;
  df: number;
  alpha: number;
  criticalValue: number;
  pValue: number;
  /** True when the statistic exceeds the critical value: the counts do not fit. */
  rejected: boolean;
  expected: number[];
  observed: number[];
}

/**
 * Tests observed counts against expected proportions (relative weights; uniform by default). Refuses, with
 * CHI2_EXPECTED_TOO_SMALL, when an expected count is below `minExpected` (default 5): the χ²
 * approximation is not valid there.
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], options: { proportions?: readonly number[]; alpha?: number; minExpected?: number } = {}): ChiSquareResult {
  const k = observed.length;
  if (k < 2) throw new RandomnessError('CHI2_INVALID_PARAMETER', `a goodness-of-fit test needs at least 2 cells (got ${k})`);
  if (observed.some((o) => !Number.isInteger(o) || o < 0)) throw new RandomnessError('CHI2_INVALID_PARAMETER', 'observed counts must be non-negative integers');
  // Equal weights of 1 (not 1/k) keep the uniform expected counts exact: n·1/k.
  const props = options.proportions ?? new Array<number>(k).fill(1);
  if (props.length !== k || props.some((p) => !(p > 0))) throw new RandomnessError('CHI2_INVALID_PARAMETER', `need ${k} positive proportions, one per cell`);
  const total = props.reduce((a, b) => a + b, 0);
  const n = observed.reduce((a, b) => a + b, 0);
  const expected = props.map((p) => (n * p) / total);
  const minExpected = options.minExpected ?? 5;
  const smallest = Math.min(...expected);
  if (smallest < minExpected) {
    const needed = Math.ceil((minExpected * total) / Math.min(...props) - 1e-9);
    throw new RandomnessError(
      'CHI2_EXPECTED_TOO_SMALL',
      `expected count ${smallest.toFixed(2)} in a cell with ${n} observations, below the ${minExpected} the χ² approximation needs: at least ${needed} observations are needed`,
    );
  }
  const alpha = options.alpha ?? 0.05;
  const statistic = observed.reduce((s, o, i) => s + (o - expected[i]!) ** 2 / expected[i]!, 0);
  const df = k - 1;
  const criticalValue = chiSquareCritical(df, alpha);
  return { statistic, df, alpha, criticalValue, pValue: chiSquareSurvival(statistic, df), rejected: statistic > criticalValue, expected, observed: [...observed] };
}
