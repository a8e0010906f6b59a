/**
 * Audit period rules (CCSS-PRIMER.md "The audit", after the 2021 auditor guide): a certification
 * audit normally covers the preceding 12 months and recurs annually; a first audit may cover 6 to
 * 18 months. Keygrade's exact reading, in calendar months with end-of-month clamping (dates.ts):
 *
 * - A period runs from `start` to `end`, both days included. A period of N months ends on
 *   `addMonths(start, N) - 1 day`: 2026-01-01 + 12 months ends 2026-12-31.
 * - Certification audit, not the first: exactly 12 months.
 * - Certification audit, first: at least 6 and at most 18 months.
 * - Readiness assessment: no minimum (it may be a single "as of" day, start = end), at most 18 months,
 *   because it assesses design before the audit period starts.
 */
import type { Problem } from '@keygrade/errors';
import { addDays, addMonths, isIsoDate, toDayNumber, type IsoDate } from './dates.js';
import { AuditError } from './errors.js';

export type AuditType = 'readiness' | 'certification';

/** An audit period; both days are included. */
export interface AuditPeriod {
  start: IsoDate;
  end: IsoDate;
}

/** The period lengths Keygrade enforces, in calendar months. */
export const PERIOD_MONTHS = { regular: 12, firstMin: 6, firstMax: 18, readinessMax: 18 } as const;

/** The last day of a period of `months` calendar months that starts on `start`. */
export function periodEnd(start: IsoDate, months: number): IsoDate {
  return addDays(addMonths(start, months), -1);
}

/** How long a period is: whole calendar months and the days left over (both days of the period included). */
export function periodLength(period: AuditPeriod): { months: number; days: number } {
  const endDay = toDayNumber(period.end);
  if (endDay < toDayNumber(period.start)) return { months: 0, days: 0 };
  let months = 0;
  while (toDayNumber(periodEnd(period.start, months + 1)) <= endDay) months += 1;
  const covered = months === 0 ? toDayNumber(period.start) - 1 : toDayNumber(periodEnd(period.start, months));
  return { months, days: endDay - covered };
}

/** "12 months", "5 months and 29 days", "1 day". */
export function describeLength(length: { months: number; days: number }): string {
  const parts = [length.months > 0 ? `${length.months} month${length.months === 1 ? '' : 's'}` : '', length.days > 0 ? `${length.days} day${length.days === 1 ? '' : 's'}` : ''].filter(Boolean);
  return parts.length === 0 ? '0 days' : parts.join(' and ');
}

export interface PeriodContext {
  type: AuditType;
  /** True for the system's first certification audit (6–18 months allowed). */
  firstAudit: boolean;
}

/**
 * Every problem with a period for this kind of audit, each naming its field (`<prefix>.start`,
 * `<prefix>.end`); empty when the period is allowed.
 */
export function periodProblems(period: { start?: unknown; end?: unknown }, context: PeriodContext, prefix = 'period'): Problem[] {
  const problems: Problem[] = [];
  for (const field of ['start', 'end'] as const) {
    if (!isIsoDate(period[field])) problems.push({ path: `${prefix}.${field}`, message: `must be a calendar date written YYYY-MM-DD (got ${JSON.stringify(period[field])})` });
  }
  if (problems.length > 0) return problems;
  const p = period as AuditPeriod;
  if (p.end < p.start) return [{ path: `${prefix}.end`, message: `${p.end} is before the start ${p.start}` }];
  const length = describeLength(periodLength(p));
  const range = (min: number, max: number) => ({ earliest: periodEnd(p.start, min), latest: periodEnd(p.start, max) });
  if (context.type === 'readiness') {
    const latest = periodEnd(p.start, PERIOD_MONTHS.readinessMax);
    if (p.end > latest) problems.push({ path: `${prefix}.end`, message: `a readiness assessment covers at most ${PERIOD_MONTHS.readinessMax} months: the period from ${p.start} covers ${length}; end it on or before ${latest}` });
  } else if (context.firstAudit) {
    const { earliest, latest } = range(PERIOD_MONTHS.firstMin, PERIOD_MONTHS.firstMax);
    if (p.end < earliest || p.end > latest) {
      problems.push({ path: `${prefix}.end`, message: `a first certification audit covers ${PERIOD_MONTHS.firstMin} to ${PERIOD_MONTHS.firstMax} months: the period from ${p.start} covers ${length}; end it between ${earliest} and ${latest}` });
    }
  } else {
    const expected = periodEnd(p.start, PERIOD_MONTHS.regular);
    if (p.end !== expected) {
      problems.push({ path: `${prefix}.end`, message: `a certification audit that is not the first covers exactly ${PERIOD_MONTHS.regular} months: the period from ${p.start} covers ${length}; end it on ${expected}` });
    }
  }
  return problems;
}

/** Throws AUDIT_INVALID_PERIOD listing every problem unless the period is allowed. */
export function validatePeriod(period: AuditPeriod, context: PeriodContext): void {
  const problems = periodProblems(period, context);
  if (problems.length > 0) throw new AuditError('AUDIT_INVALID_PERIOD', 'the audit period is not allowed', { problems });
}

/** True when `date` falls inside the period (both days included). */
export function inPeriod(date: IsoDate, period: AuditPeriod): boolean {
  return date >= period.start && date <= period.end;
}
