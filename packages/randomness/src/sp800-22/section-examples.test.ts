/**
 * The worked examples of SP 800-22 rev1a section 2 (figures), with sts-2.1.2's values where the
 * paper is wrong. Errata (see also the comments in the test modules):
 * - 2.4.8: the paper rounds the class probabilities to 4 digits (0.180598); sts-2.1.2 and we use
 *   the exact 0.21484375, … and get 0.180609.
 * - 2.6.4 / 2.6.8: the paper's 0.029523 / 0.168669 cannot be reproduced; sts-2.1.2 gives
 *   0.468160 / 0.646355.
 * - 2.10.8: paper and sts-2.1.2 share π_0 = 0.01047 (should be 0.010417): 0.845406.
 * - 2.11.4: step (5) prints 0.9057 / 0.8805 (the /2 of igamc's argument forgotten); the final
 *   0.808792 / 0.670320 are right.
 * - 2.13.4: needs C integer division (truncation) in the summation limits: 0.4116586.
 * - 2.14.4: the paper rounds π_4(1) = 1/32 to 0.0312 (0.502529); exact: 0.502488. sts-2.1.2
 *   would refuse this input (J = 3 < 500), so minCycles is lowered.
 * - 2.14.8: the paper's values for x = +1 … +4 disagree with sts-2.1.2 and Appendix B; we match
 *   sts-2.1.2 (x = +1: 0.786868).
 * - 2.7.8 (2^20 unpublished G-SHA-1 bits) and 2.9.8 (unspecified input) cannot be reproduced;
 *   2.9 is checked on e (= Appendix B) instead.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bitsFromText, bitsToString, sliceBits, type BitSequence } from './bits.js';
import { cumulativeSumsTest } from './cusum.js';
import { dftTest } from './dft.js';
import { randomExcursionsTest, randomExcursionsVariantTest } from './excursions.js';
import { blockFrequencyTest, frequencyTest } from './frequency.js';
import { linearComplexityTest } from './linear-complexity.js';
import { rankTest } from './rank.js';
import type { TestResult } from './result.js';
import { longestRunTest, runsTest } from './runs.js';
import { approximateEntropyTest, serialTest } from './serial-entropy.js';
import { nonOverlappingTemplateTest, overlappingTemplateTest } from './template-matching.js';
import { binaryExpansion } from './test-constants.js';
import { universalTest } from './universal.js';

/** The first 100 bits of π (with its integer part), used by several examples. */
const E100 = '1100100100001111110110101010001000100001011010001100001000110100110001001100011001100010100010111000';
const bits = (s: string): BitSequence => bitsFromText(s);
const loose = { strict: false } as const;

function near(r: TestResult, want: number | readonly number[], tol = 1e-6): void {
  const w = typeof want === 'number' ? [want] : want;
  assert.equal(r.applicable, true, r.reason);
  assert.equal(r.pValues.length, w.length);
  r.pValues.forEach((p, i) => assert.ok(Math.abs(p - w[i]!) <= tol, `${r.test} ${r.labels[i]}: ${p} vs ${w[i]}`));
}

describe('SP 800-22 section 2 worked examples (short inputs)', () => {
  it('E100 is the first 100 bits of π', () => assert.equal(bitsToString(binaryExpansion('pi', 100)), E100));
  it('2.1.4 frequency', () => near(frequencyTest(bits('1011010101'), loose), 0.527089));
  it('2.1.8 frequency', () => near(frequencyTest(bits(E100)), 0.109599));
  it('2.2.4 block frequency, M = 3', () => near(blockFrequencyTest(bits('0110011010'), { blockLength: 3, strict: false }), 0.801252));
  it('2.2.8 block frequency, M = 10', () => near(blockFrequencyTest(bits(E100), { blockLength: 10, strict: false }), 0.706438));
  it('2.3.4 runs', () => near(runsTest(bits('1001101011'), loose), 0.147232));
  it('2.3.8 runs', () => near(runsTest(bits(E100)), 0.500798));
  it('2.4.8 longest run, M = 8 (sts-2.1.2 0.180609; paper 0.180598 from rounded π_i)', () => {
    const r = longestRunTest(bits('11001100000101010110110001001100111000000000001001001101010100010001001111010110100000001101011111001100111001101101100010110010'), loose);
    near(r, 0.180609);
    assert.deepEqual(r.statistics.nu, [4, 9, 3, 0]);
  });
  it('2.6.4 DFT (sts-2.1.2 0.468160; the paper\'s 0.029523 is wrong)', () => near(dftTest(bits('1001010011'), loose), 0.46816));
  it('2.6.8 DFT (sts-2.1.2 0.646355; the paper\'s 0.168669 is wrong)', () => near(dftTest(bits(E100), loose), 0.646355));
  it('2.7.4 non-overlapping template 001, N = 2', () => near(nonOverlappingTemplateTest(bits('10100100101110010110'), { templates: ['001'], blocks: 2, strict: false }), 0.344154));
  it('2.11.4 serial, m = 3', () => near(serialTest(bits('0011011101'), { blockLength: 3, strict: false }), [0.808792, 0.67032]));
  it('2.12.4 approximate entropy, m = 3', () => near(approximateEntropyTest(bits('0100110101'), { blockLength: 3, strict: false }), 0.261961));
  it('2.12.8 approximate entropy, m = 2', () => near(approximateEntropyTest(bits(E100), { blockLength: 2, strict: false }), 0.235301));
  it('2.13.4 cumulative sums forward (C truncation: 0.4116586, not floor\'s 0.4115847)', () => {
    const r = cumulativeSumsTest(bits('1011010111'), loose);
    assert.ok(Math.abs(r.pValues[0]! - 0.4116586) <= 1e-7, String(r.pValues[0]));
  });
  it('2.13.8 cumulative sums forward and reverse', () => near(cumulativeSumsTest(bits(E100)), [0.219194, 0.114866]));
  it('2.14.4 random excursions x = +1 (exact π: 0.502488; paper 0.502529)', () => {
    const r = randomExcursionsTest(bits('0110110101'), { minCycles: 0, strict: false });
    assert.equal(r.statistics.J, 3);
    assert.ok(Math.abs(r.pValues[r.labels.indexOf('1')]! - 0.502488) <= 1e-6);
  });
  it('2.15.4 random excursions variant x = +1', () => {
    const r = randomExcursionsVariantTest(bits('0110110101'), { minCycles: 0, strict: false });
    assert.ok(Math.abs(r.pValues[r.labels.indexOf('1')]! - 0.683091) <= 1e-6);
  });
  it('2.14.4 without lowering minCycles: not applicable, as sts-2.1.2', () => {
    const r = randomExcursionsTest(bits('0110110101'), loose);
    assert.equal(r.applicable, false);
    assert.equal(r.reasonCode, 'INSUFFICIENT_CYCLES');
  });
});

describe('SP 800-22 section 2 worked examples on e (10^6 bits, BigInt)', () => {
  const e = binaryExpansion('e', 1000000);
  it('2.5.8 rank on the first 100000 bits', () => near(rankTest(sliceBits(e, 0, 100000)), 0.532069));
  it('2.8.8 overlapping template m = 9, M = 1032', () => near(overlappingTemplateTest(e), 0.110434));
  it('2.9.8 universal (substitute input: e, = Appendix B)', () => {
    const r = universalTest(e);
    near(r, 0.282568);
    assert.equal(r.statistics.L, 7);
    assert.equal(r.statistics.Q, 1280);
  });
  it('2.10.8 linear complexity M = 1000 (π_0 = 0.01047 as printed)', () => near(linearComplexityTest(e, { blockLength: 1000 }), 0.845406));
  it('2.11.8 serial m = 2', () => near(serialTest(e, { blockLength: 2 }), [0.843764, 0.561915]));
  it('2.14.8 random excursions, all eight states (sts-2.1.2 values; the paper\'s x > 0 column is wrong)', () => {
    const r = randomExcursionsTest(e);
    assert.deepEqual(r.labels, ['-4', '-3', '-2', '-1', '1', '2', '3', '4']);
    near(r, [0.573306, 0.197996, 0.164011, 0.007779, 0.786868, 0.440912, 0.797854, 0.778186]);
  });
  it('2.15.8 random excursions variant, all eighteen states', () => {
    near(randomExcursionsVariantTest(e), [0.858946, 0.794755, 0.576249, 0.493417, 0.633873, 0.917283, 0.934708, 0.816012, 0.826009, 0.137861, 0.200642, 0.441254, 0.939291, 0.505683, 0.445935, 0.512207, 0.538635, 0.59393]);
  });
});
