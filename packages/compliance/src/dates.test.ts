import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays, addMonths, dayNumber, fromDayNumber, isIsoDate, lastDayOfMonths, SimulatedClock, stepDate } from './dates.js';
import { ComplianceError } from './errors.js';

describe('calendar dates', () => {
  it('knows real dates and counts days', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '2026-1-1', '2026-01-01T00:00:00Z', '']) assert.equal(isIsoDate(bad), false, bad);
    assert.equal(isIsoDate('2024-02-29'), true);
    assert.equal(dayNumber('1970-01-01'), 0);
    assert.equal(fromDayNumber(-1), '1969-12-31');
    fc.assert(fc.property(fc.integer({ min: -100000, max: 2900000 }), (d) => dayNumber(fromDayNumber(d)) === d));
  });
  it('adds months with end-of-month clamping; a period of N months ends the day before', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
    assert.equal(addMonths('2026-03-31', -1), '2026-02-28');
    assert.equal(lastDayOfMonths('2026-03-10', 12), '2027-03-09');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(stepDate('2026-01-31', { months: 1, days: 1 }), '2026-03-01');
    assert.throws(() => addMonths('2026-02-30', 1), (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_INVALID_DATE');
  });
  it('a simulated clock moves only when told', () => {
    const clock = new SimulatedClock('2026-01-31');
    assert.equal(clock.advance({ months: 1 }), '2026-02-28');
    clock.set('2030-06-01');
    assert.equal(clock.today(), '2030-06-01');
    assert.throws(() => new SimulatedClock('tomorrow'), /start must be a calendar date/);
  });
});
