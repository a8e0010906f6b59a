import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditError, type AuditErrorCode } from './errors.js';
import { decideSampleSize, FREQUENCIES, RISKS, tableRow, tableSampleSize, type Frequency, type Risk } from './sample-size.js';

const fails = (code: AuditErrorCode) => (e: unknown) => e instanceof AuditError && e.code === code;

// The expected table, written out independently of the implementation.
const BY_FREQUENCY: Record<Exclude<Frequency, 'occurrence'>, Record<Risk, number>> = {
  annual: { low: 1, high: 1 },
  quarterly: { low: 2, high: 3 },
  monthly: { low: 3, high: 6 },
  weekly: { low: 5, high: 15 },
  daily: { low: 20, high: 40 },
  'multiple-times-a-day': { low: 25, high: 60 },
};
// [population size, low, high] at and around every boundary of the occurrence rows.
const BY_POPULATION: [number, number, number | null][] = [
  [1, 5, 10], [2, 5, 10], [24, 5, 10], [25, 5, 10],
  [26, 10, 20], [49, 10, 20], [50, 10, 20],
  [51, 20, 30], [99, 20, 30], [100, 20, 30],
  [101, 30, null], [1000, 30, null], [10_000_000, 30, null],
];

describe('sample-size table', () => {
  for (const frequency of FREQUENCIES.filter((f) => f !== 'occurrence')) {
    for (const risk of RISKS) {
      it(`${frequency} × ${risk} risk = ${BY_FREQUENCY[frequency as Exclude<Frequency, 'occurrence'>][risk]}`, () => {
        const expected = BY_FREQUENCY[frequency as Exclude<Frequency, 'occurrence'>][risk];
        // The frequency decides, whatever the population size.
        for (const n of [1, 4, 12, 52, 365, 5000]) assert.equal(tableSampleSize(frequency, risk, n), expected);
      });
    }
  }
  for (const [n, low, high] of BY_POPULATION) {
    it(`occurrence: population ${n} → low ${low}, high ${high ?? 'auditor judgement'}`, () => {
      assert.equal(tableSampleSize('occurrence', 'low', n), low);
      assert.equal(tableSampleSize('occurrence', 'high', n), high);
    });
  }
  it('names the row and its source', () => {
    assert.deepEqual([tableRow('monthly', 12).row, tableRow('monthly', 12).source], ['monthly (12)', 'ccss-auditor-guide-2021']);
    assert.equal(tableRow('daily', 300).source, 'aicpa-style');
    assert.equal(tableRow('occurrence', 26).row, '26–50 occurrences');
  });
  it('refuses an empty population', () => {
    assert.throws(() => tableSampleSize('occurrence', 'low', 0), fails('AUDIT_POPULATION_EMPTY'));
  });
});

describe('decideSampleSize', () => {
  it('uses the table size, capped at the population', () => {
    assert.deepEqual(decideSampleSize({ frequency: 'monthly', risk: 'high', populationSize: 12 }), {
      frequency: 'monthly', risk: 'high', populationSize: 12, row: 'monthly (12)', source: 'ccss-auditor-guide-2021', tableSize: 6, size: 6, wholePopulation: false,
    });
    const small = decideSampleSize({ frequency: 'occurrence', risk: 'low', populationSize: 3 });
    assert.deepEqual([small.tableSize, small.size, small.wholePopulation], [5, 3, true]);
    assert.equal(decideSampleSize({ frequency: 'quarterly', risk: 'high', populationSize: 4 }).size, 3);
  });
  it('an override needs a rationale and a size from 1 to the population', () => {
    assert.throws(() => decideSampleSize({ frequency: 'monthly', risk: 'low', populationSize: 12, override: { size: 4, rationale: '  ' } }), fails('AUDIT_OVERRIDE_RATIONALE'));
    assert.throws(() => decideSampleSize({ frequency: 'monthly', risk: 'low', populationSize: 12, override: { size: 13, rationale: 'all' } }), fails('AUDIT_SAMPLE_SIZE'));
    assert.throws(() => decideSampleSize({ frequency: 'monthly', risk: 'low', populationSize: 12, override: { size: 0, rationale: 'none' } }), fails('AUDIT_SAMPLE_SIZE'));
    assert.throws(() => decideSampleSize({ frequency: 'monthly', risk: 'low', populationSize: 12, override: { size: 2.5, rationale: 'half' } }), fails('AUDIT_SAMPLE_SIZE'));
    const d = decideSampleSize({ frequency: 'monthly', risk: 'low', populationSize: 12, override: { size: 2, rationale: ' automated control, tested once more at year end ' } });
    assert.deepEqual(d.override, { size: 2, rationale: 'automated control, tested once more at year end', belowTable: true });
    assert.equal(d.size, 2);
    assert.equal(decideSampleSize({ frequency: 'monthly', risk: 'low', populationSize: 12, override: { size: 12, rationale: 'test all' } }).override!.belowTable, false);
  });
  it('a high-risk population over 100 needs the auditor to decide', () => {
    assert.throws(() => decideSampleSize({ frequency: 'occurrence', risk: 'high', populationSize: 101 }), (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_SAMPLE_SIZE' && /auditor judgement/.test(e.message));
    const d = decideSampleSize({ frequency: 'occurrence', risk: 'high', populationSize: 101, override: { size: 45, rationale: 'high risk: 1.5 × the low-risk size' } });
    assert.deepEqual([d.tableSize, d.size, d.override!.belowTable], [null, 45, false]);
  });
  it('refuses an unknown frequency or risk', () => {
    assert.throws(() => decideSampleSize({ frequency: 'hourly' as Frequency, risk: 'low', populationSize: 3 }), fails('AUDIT_SAMPLE_SIZE'));
    assert.throws(() => decideSampleSize({ frequency: 'daily', risk: 'medium' as Risk, populationSize: 3 }), fails('AUDIT_SAMPLE_SIZE'));
  });
});
