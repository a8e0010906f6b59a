/**
 * Calendar dates (`YYYY-MM-DD`) and whole-day arithmetic. Validity in Keygrade is decided per
 * calendar day, never per instant: an entry valid until 2027-03-09 counts for all of that day and
 * has lapsed on 2027-03-10, whatever the time zone of the reader. Arithmetic goes through
 * `Date.UTC`, which uses the proleptic Gregorian calendar and never observes daylight saving.
 */
import { ComplianceError } from './errors.js';

/** A calendar date written `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function parts(text: string): [number, number, number] | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC rolls 2026-02-30 over to March: a real date survives the round trip unchanged.
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined;
  return [y, mo, d];
}

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-29 is not one). */
export function isIsoDate(text: unknown): text is IsoDate {
  return typeof text === 'string' && parts(text) !== undefined;
}

function need(date: IsoDate, what: string): [number, number, number] {
  const p = parts(date);
  if (!p) throw new ComplianceError('COMPLIANCE_INVALID_DATE', `${what} must be a calendar date written YYYY-MM-DD (got ${JSON.stringify(date)})`);
  return p;
}

const format = (t: Date): IsoDate => t.toISOString().slice(0, 10);

/** Days since 1970-01-01. */
export function dayNumber(date: IsoDate): number {
  const [y, m, d] = need(date, 'date');
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** The date of a day number (see {@link dayNumber}). */
export function fromDayNumber(n: number): IsoDate {
  return format(new Date(n * DAY_MS));
}

/** `date` plus `n` calendar days (n may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(dayNumber(date) + n);
}

/**
 * `date` plus `n` calendar months, clamped to the end of a shorter month.
 * @example addMonths('2026-01-31', 1) // '2026-02-28'
 */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const [y, m, d] = need(date, 'date');
  if (!Number.isInteger(n)) throw new ComplianceError('COMPLIANCE_INVALID_DATE', `months to add must be a whole number (got ${n})`);
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(year, month, Math.min(d, last))));
}

/** The last day of a period of `months` months that starts on `date` (12 months from 2026-03-10 end on 2027-03-09). */
export function lastDayOfMonths(date: IsoDate, months: number): IsoDate {
  return addDays(addMonths(date, months), -1);
}

/** Negative, zero or positive as `a` is before, the same as or after `b` (ISO dates sort as strings). */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The earlier of two dates, where `null` means "never" (no end). */
export function minUntil(a: IsoDate | null, b: IsoDate | null): IsoDate | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** The later of two dates, where `null` means "never" (no end). */
export function maxUntil(a: IsoDate | null, b: IsoDate | null): IsoDate | null {
  if (a === null || b === null) return null;
  return a > b ? a : b;
}

/** A source of "today", injected so evaluation never reads the system clock. */
export interface Clock {
  today(): IsoDate;
}

/**
 * A clock you set and move by hand, for simulated calendars ("watch the level drop and recover").
 * @example const clock = new SimulatedClock('2026-01-01'); clock.advance({ months: 13 }); clock.today() // '2027-02-01'
 */
export class SimulatedClock implements Clock {
  #today: IsoDate;

  constructor(start: IsoDate) {
    need(start, 'start');
    this.#today = start;
  }

  today(): IsoDate {
    return this.#today;
  }

  /** Moves the clock to a given date (backwards too). */
  set(date: IsoDate): void {
    need(date, 'date');
    this.#today = date;
  }

  /** Moves the clock forward (or back, with negative values) by days and/or months. */
  advance(step: Step): IsoDate {
    this.#today = stepDate(this.#today, step);
    return this.#today;
  }
}

/** A step on the calendar: whole days, whole months, or both (months first). */
export type Step = { days?: number; months?: number };

/** `date` moved by `step` (months first, then days). */
export function stepDate(date: IsoDate, step: Step): IsoDate {
  return addDays(addMonths(date, step.months ?? 0), step.days ?? 0);
}

/** The date a `now` argument stands for: a `YYYY-MM-DD` date or a clock's today. */
export function todayOf(now: IsoDate | Clock): IsoDate {
  const date = typeof now === 'string' ? now : now.today();
  need(date, 'now');
  return date;
}
