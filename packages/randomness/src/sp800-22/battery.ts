/**
 * The whole SP 800-22 rev1a battery over one sequence, with sts-2.1.2's defaults: the fifteen
 * tests in its order, each with its adjustable parameter (block frequency M = 128, non-overlapping
 * template m = 9, overlapping template m = 9, approximate entropy m = 10, serial m = 16, linear
 * complexity M = 500). A test whose input-size rule the sequence does not meet is reported as not
 * applicable with the rule's message, as sts-2.1.2 reports a test it cannot run.
 */
import { normalizeBits, type BitSequence } from './bits.js';
import { cumulativeSumsTest } from './cusum.js';
import { dftTest } from './dft.js';
import { Sp80022Error } from './errors.js';
import { excursionWalk, EXCURSION_STATES, randomExcursionsTest, randomExcursionsVariantTest, VARIANT_STATES, type ExcursionOptions, type ExcursionWalk } from './excursions.js';
import { blockFrequencyTest, frequencyTest, type BlockFrequencyOptions } from './frequency.js';
import { linearComplexityTest, type LinearComplexityOptions } from './linear-complexity.js';
import { rankTest } from './rank.js';
import { notApplicable, TEST_IDS, type TestId, type TestResult } from './result.js';
import { longestRunTest, runsTest, type LongestRunOptions } from './runs.js';
import { approximateEntropyTest, cyclicPatternCounts, serialTest, type ApproximateEntropyOptions, type SerialOptions, type SharedPatternCounts } from './serial-entropy.js';
import { nonOverlappingTemplateTest, overlappingTemplateTest, type NonOverlappingOptions, type OverlappingOptions } from './template-matching.js';
import { stsTemplates, templateToString } from './templates.js';
import { universalTest, type UniversalOptions } from './universal.js';
import { Workspace } from './workspace.js';

/** Per-test parameters (everything but `strict`, which the battery sets for all). */
export interface BatteryParameters {
  'block-frequency'?: Omit<BlockFrequencyOptions, 'strict'>;
  'longest-run'?: Omit<LongestRunOptions, 'strict'>;
  'non-overlapping-template'?: Omit<NonOverlappingOptions, 'strict'>;
  'overlapping-template'?: Omit<OverlappingOptions, 'strict'>;
  universal?: Omit<UniversalOptions, 'strict'>;
  'approximate-entropy'?: Omit<ApproximateEntropyOptions, 'strict' | 'patternCounts'>;
  'random-excursions'?: Omit<ExcursionOptions, 'strict'>;
  'random-excursions-variant'?: Omit<ExcursionOptions, 'strict'>;
  serial?: Omit<SerialOptions, 'strict' | 'patternCounts'>;
  'linear-complexity'?: Omit<LinearComplexityOptions, 'strict'>;
}

export interface BatteryOptions {
  /** Tests to run, in any order (run in sts-2.1.2 order). Default: all fifteen. */
  tests?: readonly TestId[];
  /** Enforce SP 800-22's input-size recommendations (default true); see CommonOptions. */
  strict?: boolean;
  parameters?: BatteryParameters;
  /** Reused tables (FFT plans) for runs over many sequences of one length. */
  workspace?: Workspace;
}

/** The outcome of the battery on one sequence: one result per test run, in sts-2.1.2 order. */
export interface BatteryResult {
  readonly n: number;
  readonly results: readonly TestResult[];
}

/** Checks a list of test names and returns them in sts-2.1.2 order without duplicates. */
export function selectTests(tests: readonly string[] | undefined): TestId[] {
  if (tests === undefined) return [...TEST_IDS];
  for (const t of tests) {
    if (!(TEST_IDS as readonly string[]).includes(t)) {
      throw new Sp80022Error('SP80022_UNKNOWN_TEST', `unknown test "${t}"; the tests are: ${TEST_IDS.join(', ')}`);
    }
  }
  return TEST_IDS.filter((t) => tests.includes(t));
}

/** The P-value labels a test produces with these parameters (also when it is not applicable). */
export function labelsFor(test: TestId, parameters: BatteryParameters = {}): string[] {
  switch (test) {
    case 'cumulative-sums':
      return ['forward', 'reverse'];
    case 'serial':
      return ['p1', 'p2'];
    case 'random-excursions':
      return EXCURSION_STATES.map(String);
    case 'random-excursions-variant':
      return VARIANT_STATES.map(String);
    case 'non-overlapping-template': {
      const p = parameters['non-overlapping-template'] ?? {};
      if (p.templates) return [...p.templates];
      const m = p.templateLength ?? 9;
      return stsTemplates(m).map((t) => templateToString(t, m));
    }
    default:
      return ['p'];
  }
}

/** Runs the selected tests on one sequence. */
export function runBattery(seq: BitSequence, options: BatteryOptions = {}): BatteryResult {
  const s = normalizeBits(seq);
  const tests = selectTests(options.tests);
  const params = options.parameters ?? {};
  const strict = options.strict !== false;
  const workspace = options.workspace ?? new Workspace();
  let walk: ExcursionWalk | undefined;
  const sharedWalk = (): ExcursionWalk => (walk ??= excursionWalk(s));
  // serial (m) and approximate entropy (m + 1) count the same cyclic patterns: count once for the longer
  let patterns: SharedPatternCounts | undefined;
  const sharedPatterns = (): SharedPatternCounts | undefined => {
    if (!tests.includes('serial') || !tests.includes('approximate-entropy')) return undefined;
    const m = Math.max(params.serial?.blockLength ?? 16, (params['approximate-entropy']?.blockLength ?? 10) + 1);
    if (!Number.isInteger(m) || m < 1 || m > 24 || s.length === 0) return undefined;
    return (patterns ??= { m, counts: cyclicPatternCounts(s, m) });
  };
  const run = (test: TestId): TestResult => {
    switch (test) {
      case 'frequency':
        return frequencyTest(s, { strict });
      case 'block-frequency':
        return blockFrequencyTest(s, { ...params['block-frequency'], strict });
      case 'cumulative-sums':
        return cumulativeSumsTest(s, { strict });
      case 'runs':
        return runsTest(s, { strict });
      case 'longest-run':
        return longestRunTest(s, { ...params['longest-run'], strict });
      case 'rank':
        return rankTest(s, { strict });
      case 'dft':
        return dftTest(s, { strict, workspace });
      case 'non-overlapping-template':
        return nonOverlappingTemplateTest(s, { ...params['non-overlapping-template'], strict });
      case 'overlapping-template':
        return overlappingTemplateTest(s, { ...params['overlapping-template'], strict });
      case 'universal':
        return universalTest(s, { ...params.universal, strict });
      case 'approximate-entropy':
        return approximateEntropyTest(s, { ...params['approximate-entropy'], strict, patternCounts: sharedPatterns() });
      case 'random-excursions':
        return randomExcursionsTest(s, { ...params['random-excursions'], strict }, sharedWalk());
      case 'random-excursions-variant':
        return randomExcursionsVariantTest(s, { ...params['random-excursions-variant'], strict }, sharedWalk());
      case 'serial':
        return serialTest(s, { ...params.serial, strict, patternCounts: sharedPatterns() });
      case 'linear-complexity':
        return linearComplexityTest(s, { ...params['linear-complexity'], strict });
    }
  };
  const results = tests.map((test) => {
    try {
      return run(test);
    } catch (e) {
      if (e instanceof Sp80022Error && e.code === 'SP80022_INPUT_TOO_SHORT') return notApplicable(test, labelsFor(test, params), 'INPUT_TOO_SHORT', e.message, { n: s.length });
      throw e;
    }
  });
  return { n: s.length, results };
}
