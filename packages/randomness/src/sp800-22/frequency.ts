/**
 * SP 800-22 rev1a §2.1 frequency (monobit) test and §2.2 frequency test within a block, as
 * sts-2.1.2 computes them (frequency.c, blockFrequency.c).
 */
import { countOnes, normalizeBits, type BitSequence } from './bits.js';
import { applicable, requireBits, requireInt, type CommonOptions, type TestResult } from './result.js';
import { erfc, igamc } from './special.js';

/** Frequency (monobit) test: are ones and zeros about equally common? SP 800-22 §2.1. */
export function frequencyTest(seq: BitSequence, options: CommonOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  // §2.1.7: n ≥ 100
  requireBits('frequency', n, options.strict === false ? 1 : 100);
  const ones = countOnes(s);
  const sum = 2 * ones - n;
  const sObs = Math.abs(sum) / Math.sqrt(n);
  const p = erfc(sObs / Math.sqrt(2));
  return applicable('frequency', ['p'], [p], { n, ones, sum, sObs });
}

export interface BlockFrequencyOptions extends CommonOptions {
  /** Block length M (sts-2.1.2 default 128). */
  blockLength?: number;
}

/** Frequency test within a block: is the proportion of ones in each M-bit block about 1/2? SP 800-22 §2.2. */
export function blockFrequencyTest(seq: BitSequence, options: BlockFrequencyOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const strict = options.strict !== false;
  // §2.2.7: n ≥ 100 and M ≥ 20 (its M > 0.01 n and N < 100 conflict with sts-2.1.2's own default
  // M = 128 at n = 10^6, so they are not enforced)
  requireBits('block-frequency', n, strict ? 100 : 1);
  const M = requireInt('block-frequency', 'block length M', options.blockLength ?? 128, strict ? 20 : 1);
  requireBits('block-frequency', n, M, `one block of M = ${M} bits`);
  const N = Math.floor(n / M);
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const pi = countOnes(s, i * M, (i + 1) * M) / M;
    const v = pi - 0.5;
    sum += v * v;
  }
  const chi2 = 4.0 * M * sum;
  const p = igamc(N / 2.0, chi2 / 2.0);
  return applicable('block-frequency', ['p'], [p], { n, M, N, chi2 });
}
