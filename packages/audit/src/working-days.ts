/**
 * Working-day arithmetic for peer-review deadlines (CCSS-PRIMER.md "Peer review": 10 working days to
 * review, 10 to resolve queries, 2 to ask for another reviewer). A working day is a day that is
 * neither a weekend day nor a listed holiday of the calendar.
 */
import { assertIsoDate, fromDayNumber, toDayNumber, type IsoDate } from './dates.js';
import { AuditError } from './errors.js';

/** A holiday calendar: weekend days (0 Sunday … 6 Saturday; default Saturday and Sunday) and holiday dates. */
export interface HolidayCalendar {
  weekend?: readonly number[];
  holidays?: readonly IsoDate[];
}

/** A validated calendar with fast lookups. */
export interface WorkingCalendar {
  readonly weekend: ReadonlySet<number>;
  readonly holidays: ReadonlySet<IsoDate>;
}

/** Validates a calendar (AUDIT_INVALID_CALENDAR naming the bad entry) and indexes it. */
export function workingCalendar(calendar: HolidayCalendar = {}): WorkingCalendar {
  const weekend = calendar.weekend ?? [0, 6];
  weekend.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0 || d > 6) throw new AuditError('AUDIT_INVALID_CALENDAR', `weekend[${i}] must be a day of the week from 0 (Sunday) to 6 (Saturday) (got ${String(d)})`);
  });
  const set = new Set(weekend);
  if (set.size === 7) throw new AuditError('AUDIT_INVALID_CALENDAR', 'weekend covers every day of the week: there would be no working day');
  (calendar.holidays ?? []).forEach((h, i) => assertIsoDate(h, `holidays[${i}]`));
  return { weekend: set, holidays: new Set(calendar.holidays ?? []) };
}

function indexed(calendar: HolidayCalendar | WorkingCalendar): WorkingCalendar {
  return calendar.weekend instanceof Set ? (calendar as WorkingCalendar) : workingCalendar(calendar as HolidayCalendar);
}

const dayOfWeek = (dayNumber: number) => (((dayNumber + 4) % 7) + 7) % 7;

/** True when `date` is neither a weekend day nor a holiday. */
export function isWorkingDay(date: IsoDate, calendar: HolidayCalendar | WorkingCalendar = {}): boolean {
  const cal = indexed(calendar);
  return !cal.weekend.has(dayOfWeek(toDayNumber(date))) && !cal.holidays.has(date);
}

/**
 * The `n`-th working day after `date` (the day itself does not count; n = 0 gives `date`). A deadline
 * of "10 working days" from a notice on a Friday falls on the second Friday after it, later with holidays.
 * @example addWorkingDays('2026-12-24', 2, { holidays: ['2026-12-25'] }) // '2026-12-29'
 */
export function addWorkingDays(date: IsoDate, n: number, calendar: HolidayCalendar | WorkingCalendar = {}): IsoDate {
  if (!Number.isSafeInteger(n) || n < 0) throw new AuditError('AUDIT_INVALID_CALENDAR', `working days to add must be a whole number of 0 or more (got ${n})`);
  const cal = indexed(calendar);
  let day = toDayNumber(date);
  for (let left = n; left > 0; ) {
    day += 1;
    if (!cal.weekend.has(dayOfWeek(day)) && !cal.holidays.has(fromDayNumber(day))) left -= 1;
  }
  return fromDayNumber(day);
}

/**
 * Working days after `from` up to and including `to` (so `countWorkingDays(d, addWorkingDays(d, n)) = n`);
 * negative when `to` is before `from`.
 */
export function countWorkingDays(from: IsoDate, to: IsoDate, calendar: HolidayCalendar | WorkingCalendar = {}): number {
  const cal = indexed(calendar);
  const a = toDayNumber(from);
  const b = toDayNumber(to);
  if (b < a) return -countWorkingDays(to, from, cal);
  const span = b - a;
  // Whole weeks contribute the same number of working weekdays; the remainder is counted day by day.
  let count = Math.floor(span / 7) * (7 - cal.weekend.size);
  for (let d = a + Math.floor(span / 7) * 7 + 1; d <= b; d++) if (!cal.weekend.has(dayOfWeek(d))) count += 1;
  for (const h of cal.holidays) {
    const d = toDayNumber(h);
    if (d > a && d <= b && !cal.weekend.has(dayOfWeek(d))) count -= 1;
  }
  return count;
}

/** The peer-review windows, in working days (CCSS-PRIMER.md "Peer review"). */
export const PEER_REVIEW_WORKING_DAYS = { review: 10, resolve: 10, requestAnotherReviewer: 2 } as const;

export interface PeerReviewDeadlines {
  /** Last day for the auditor to ask for a different reviewer (conflict of interest). */
  requestAnotherReviewerBy: IsoDate;
  /** Last day for the reviewer to finish the review and raise queries. */
  reviewBy: IsoDate;
  /** Last day for the auditor to resolve the queries. */
  resolveBy: IsoDate;
}

/**
 * Deadlines of a peer review assigned on `assignedOn`. The resolution window runs from the day
 * queries were raised when known, otherwise from the review deadline (the latest they can arrive).
 */
export function peerReviewDeadlines(input: { assignedOn: IsoDate; queriesRaisedOn?: IsoDate; calendar?: HolidayCalendar }): PeerReviewDeadlines {
  assertIsoDate(input.assignedOn, 'assignedOn');
  if (input.queriesRaisedOn !== undefined) assertIsoDate(input.queriesRaisedOn, 'queriesRaisedOn');
  const cal = workingCalendar(input.calendar);
  const reviewBy = addWorkingDays(input.assignedOn, PEER_REVIEW_WORKING_DAYS.review, cal);
  return {
    requestAnotherReviewerBy: addWorkingDays(input.assignedOn, PEER_REVIEW_WORKING_DAYS.requestAnotherReviewer, cal),
    reviewBy,
    resolveBy: addWorkingDays(input.queriesRaisedOn ?? reviewBy, PEER_REVIEW_WORKING_DAYS.resolve, cal),
  };
}

/** True when `date` is after `deadline` (a deadline day itself is still on time). */
export function isLate(date: IsoDate, deadline: IsoDate): boolean {
  return date > deadline;
}
