import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromDayNumber, toDayNumber, weekday } from './dates.js';
import { AuditError } from './errors.js';
import { addWorkingDays, countWorkingDays, isWorkingDay, peerReviewDeadlines, workingCalendar, type HolidayCalendar } from './working-days.js';

const uk = { holidays: ['2026-12-25', '2026-12-28', '2027-01-01'] }; // Christmas, Boxing Day (substitute), New Year

describe('working days', () => {
  it('skips weekends', () => {
    assert.equal(addWorkingDays('2026-12-04', 1), '2026-12-07'); // Friday + 1 = Monday
    assert.equal(addWorkingDays('2026-12-05', 1), '2026-12-07'); // from a Saturday
    assert.equal(addWorkingDays('2026-12-04', 10), '2026-12-18');
    assert.equal(addWorkingDays('2026-12-04', 0), '2026-12-04');
    assert.equal(countWorkingDays('2026-12-04', '2026-12-18'), 10);
    assert.equal(countWorkingDays('2026-12-18', '2026-12-04'), -10);
    assert.equal(countWorkingDays('2026-12-05', '2026-12-06'), 0);
  });
  it('skips holidays across the year end', () => {
    assert.equal(addWorkingDays('2026-12-24', 1, uk), '2026-12-29');
    assert.equal(addWorkingDays('2026-12-24', 10, uk), '2027-01-12');
    assert.equal(countWorkingDays('2026-12-24', '2027-01-12', uk), 10);
    assert.equal(isWorkingDay('2027-01-01', uk), false);
    assert.equal(isWorkingDay('2027-01-04', uk), true);
    // A holiday on a weekend is not counted twice.
    assert.equal(countWorkingDays('2026-12-24', '2027-01-12', { holidays: [...uk.holidays, '2026-12-26'] }), 10);
  });
  it('supports another weekend (Friday and Saturday)', () => {
    const gulf = { weekend: [5, 6] };
    assert.equal(addWorkingDays('2026-12-03', 1, gulf), '2026-12-06'); // Thursday + 1 = Sunday
    assert.equal(isWorkingDay('2026-12-06', gulf), true);
  });
  it('refuses a bad calendar or a negative count', () => {
    const code = (c: string) => (e: unknown) => e instanceof AuditError && e.code === c;
    assert.throws(() => workingCalendar({ weekend: [7] }), code('AUDIT_INVALID_CALENDAR'));
    assert.throws(() => workingCalendar({ weekend: [0, 1, 2, 3, 4, 5, 6] }), code('AUDIT_INVALID_CALENDAR'));
    assert.throws(() => workingCalendar({ holidays: ['2026-12-32'] }), (e: unknown) => e instanceof AuditError && /holidays\[0\]/.test(e.message));
    assert.throws(() => addWorkingDays('2026-12-04', -1), code('AUDIT_INVALID_CALENDAR'));
  });
  it('peer-review deadlines: 2 days to ask for another reviewer, 10 to review, 10 to resolve', () => {
    const d = peerReviewDeadlines({ assignedOn: '2026-12-16', calendar: uk });
    assert.deepEqual(d, { requestAnotherReviewerBy: '2026-12-18', reviewBy: '2027-01-04', resolveBy: '2027-01-18' });
    assert.equal(peerReviewDeadlines({ assignedOn: '2026-12-16', queriesRaisedOn: '2026-12-22', calendar: uk }).resolveBy, '2027-01-08');
  });

  const calendarArb = fc.record({
    weekend: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
    holidays: fc.uniqueArray(fc.integer({ min: toDayNumber('2025-01-01'), max: toDayNumber('2028-12-31') }).map(fromDayNumber), { maxLength: 40 }),
  });
  const dateArb = fc.integer({ min: toDayNumber('2025-06-01'), max: toDayNumber('2027-12-31') }).map(fromDayNumber);

  it('property: counting after adding gives back N', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 300 }), calendarArb, (date, n, calendar: HolidayCalendar) => {
        const cal = workingCalendar(calendar);
        return countWorkingDays(date, addWorkingDays(date, n, cal), cal) === n;
      }),
    );
  });
  it('property: the result is never a weekend day or a holiday, and every day skipped is not a working day', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 60 }), calendarArb, (date, n, calendar) => {
        const cal = workingCalendar(calendar);
        const end = addWorkingDays(date, n, cal);
        if (cal.weekend.has(weekday(end)) || cal.holidays.has(end)) return false;
        const before = addWorkingDays(date, n - 1, cal);
        for (let d = toDayNumber(before) + 1; d < toDayNumber(end); d++) if (isWorkingDay(fromDayNumber(d), cal)) return false;
        return true;
      }),
    );
  });
  it('property: count equals a day-by-day count', () => {
    fc.assert(
      fc.property(dateArb, dateArb, calendarArb, (a, b, calendar) => {
        const cal = workingCalendar(calendar);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        let n = 0;
        for (let d = toDayNumber(lo) + 1; d <= toDayNumber(hi); d++) if (isWorkingDay(fromDayNumber(d), cal)) n++;
        return countWorkingDays(a, b, cal) === (a <= b ? n : -n);
      }),
    );
  });
});
