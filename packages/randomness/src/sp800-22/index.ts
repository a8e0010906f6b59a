/**
 * NIST SP 800-22 rev1a statistical test suite, matching the reference implementation sts-2.1.2:
 * its defaults, its numerics (P-values agree to better than 1e-6, in practice ~1e-9) and its
 * multi-stream final analysis. Pure and browser-safe; the worker-thread runner for Node lives in
 * `@keygrade/randomness/sp800-22/workers`.
 */
export { Sp80022Error, type Sp80022ErrorCode } from './errors.js';
export {
  bitAt,
  bitsFromArray,
  bitsFromBytes,
  bitsFromHex,
  bitsFromText,
  bitsToString,
  complementBits,
  countOnes,
  emptyBits,
  hexValue,
  normalizeBits,
  sliceBits,
  type BitSequence,
} from './bits.js';
export { erf, erfc, igam, igamc, lgamma, normalCdf } from './special.js';
export { ComplexFft } from './fft.js';
export { RealDftModuli } from './real-dft.js';
export { aperiodicTemplates, isAperiodic, stsTemplates, templateToString, MAX_TEMPLATES } from './templates.js';
export { TEST_IDS, TEST_INFO, type CommonOptions, type NotApplicableCode, type TestId, type TestResult } from './result.js';
export { frequencyTest, blockFrequencyTest, type BlockFrequencyOptions } from './frequency.js';
export { cumulativeSumsTest } from './cusum.js';
export { runsTest, longestRunTest, type LongestRunOptions } from './runs.js';
export { rankTest } from './rank.js';
export { dftTest, type DftOptions } from './dft.js';
export { nonOverlappingTemplateTest, overlappingTemplateTest, type NonOverlappingOptions, type OverlappingOptions } from './template-matching.js';
export { universalTest, type UniversalOptions } from './universal.js';
export { approximateEntropyTest, serialTest, type ApproximateEntropyOptions, type SerialOptions, type SharedPatternCounts } from './serial-entropy.js';
export { randomExcursionsTest, randomExcursionsVariantTest, EXCURSION_STATES, VARIANT_STATES, type ExcursionOptions } from './excursions.js';
export { linearComplexityTest, type LinearComplexityOptions } from './linear-complexity.js';
export { Workspace } from './workspace.js';
export { labelsFor, runBattery, selectTests, type BatteryOptions, type BatteryParameters, type BatteryResult } from './battery.js';
export { analyzeRow, analyzeStreams, stsReadBack, type Analysis, type AnalysisRow, type TestAnalysis } from './analysis.js';
