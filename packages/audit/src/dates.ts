/**
 * Calendar dates as ISO 8601 `YYYY-MM-DD` strings, with whole-day arithmetic on day numbers (days
 * since 1970-01-01 in the proleptic Gregorian calendar). No time zones: an audit period, a holiday
 * or a deadline is a calendar date, never an instant.
 */
import { AuditError } from './errors.js';

/** A calendar date written `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a leap year of the Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The year, month and day of a valid `YYYY-MM-DD`, or undefined (wrong shape or no such day, e.g. 2026-02-29). */
export function parseIsoDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: unknown): text is IsoDate {
  return typeof text === 'string' && parseIsoDate(text) !== undefined;
}

/** Throws AUDIT_INVALID_DATE naming `what` unless `text` is a real `YYYY-MM-DD` date. */
export function assertIsoDate(text: unknown, what: string): asserts text is IsoDate {
  if (!isIsoDate(text)) throw new AuditError('AUDIT_INVALID_DATE', `${what} must be a calendar date written YYYY-MM-DD (got ${JSON.stringify(text)})`);
}

// Day number <-> civil date: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (days_from_civil, civil_from_days).

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function toDayNumber(date: IsoDate): number {
  const p = parseIsoDate(date);
  if (!p) throw new AuditError('AUDIT_INVALID_DATE', `not a calendar date written YYYY-MM-DD: ${JSON.stringify(date)}`);
  const y = p.month <= 2 ? p.year - 1 : p.year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (p.month + (p.month > 2 ? -3 : 9)) + 2) / 5) + p.day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The `YYYY-MM-DD` date of a day number. */
export function fromDayNumber(days: number): IsoDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `date` plus `n` calendar days (n may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + n);
}

/** Day of the week: 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
export function weekday(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

/**
 * `date` plus `n` calendar months, keeping the day of the month and clamping it to the last day of
 * a shorter month (end-of-month handling): 2026-01-31 + 1 month = 2026-02-28, 2024-02-29 + 12 = 2025-02-28.
 * @example addMonths('2026-08-31', 6) // '2027-02-28'
 */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const p = parseIsoDate(date);
  if (!p) throw new AuditError('AUDIT_INVALID_DATE', `not a calendar date written YYYY-MM-DD: ${JSON.stringify(date)}`);
  if (!Number.isInteger(n)) throw new AuditError('AUDIT_INVALID_DATE', `months to add must be a whole number (got ${n})`);
  const index = p.year * 12 + (p.month - 1) + n;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(p.day, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Negative, zero or positive as `a` is before, the same as or after `b` (ISO dates sort as strings). */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
