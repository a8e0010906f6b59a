import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeRow, analyzeStreams, stsReadBack } from './analysis.js';
import { Sp80022Error } from './errors.js';
import { applicable, notApplicable, type TestResult } from './result.js';
import { overlappingTemplateTest } from './template-matching.js';
import { sliceBits } from './bits.js';
import { binaryExpansion } from './test-constants.js';

describe('multi-stream analysis (sts-2.1.2 finalAnalysisReport)', () => {
  it('reads P-values back as sts does: 6 decimals, then a C float', () => {
    assert.equal(stsReadBack(0.0099996), Math.fround(0.01));
    assert.ok(stsReadBack(0.0099996) < 0.01, 'float(0.01) < 0.01: sts counts it as a failure');
    assert.equal(stsReadBack(0.0078125), Math.fround(0.007812), 'an exact tie rounds to even, as printf');
    assert.equal(stsReadBack(1), 1);
  });
  it('reproduces a published sts-2.1.2 report: π, 10 streams of 10^5 bits, overlapping template', () => {
    // finalAnalysisReport of sts-2.1.2 on data/data.pi, 10 × 100000 bits (figures):
    //   4 0 1 2 0 1 0 0 0 2  0.066882  9/10  OverlappingTemplate
    const pi = binaryExpansion('pi', 1000000);
    const streams = Array.from({ length: 10 }, (_, i) => [overlappingTemplateTest(sliceBits(pi, i * 100000, 100000), { strict: false })]);
    const row = analyzeStreams(streams).tests[0]!.rows[0]!;
    assert.deepEqual(row.histogram, [4, 0, 1, 2, 0, 1, 0, 0, 0, 2]);
    assert.ok(Math.abs(row.uniformity! - 0.066882) < 5e-7);
    assert.equal(row.passed, 9);
    assert.equal(row.sampleSize, 10);
    assert.equal(row.proportionMin, 8, 'sts: "minimum pass rate … approximately = 8 for a sample size = 10"');
    assert.equal(row.pass, true);
  });
  it('proportion bounds for 100 streams are 96 … 101; 95 passing fails', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i < 5 ? 0.001 : (i + 0.5) / 100));
    const r = analyzeRow('frequency', 'p', values);
    assert.equal(r.proportionMin, 96);
    assert.equal(r.proportionMax, 101);
    assert.equal(r.passed, 95);
    assert.equal(r.proportionOk, false);
    assert.equal(r.pass, false);
  });
  it('uniformity is undefined below 10 streams and flags P_T < 0.0001', () => {
    assert.equal(analyzeRow('runs', 'p', [0.5, 0.6, 0.7]).uniformity, null);
    const bunched = analyzeRow('runs', 'p', new Array<number>(100).fill(0.55));
    assert.deepEqual(bunched.histogram, [0, 0, 0, 0, 0, 100, 0, 0, 0, 0]);
    assert.ok(bunched.uniformity! < 0.0001);
    assert.equal(bunched.uniformityOk, false);
    assert.equal(bunched.pass, false);
  });
  it('histogram counts add up to the applicable streams; P = 1 goes to the last bin (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { minLength: 1, maxLength: 200 }), (vals) => {
        const r = analyzeRow('frequency', 'p', vals);
        assert.equal(r.histogram.reduce((a, b) => a + b, 0), r.sampleSize);
        assert.equal(r.sampleSize + r.notApplicable, vals.length);
        assert.ok(r.passed <= r.sampleSize);
      }),
    );
    assert.deepEqual(analyzeRow('frequency', 'p', [1]).histogram, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
  it('leaves not-applicable streams out of a test\'s rows', () => {
    const ok = (p: number): TestResult => applicable('random-excursions', ['1'], [p], {});
    const na = notApplicable('random-excursions', ['1'], 'INSUFFICIENT_CYCLES', 'J < 500');
    const a = analyzeStreams([[ok(0.5)], [na], [ok(0.005)]]);
    const row = a.tests[0]!.rows[0]!;
    assert.equal(row.sampleSize, 2);
    assert.equal(row.notApplicable, 1);
    assert.equal(row.passed, 1);
  });
  it('a single stream: a row fails when P < α; a test with many rows allows a few failures', () => {
    const one = (ps: number[]): TestResult => applicable('non-overlapping-template', ps.map((_, i) => String(i)), ps, {});
    const mostlyFine = Array.from({ length: 148 }, (_, i) => (i < 3 ? 0.001 : 0.5));
    const a = analyzeStreams([[one(mostlyFine)]]);
    assert.equal(a.tests[0]!.failedRows, 3);
    assert.equal(a.tests[0]!.allowedFailedRows, 5);
    assert.equal(a.pass, true);
    const bad = analyzeStreams([[one(Array.from({ length: 148 }, (_, i) => (i < 10 ? 0.001 : 0.5)))]]);
    assert.equal(bad.pass, false);
    const single = analyzeStreams([[applicable('frequency', ['p'], [0.009], {})]]);
    assert.equal(single.tests[0]!.allowedFailedRows, 0);
    assert.equal(single.pass, false);
  });
  it('rejects streams run with different tests', () => {
    const a = applicable('frequency', ['p'], [0.5], {});
    const b = applicable('runs', ['p'], [0.5], {});
    assert.throws(() => analyzeStreams([[a], [b]]), (e: unknown) => e instanceof Sp80022Error && e.code === 'SP80022_INCONSISTENT_RESULTS');
    assert.throws(() => analyzeStreams([]), (e: unknown) => e instanceof Sp80022Error && e.code === 'SP80022_INCONSISTENT_RESULTS');
  });
});
