import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { chiSquareCritical, chiSquareGoodnessOfFit, chiSquareSurvival, gammaP, gammaQ, lnGamma } from './chi-square.js';
import { RandomnessError } from './errors.js';

describe('incomplete gamma and the χ² distribution', () => {
  it('lnGamma matches factorials', () => {
    let f = 1;
    for (let n = 1; n <= 20; n++) {
      assert.ok(Math.abs(lnGamma(n) - Math.log(f)) < 1e-10, `Γ(${n})`);
      f *= n;
    }
    assert.ok(Math.abs(lnGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-12);
  });
  it('P(1, x) = 1 − e^−x and the χ²(2) tail is e^(−x/2)', () => {
    for (const x of [0.01, 0.5, 1, 2, 7.5, 30, 200]) {
      assert.ok(Math.abs(gammaP(1, x) - (1 - Math.exp(-x))) < 1e-14, `P(1, ${x})`);
      assert.ok(Math.abs(chiSquareSurvival(x, 2) - Math.exp(-x / 2)) <= 1e-13 * Math.exp(-x / 2) + 1e-300, `Q(1, ${x / 2})`);
    }
    fc.assert(fc.property(fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 0, max: 300, noNaN: true }), (a, x) => assert.ok(Math.abs(gammaP(a, x) + gammaQ(a, x) - 1) < 1e-12)));
  });
  it('critical values match the published upper-tail table (NIST/SEMATECH e-Handbook 1.3.6.7.4)', () => {
    const table: [number, number, number][] = [
      [1, 0.05, 3.841], [2, 0.05, 5.991], [5, 0.05, 11.07], [10, 0.05, 18.307], [20, 0.05, 31.41], [30, 0.05, 43.773], [100, 0.05, 124.342],
      [1, 0.01, 6.635], [5, 0.01, 15.086], [10, 0.01, 23.209], [100, 0.01, 135.807],
      [1, 0.001, 10.828], [5, 0.001, 20.515], [10, 0.001, 29.588], [2, 0.1, 4.605],
    ];
    for (const [df, alpha, want] of table) assert.ok(Math.abs(chiSquareCritical(df, alpha) - want) < 6e-4, `df=${df} α=${alpha}: ${chiSquareCritical(df, alpha)}`);
  });
  it('the critical value inverts the tail probability', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 1e-8, max: 0.5, noNaN: true }), (df, alpha) => {
        const c = chiSquareCritical(df, alpha);
        assert.ok(Math.abs(chiSquareSurvival(c, df) - alpha) < 1e-9 * alpha + 1e-15);
      }),
      { numRuns: 80 },
    );
  });
});

describe('χ² goodness of fit', () => {
  it('accepts a perfect fit and rejects a loaded die', () => {
    const fair = chiSquareGoodnessOfFit([10, 10, 10, 10, 10, 10]);
    assert.deepEqual([fair.statistic, fair.df, fair.rejected, fair.pValue], [0, 5, false, 1]);
    const loaded = chiSquareGoodnessOfFit([5, 5, 5, 5, 5, 35], { alpha: 0.01 });
    assert.equal(loaded.statistic, 75);
    assert.equal(loaded.rejected, true);
    assert.ok(loaded.pValue < 1e-10);
  });
  it('refuses when an expected count is below 5, saying how many observations are needed', () => {
    assert.throws(
      () => chiSquareGoodnessOfFit([3, 4, 2, 5, 3, 3]),
      (e: unknown) => e instanceof RandomnessError && e.code === 'CHI2_EXPECTED_TOO_SMALL' && /expected count 3\.33 in a cell with 20 observations, below the 5 the χ² approximation needs: at least 30 observations are needed/.test(e.message),
    );
    assert.throws(() => chiSquareGoodnessOfFit([5]), (e: unknown) => e instanceof RandomnessError && e.code === 'CHI2_INVALID_PARAMETER');
    assert.throws(() => chiSquareCritical(0, 0.05), (e: unknown) => e instanceof RandomnessError && e.code === 'CHI2_INVALID_PARAMETER');
  });
});
