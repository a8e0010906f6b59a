import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays, addMonths, fromDayNumber, isIsoDate, parseIsoDate, toDayNumber, weekday } from './dates.js';
import { AuditError } from './errors.js';
import { periodEnd, periodLength, periodProblems, validatePeriod, type PeriodContext } from './period.js';

const first: PeriodContext = { type: 'certification', firstAudit: true };
const recurring: PeriodContext = { type: 'certification', firstAudit: false };
const readiness: PeriodContext = { type: 'readiness', firstAudit: false };
const ok = (start: string, end: string, c: PeriodContext) => periodProblems({ start, end }, c).length === 0;

describe('dates', () => {
  it('day numbers match known days and round-trip', () => {
    assert.equal(toDayNumber('1970-01-01'), 0);
    assert.equal(toDayNumber('2000-03-01'), 11017);
    assert.equal(fromDayNumber(-1), '1969-12-31');
    assert.equal(weekday('2026-12-04'), 5); // a Friday
    assert.equal(weekday('2000-01-01'), 6); // a Saturday
    fc.assert(fc.property(fc.integer({ min: -100000, max: 2900000 }), (d) => toDayNumber(fromDayNumber(d)) === d));
  });
  it('refuses dates that do not exist', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '2026-1-1', '2026-01-01T00:00:00Z', '']) assert.equal(isIsoDate(bad), false, bad);
    assert.deepEqual(parseIsoDate('2024-02-29'), { year: 2024, month: 2, day: 29 });
    assert.throws(() => toDayNumber('2026-02-30'), (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_INVALID_DATE');
  });
  it('adds calendar months with end-of-month clamping', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
    assert.equal(addMonths('2025-08-31', 6), '2026-02-28');
    assert.equal(addMonths('2026-03-31', -1), '2026-02-28');
    assert.equal(addMonths('2026-11-15', 2), '2027-01-15');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  });
});

describe('audit period rules (CCSS-PRIMER.md: 12 months; 6–18 months for a first audit)', () => {
  it('a period of N months ends the day before the same day N months later', () => {
    assert.equal(periodEnd('2026-01-01', 12), '2026-12-31');
    assert.equal(periodEnd('2026-03-15', 6), '2026-09-14');
    assert.deepEqual(periodLength({ start: '2026-01-01', end: '2026-12-31' }), { months: 12, days: 0 });
    assert.deepEqual(periodLength({ start: '2026-01-01', end: '2026-06-29' }), { months: 5, days: 29 });
    assert.deepEqual(periodLength({ start: '2026-01-01', end: '2026-01-01' }), { months: 0, days: 1 });
  });
  it('a recurring certification audit covers exactly 12 months', () => {
    assert.equal(ok('2026-01-01', '2026-12-31', recurring), true);
    assert.equal(ok('2026-01-01', '2026-12-30', recurring), false);
    assert.equal(ok('2026-01-01', '2027-01-01', recurring), false);
    assert.equal(ok('2025-07-16', '2026-07-15', recurring), true);
    const [p] = periodProblems({ start: '2026-01-01', end: '2026-12-30' }, recurring);
    assert.equal(p!.path, 'period.end');
    assert.match(p!.message, /exactly 12 months.*covers 11 months and 30 days; end it on 2026-12-31/);
  });
  it('a first certification audit covers 6 to 18 months, both bounds included', () => {
    assert.equal(ok('2026-01-01', '2026-06-29', first), false);
    assert.equal(ok('2026-01-01', '2026-06-30', first), true);
    assert.equal(ok('2026-01-01', '2026-12-31', first), true);
    assert.equal(ok('2026-01-01', '2027-06-30', first), true);
    assert.equal(ok('2026-01-01', '2027-07-01', first), false);
    assert.match(periodProblems({ start: '2026-01-01', end: '2027-07-01' }, first)[0]!.message, /6 to 18 months.*covers 18 months and 1 day; end it between 2026-06-30 and 2027-06-30/);
  });
  it('end-of-month starts use the clamped month end', () => {
    // 2025-08-31 + 6 months = 2026-02-28, so the 6-month period ends 2026-02-27.
    assert.equal(ok('2025-08-31', '2026-02-27', first), true);
    assert.equal(ok('2025-08-31', '2026-02-26', first), false);
    assert.equal(ok('2024-02-29', '2025-02-27', recurring), true);
    assert.equal(ok('2024-02-29', '2025-02-28', recurring), false);
  });
  it('a readiness assessment may be one day and at most 18 months', () => {
    assert.equal(ok('2026-05-04', '2026-05-04', readiness), true);
    assert.equal(ok('2026-01-01', '2027-06-30', readiness), true);
    assert.equal(ok('2026-01-01', '2027-07-01', readiness), false);
  });
  it('refuses an end before the start and bad dates, naming the field', () => {
    assert.deepEqual(periodProblems({ start: '2026-05-04', end: '2026-05-03' }, first).map((p) => p.path), ['period.end']);
    assert.deepEqual(periodProblems({ start: '2026-02-30', end: 'soon' }, first).map((p) => p.path), ['period.start', 'period.end']);
    assert.throws(() => validatePeriod({ start: '2026-01-01', end: '2026-03-31' }, first), (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_INVALID_PERIOD' && e.problems.length === 1);
  });
  it('property: every end from 6 to 18 months after the start is accepted for a first audit, nothing outside', () => {
    fc.assert(
      fc.property(fc.integer({ min: toDayNumber('2000-01-01'), max: toDayNumber('2090-12-31') }), fc.integer({ min: 0, max: 700 }), (s, len) => {
        const start = fromDayNumber(s);
        const end = fromDayNumber(s + len);
        const inRange = end >= periodEnd(start, 6) && end <= periodEnd(start, 18);
        return ok(start, end, first) === inRange && ok(start, end, recurring) === (end === periodEnd(start, 12));
      }),
    );
  });
});
