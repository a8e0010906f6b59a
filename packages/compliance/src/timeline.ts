/**
 * The level over time on a simulated calendar: step from one day to another and evaluate on each
 * step ("watch the level drop and recover"), or jump straight to the days where something can change.
 */
import { addDays, addMonths, compareDates, isIsoDate, stepDate, type IsoDate, type Step } from './dates.js';
import { changeEvents, type ChangeEvent } from './changes.js';
import { ComplianceError } from './errors.js';
import { createEvaluator, type Evaluation, type EvaluationInput, type Evaluator } from './evaluate.js';
import type { LevelOrZero } from '@keygrade/catalog';

/** One day of a timeline. */
export interface TimelinePoint {
  at: IsoDate;
  level: LevelOrZero;
  answeredLevel: LevelOrZero;
  /** Requirements whose answer fell back that day. */
  lapsed: string[];
  /** What changed since the previous point (empty on the first). */
  events: ChangeEvent[];
  evaluation: Evaluation;
}

/** At most this many points per timeline, so a tiny step over a long range fails loudly instead of running away. */
export const MAX_TIMELINE_POINTS = 100_000;

function checkRange(from: IsoDate, to: IsoDate): void {
  if (!isIsoDate(from)) throw new ComplianceError('COMPLIANCE_INVALID_TIMELINE', `from must be a calendar date written YYYY-MM-DD (got ${JSON.stringify(from)})`);
  if (!isIsoDate(to)) throw new ComplianceError('COMPLIANCE_INVALID_TIMELINE', `to must be a calendar date written YYYY-MM-DD (got ${JSON.stringify(to)})`);
  if (compareDates(to, from) < 0) throw new ComplianceError('COMPLIANCE_INVALID_TIMELINE', `to (${to}) is before from (${from})`);
}

const evaluatorOf = (input: EvaluationInput | Evaluator): Evaluator => ('at' in input && typeof input.at === 'function' ? input : createEvaluator(input as EvaluationInput));

function point(evaluation: Evaluation, previous: Evaluation | undefined): TimelinePoint {
  return {
    at: evaluation.at,
    level: evaluation.level,
    answeredLevel: evaluation.answeredLevel,
    lapsed: evaluation.requirements.filter((r) => r.fellBack).map((r) => r.id),
    events: previous ? changeEvents(previous, evaluation) : [],
    evaluation,
  };
}

/**
 * The level from `from` to `to` (both included when `to` falls on a step), one point per step.
 * @example for (const p of timeline(input, '2026-01-01', '2027-12-31', { months: 1 })) console.log(p.at, p.level)
 */
export function* timeline(input: EvaluationInput | Evaluator, from: IsoDate, to: IsoDate, step: Step = { days: 1 }): Generator<TimelinePoint> {
  checkRange(from, to);
  if (compareDates(stepDate(from, step), from) <= 0) throw new ComplianceError('COMPLIANCE_INVALID_TIMELINE', 'step must move the calendar forward (days or months above zero)');
  const evaluator = evaluatorOf(input);
  let previous: Evaluation | undefined;
  // Steps are taken from `from` each time (from + n months), so month ends do not drift (Jan 31, Feb 28, Mar 31).
  for (let n = 0; ; n += 1) {
    if (n >= MAX_TIMELINE_POINTS) throw new ComplianceError('COMPLIANCE_INVALID_TIMELINE', `a timeline has at most ${MAX_TIMELINE_POINTS} points; use a longer step`);
    const at = stepDate(from, { days: (step.days ?? 0) * n, months: (step.months ?? 0) * n });
    if (compareDates(at, to) > 0) return;
    const current = evaluator.at(at);
    yield point(current, previous);
    previous = current;
  }
}

/** Every date string anywhere in a value (registers, links), found by shape. */
function datesIn(value: unknown, out: Set<IsoDate>): void {
  if (typeof value === 'string') {
    if (isIsoDate(value)) out.add(value);
  } else if (Array.isArray(value)) for (const v of value) datesIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) datesIn(v, out);
}

/**
 * Only the days on which the evaluation changes, from `from` to `to`: the first day, then each day
 * with at least one event. Exact, because every validity bound is a recorded date, the day after
 * one, or one plus a configured number of months; those candidates are all that is evaluated.
 */
export function transitions(input: EvaluationInput, from: IsoDate, to: IsoDate): TimelinePoint[] {
  checkRange(from, to);
  const evaluator = createEvaluator(input);
  const c = evaluator.config;
  const months = new Set<number>([c.securityTestMonths, c.trainingMonths, c.drillMonths, ...input.registers.drills.flatMap((d) => (d.validMonths ? [d.validMonths] : []))]);
  for (const m of [c.referenceCheckMonths, c.identityCheckMonths, c.backgroundCheckMonths, c.acknowledgementMonths]) if (m !== null) months.add(m);
  const recorded = new Set<IsoDate>();
  datesIn(input.registers, recorded);
  datesIn(input.links ?? [], recorded);
  datesIn([...(input.providerChecks?.values() ?? [])], recorded);
  const candidates = new Set<IsoDate>();
  for (const d of recorded) {
    candidates.add(d);
    candidates.add(addDays(d, 1));
    for (const m of months) candidates.add(addMonths(d, m));
  }
  const days = [...candidates].filter((d) => d > from && d <= to).sort();
  const first = evaluator.at(from);
  const out: TimelinePoint[] = [point(first, undefined)];
  let previous = first;
  for (const d of days) {
    const current = evaluator.at(d);
    const p = point(current, previous);
    if (p.events.length > 0) out.push(p);
    previous = current;
  }
  return out;
}
