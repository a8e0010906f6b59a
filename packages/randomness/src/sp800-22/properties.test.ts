import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bitsFromArray, bitsFromText, complementBits, type BitSequence } from './bits.js';
import { runBattery, selectTests } from './battery.js';
import { cumulativeSumsTest } from './cusum.js';
import { dftTest } from './dft.js';
import { Sp80022Error } from './errors.js';
import { randomExcursionsTest } from './excursions.js';
import { blockFrequencyTest, frequencyTest } from './frequency.js';
import { linearComplexityTest } from './linear-complexity.js';
import { rankTest } from './rank.js';
import { longestRunTest, runsTest } from './runs.js';
import { approximateEntropyTest, serialTest } from './serial-entropy.js';
import { nonOverlappingTemplateTest, overlappingTemplateTest } from './template-matching.js';
import { universalTest } from './universal.js';

const sequences = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 1 }), { minLength: min, maxLength: max }).map((a) => bitsFromArray(a));

/** A deterministic pseudo-random sequence (xorshift32), for tests that need a long "random" input. */
function pseudoRandom(n: number, seed: number): BitSequence {
  const a = new Array<number>(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    a[i] = x >>> 31;
  }
  return bitsFromArray(a);
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof Sp80022Error) return e.code;
    throw e;
  }
  return 'no error';
}

describe('SP 800-22 properties', () => {
  it('every P-value of the battery is in [0, 1] (relaxed input sizes, property)', () => {
    fc.assert(
      fc.property(sequences(1100, 4000), (s) => {
        const r = runBattery(s, {
          strict: false,
          tests: selectTests(['frequency', 'block-frequency', 'cumulative-sums', 'runs', 'longest-run', 'rank', 'dft', 'non-overlapping-template', 'overlapping-template', 'approximate-entropy', 'random-excursions', 'random-excursions-variant', 'serial', 'linear-complexity']),
          parameters: { serial: { blockLength: 4 }, 'approximate-entropy': { blockLength: 3 }, 'random-excursions': { minCycles: 1 }, 'random-excursions-variant': { minCycles: 1 } },
        });
        for (const t of r.results) for (const p of t.pValues) assert.ok(p >= 0 && p <= 1 && !Number.isNaN(p), `${t.test}: ${p}`);
      }),
      { numRuns: 25 },
    );
  });
  it('complementing every bit leaves frequency, cusum and DFT P-values unchanged, runs/serial/ApEn up to rounding', () => {
    fc.assert(
      fc.property(sequences(100, 2000), (s) => {
        const c = complementBits(s);
        assert.equal(frequencyTest(c).pValues[0], frequencyTest(s).pValues[0]);
        assert.deepEqual(cumulativeSumsTest(c).pValues, cumulativeSumsTest(s).pValues);
        assert.equal(dftTest(c, { strict: false }).pValues[0], dftTest(s, { strict: false }).pValues[0]);
        assert.ok(Math.abs(runsTest(c).pValues[0]! - runsTest(s).pValues[0]!) < 1e-12);
        assert.ok(Math.abs(blockFrequencyTest(c, { blockLength: 20 }).pValues[0]! - blockFrequencyTest(s, { blockLength: 20 }).pValues[0]!) < 1e-12);
        const [a, b] = [serialTest(c, { blockLength: 3, strict: false }).pValues, serialTest(s, { blockLength: 3, strict: false }).pValues];
        assert.ok(Math.abs(a[0]! - b[0]!) < 1e-9 && Math.abs(a[1]! - b[1]!) < 1e-9);
        assert.ok(Math.abs(approximateEntropyTest(c, { blockLength: 2, strict: false }).pValues[0]! - approximateEntropyTest(s, { blockLength: 2, strict: false }).pValues[0]!) < 1e-9);
      }),
    );
  });
  it('cumulative sums: forward on the reversed sequence is reverse on the original', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 100, maxLength: 1000 }), (a) => {
        const f = cumulativeSumsTest(bitsFromArray(a)).pValues;
        const r = cumulativeSumsTest(bitsFromArray([...a].reverse())).pValues;
        assert.equal(r[0], f[1]);
        assert.equal(r[1], f[0]);
      }),
    );
  });
  it('a constant sequence fails frequency, runs (prerequisite: P = 0) and cumulative sums', () => {
    for (const bit of [0, 1]) {
      const s = bitsFromArray(new Array<number>(10000).fill(bit));
      assert.ok(frequencyTest(s).pValues[0]! < 1e-100);
      const runs = runsTest(s);
      assert.equal(runs.pValues[0], 0);
      assert.match(runs.notes[0]!, /prerequisite/);
      assert.ok(cumulativeSumsTest(s).pValues.every((p) => p < 0.01));
    }
  });
  it('an alternating 0101… sequence passes frequency but fails runs, serial and approximate entropy', () => {
    const s = bitsFromText('01'.repeat(50000));
    assert.equal(frequencyTest(s).pValues[0], 1);
    assert.ok(runsTest(s).pValues[0]! < 1e-100);
    assert.ok(serialTest(s, { blockLength: 8 }).pValues[0]! < 1e-100);
    assert.ok(approximateEntropyTest(s, { blockLength: 8 }).pValues[0]! < 1e-100);
  });
  it('a pseudo-random sequence passes the full battery at 10^6 bits (xorshift32)', () => {
    const r = runBattery(pseudoRandom(1000000, 2463534242));
    assert.equal(r.results.length, 15);
    for (const t of r.results) if (t.applicable) assert.ok(t.pValues.filter((p) => p < 0.001).length <= 1, `${t.test}: ${t.pValues.filter((p) => p < 0.001).join(', ')}`);
  });
});

describe('input-size rules and parameters (error codes)', () => {
  const short = (n: number) => bitsFromArray(Array.from({ length: n }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0));
  it('names the test, the minimum and the length', () => {
    try {
      runsTest(short(50));
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof Sp80022Error);
      assert.equal(e.code, 'SP80022_INPUT_TOO_SHORT');
      assert.equal(e.message, 'runs test needs n ≥ 100 bits; got 50');
    }
  });
  const cases: [string, () => unknown, string][] = [
    ['frequency below 100 bits', () => frequencyTest(short(99)), 'SP80022_INPUT_TOO_SHORT'],
    ['cumulative sums below 100 bits', () => cumulativeSumsTest(short(99)), 'SP80022_INPUT_TOO_SHORT'],
    ['longest run below 128 bits even relaxed (sts-2.1.2)', () => longestRunTest(short(127), { strict: false }), 'SP80022_INPUT_TOO_SHORT'],
    ['longest run with M = 128 below 6272 bits', () => longestRunTest(short(5000), { blockLength: 128 }), 'SP80022_INPUT_TOO_SHORT'],
    ['longest run with M = 7', () => longestRunTest(short(5000), { blockLength: 7 as 8 }), 'SP80022_INVALID_PARAMETER'],
    ['rank below 38912 bits', () => rankTest(short(38911)), 'SP80022_INPUT_TOO_SHORT'],
    ['rank below one matrix, relaxed', () => rankTest(short(1023), { strict: false }), 'SP80022_INPUT_TOO_SHORT'],
    ['DFT below 1000 bits', () => dftTest(short(999)), 'SP80022_INPUT_TOO_SHORT'],
    ['block frequency M = 0', () => blockFrequencyTest(short(1000), { blockLength: 0 }), 'SP80022_INVALID_PARAMETER'],
    ['block frequency M < 20', () => blockFrequencyTest(short(1000), { blockLength: 10 }), 'SP80022_INVALID_PARAMETER'],
    ['non-overlapping template m = 22', () => nonOverlappingTemplateTest(short(1000), { templateLength: 22 }), 'SP80022_INVALID_PARAMETER'],
    ['non-overlapping periodic template', () => nonOverlappingTemplateTest(short(1000), { templates: ['0101'] }), 'SP80022_INVALID_PARAMETER'],
    ['non-overlapping template blocks shorter than m', () => nonOverlappingTemplateTest(short(70)), 'SP80022_INPUT_TOO_SHORT'],
    ['overlapping template below 10^6 bits', () => overlappingTemplateTest(short(100000)), 'SP80022_INPUT_TOO_SHORT'],
    ['universal below 387840 bits', () => universalTest(short(387839)), 'SP80022_INPUT_TOO_SHORT'],
    ['universal with L = 17', () => universalTest(short(1000), { blockLength: 17 }), 'SP80022_INVALID_PARAMETER'],
    ['approximate entropy m too large for n', () => approximateEntropyTest(short(1000), { blockLength: 10 }), 'SP80022_INPUT_TOO_SHORT'],
    ['serial m = 1', () => serialTest(short(1000), { blockLength: 1 }), 'SP80022_INVALID_PARAMETER'],
    ['serial m too large for n', () => serialTest(short(1000), { blockLength: 16 }), 'SP80022_INPUT_TOO_SHORT'],
    ['linear complexity M = 400', () => linearComplexityTest(short(1000000), { blockLength: 400 }), 'SP80022_INVALID_PARAMETER'],
    ['linear complexity below 10^6 bits', () => linearComplexityTest(short(999999)), 'SP80022_INPUT_TOO_SHORT'],
    ['random excursions below 10^6 bits', () => randomExcursionsTest(short(1000)), 'SP80022_INPUT_TOO_SHORT'],
    ['unknown test name', () => selectTests(['frequency', 'monobit']), 'SP80022_UNKNOWN_TEST'],
    ['text with a stray character', () => bitsFromText('0101\n01x1'), 'SP80022_INVALID_BITS'],
  ];
  for (const [name, f, want] of cases) it(name, () => assert.equal(code(f), want));
  it('in a battery run, a too-short input makes a test not applicable with the rule as reason', () => {
    const r = runBattery(short(5000));
    const lc = r.results.find((t) => t.test === 'linear-complexity')!;
    assert.equal(lc.applicable, false);
    assert.equal(lc.reasonCode, 'INPUT_TOO_SHORT');
    assert.match(lc.reason!, /linear-complexity test needs n ≥ 1000000 bits; got 5000/);
    assert.equal(r.results.find((t) => t.test === 'frequency')!.applicable, true);
    const templates = r.results.find((t) => t.test === 'non-overlapping-template')!;
    assert.equal(templates.labels.length, 148);
  });
  it('the random excursions test is not applicable when the walk returns to zero too often (sts-2.1.2 aborts)', () => {
    const r = randomExcursionsTest(bitsFromText('01'.repeat(600000)));
    assert.equal(r.applicable, false);
    assert.equal(r.reasonCode, 'TOO_MANY_CYCLES');
  });
});
