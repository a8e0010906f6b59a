/**
 * The χ² distribution from the regularized incomplete gamma function, its quantile by bisection,
 * and Pearson's goodness-of-fit test with the exact critical value at a chosen significance.
 */
import { RandomnessError } from './errors.js';
import { igam, igamc, lgamma } from './sp800-22/special.js';

/** ln Γ(x) for x > 0 (the SP 800-22 special functions; one implementation for the package). */
export const lnGamma = lgamma;

/** The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a). */
export const gammaP = igam;

/** The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export const gammaQ = igamc;

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
