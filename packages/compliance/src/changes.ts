/**
 * Change events between two evaluations of the same assessment: the system or an aspect level
 * dropped or recovered, a requirement lapsed (its evidence stopped holding and its answer fell back)
 * or was restored. Each event carries a sentence for a notification and the ids for an audit log.
 */
import { roman, type Level, type LevelOrZero } from '@keygrade/catalog';
import type { Status } from '@keygrade/scoring';
import type { IsoDate } from './dates.js';
import { ComplianceError } from './errors.js';
import type { Evaluation, RequirementEvaluation } from './evaluate.js';

interface EventBase {
  /** The day of the current evaluation. */
  at: IsoDate;
  /** The day of the previous evaluation. */
  previousAt: IsoDate;
  edition: string;
  /** One sentence with the reason, for a notification or an audit-log entry. */
  message: string;
}

/** The system level or an aspect level changed. */
export interface LevelEvent extends EventBase {
  type: 'level_dropped' | 'level_recovered';
  scope: 'system' | 'aspect';
  /** The aspect, when scope is `aspect`. */
  aspectId?: string;
  from: LevelOrZero;
  to: LevelOrZero;
  /** Requirements (in scope) that lapsed or were restored between the two evaluations. */
  requirements: string[];
}

/** A requirement's evidence stopped holding (lapsed) or holds again (restored). */
export interface RequirementEvent extends EventBase {
  type: 'requirement_lapsed' | 'requirement_restored';
  requirementId: string;
  aspectId: string;
  level: Level;
  /** The status in the assessment, which the requirement falls back from or returns to. */
  answered: Status;
  /** The sources that lapsed (lapsed) or hold now (restored). */
  sources: string[];
}

export type ChangeEvent = LevelEvent | RequirementEvent;
export type ChangeEventType = ChangeEvent['type'];

const name = (l: LevelOrZero) => (l === 0 ? 'uncertified' : `Level ${roman(l)}`);

function lapsedSources(r: RequirementEvaluation): string[] {
  return r.sources.filter((s) => !s.valid).map((s) => s.ref);
}

/**
 * The events from `previous` to `current`, system level first, then aspects, then requirements in
 * catalog order. Throws COMPLIANCE_EDITION_MISMATCH when the two are of different editions.
 * @example changeEvents(evaluator.at('2027-03-09'), evaluator.at('2027-03-10'))
 */
export function changeEvents(previous: Evaluation, current: Evaluation): ChangeEvent[] {
  if (previous.edition !== current.edition) {
    throw new ComplianceError('COMPLIANCE_EDITION_MISMATCH', `cannot compare an evaluation of ${previous.edition} with one of ${current.edition}`);
  }
  const base = { at: current.at, previousAt: previous.at, edition: current.edition };
  const before = new Map(previous.requirements.map((r) => [r.id, r]));
  const reqEvents: RequirementEvent[] = [];
  for (const r of current.requirements) {
    const p = before.get(r.id);
    if (!p) continue;
    const common = { ...base, requirementId: r.id, aspectId: r.aspectId, level: r.level, answered: r.answered };
    if (!p.fellBack && r.fellBack) {
      reqEvents.push({ ...common, type: 'requirement_lapsed', sources: lapsedSources(r), message: `${r.id} lapsed on ${current.at}: ${r.reason ?? ''}` });
    } else if (p.fellBack && !r.fellBack && r.evidence === 'valid') {
      const holding = r.sources.filter((s) => s.valid);
      const until = r.validUntil === null || r.validUntil === undefined ? 'with no end date' : `until ${r.validUntil}`;
      reqEvents.push({
        ...common,
        type: 'requirement_restored',
        sources: holding.map((s) => s.ref),
        message: `${r.id} restored on ${current.at}: ${r.answered} holds again, ${until}, on ${holding.map((s) => `${s.ref} (${s.reason})`).join('; ')}`,
      });
    }
  }
  const changed = (aspectId?: string) => reqEvents.filter((e) => aspectId === undefined || e.aspectId === aspectId);
  const levelEvent = (scope: 'system' | 'aspect', from: LevelOrZero, to: LevelOrZero, aspectId?: string): LevelEvent => {
    const related = changed(aspectId);
    const what = scope === 'system' ? 'System level' : `Aspect ${aspectId} level`;
    const verb = to < from ? 'dropped' : 'recovered';
    const because =
      related.length === 0
        ? 'the answers changed'
        : related.map((e) => `${e.requirementId} ${e.type === 'requirement_lapsed' ? 'lapsed' : 'restored'} (${e.sources.join(', ') || 'no source'})`).join('; ');
    return {
      ...base,
      type: to < from ? 'level_dropped' : 'level_recovered',
      scope,
      ...(aspectId ? { aspectId } : {}),
      from,
      to,
      requirements: related.map((e) => e.requirementId),
      message: `${what} ${verb} from ${name(from)} to ${name(to)} on ${current.at}: ${because}`,
    };
  };
  const events: ChangeEvent[] = [];
  if (previous.level !== current.level) events.push(levelEvent('system', previous.level, current.level));
  const prevAspects = new Map(previous.aspects.map((a) => [a.id, a.level]));
  for (const a of current.aspects) {
    const from = prevAspects.get(a.id);
    if (from !== undefined && from !== a.level) events.push(levelEvent('aspect', from, a.level, a.id));
  }
  events.push(...reqEvents);
  return events;
}
