/**
 * Names, result shape and input-size rules shared by the fifteen SP 800-22 tests.
 */
import { Sp80022Error } from './errors.js';

/** The fifteen tests, in sts-2.1.2 order (its test numbers 1 to 15). */
export const TEST_IDS = [
  'frequency',
  'block-frequency',
  'cumulative-sums',
  'runs',
  'longest-run',
  'rank',
  'dft',
  'non-overlapping-template',
  'overlapping-template',
  'universal',
  'approximate-entropy',
  'random-excursions',
  'random-excursions-variant',
  'serial',
  'linear-complexity',
] as const;

export type TestId = (typeof TEST_IDS)[number];

/** Title and SP 800-22 rev1a section of each test. */
export const TEST_INFO: Readonly<Record<TestId, { title: string; section: string; stsName: string }>> = {
  frequency: { title: 'Frequency (monobit)', section: '2.1', stsName: 'Frequency' },
  'block-frequency': { title: 'Frequency within a block', section: '2.2', stsName: 'BlockFrequency' },
  'cumulative-sums': { title: 'Cumulative sums', section: '2.13', stsName: 'CumulativeSums' },
  runs: { title: 'Runs', section: '2.3', stsName: 'Runs' },
  'longest-run': { title: 'Longest run of ones in a block', section: '2.4', stsName: 'LongestRun' },
  rank: { title: 'Binary matrix rank', section: '2.5', stsName: 'Rank' },
  dft: { title: 'Discrete Fourier transform (spectral)', section: '2.6', stsName: 'FFT' },
  'non-overlapping-template': { title: 'Non-overlapping template matching', section: '2.7', stsName: 'NonOverlappingTemplate' },
  'overlapping-template': { title: 'Overlapping template matching', section: '2.8', stsName: 'OverlappingTemplate' },
  universal: { title: "Maurer's universal statistical", section: '2.9', stsName: 'Universal' },
  'approximate-entropy': { title: 'Approximate entropy', section: '2.12', stsName: 'ApproximateEntropy' },
  'random-excursions': { title: 'Random excursions', section: '2.14', stsName: 'RandomExcursions' },
  'random-excursions-variant': { title: 'Random excursions variant', section: '2.15', stsName: 'RandomExcursionsVariant' },
  serial: { title: 'Serial', section: '2.11', stsName: 'Serial' },
  'linear-complexity': { title: 'Linear complexity', section: '2.10', stsName: 'LinearComplexity' },
};

/** Why a test produced no P-value for a sequence. */
export type NotApplicableCode =
  /** The sequence is shorter than the test's input-size rule (only in a battery run; a direct call throws). */
  | 'INPUT_TOO_SHORT'
  /** Random excursions (variant): fewer cycles J than max(0.005 √n, 500) (sts-2.1.2 "test not applicable"). */
  | 'INSUFFICIENT_CYCLES'
  /** Random excursions: more than max(1000, n/100) cycles, where sts-2.1.2 stops with an error. */
  | 'TOO_MANY_CYCLES';

/** The outcome of one test on one sequence. */
export interface TestResult {
  readonly test: TestId;
  /** False when the test could not be applied; `reason` then says why and `pValues` is empty. */
  readonly applicable: boolean;
  /** One label per P-value, in sts-2.1.2 order (`p`, `forward`/`reverse`, a template, a state x, `p1`/`p2`). */
  readonly labels: readonly string[];
  /** The P-values, in the order of `labels`. */
  readonly pValues: readonly number[];
  readonly reasonCode?: NotApplicableCode;
  readonly reason?: string;
  /** The test statistic and intermediate values (as sts-2.1.2 prints them in its stats file). */
  readonly statistics: Readonly<Record<string, number | readonly number[]>>;
  /** Remarks such as sts-2.1.2's "blockSize exceeds recommended value" or a failed prerequisite. */
  readonly notes: readonly string[];
}

/** Options every test takes. */
export interface CommonOptions {
  /**
   * Enforce SP 800-22 rev1a's input-size recommendations (default true). With `false` only the
   * limits without which the statistic cannot be computed remain, e.g. to reproduce the worked
   * examples of SP 800-22 §2, which use 10- to 128-bit sequences.
   */
  strict?: boolean;
}

/** A result with P-values. */
export function applicable(test: TestId, labels: readonly string[], pValues: readonly number[], statistics: TestResult['statistics'], notes: readonly string[] = []): TestResult {
  return { test, applicable: true, labels, pValues, statistics, notes };
}

/** A result without P-values, with the reason. */
export function notApplicable(test: TestId, labels: readonly string[], reasonCode: NotApplicableCode, reason: string, statistics: TestResult['statistics'] = {}): TestResult {
  return { test, applicable: false, labels, pValues: [], reasonCode, reason, statistics, notes: [] };
}

/** Throws SP80022_INPUT_TOO_SHORT, e.g. "runs test needs n ≥ 100 bits; got 50". */
export function requireBits(test: TestId, n: number, min: number, why?: string): void {
  if (n < min) {
    throw new Sp80022Error('SP80022_INPUT_TOO_SHORT', `${test} test needs n ≥ ${min} bits${why ? ` (${why})` : ''}; got ${n}`);
  }
}

/** Throws SP80022_INVALID_PARAMETER unless `value` is an integer in [min, max]. */
export function requireInt(test: TestId, name: string, value: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new Sp80022Error('SP80022_INVALID_PARAMETER', `${test} test: ${name} must be an integer ${range}; got ${value}`);
  }
  return value;
}

/** Throws SP80022_INVALID_PARAMETER with a message. */
export function invalid(test: TestId, message: string): never {
  throw new Sp80022Error('SP80022_INVALID_PARAMETER', `${test} test: ${message}`);
}
