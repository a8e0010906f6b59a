/**
 * Carries an assessment to another edition through a crosswalk (SCORING.md "Crosswalks").
 * An answer is carried only when it still holds in the target:
 *   - from an `equivalent` requirement, any status is carried as is;
 *   - from a `superset` requirement (the source asked for more), a satisfied status is carried;
 *   - from a `subset` requirement (the source asked for less), `not_in_place` is carried: if the
 *     weaker requirement was not met, the stronger one is not met either;
 *   - when several such sources disagree, or only `subset`/`related` sources exist, or the target
 *     is `new`, the target is left `not_assessed` and listed for re-assessment with the reason.
 */
import { allRequirements, mappingsFrom, mappingsTo, type Crosswalk, type Edition, type Relation } from '@keygrade/catalog';
import { STATUS_RULES, type Status } from '@keygrade/scoring';
import { Document } from 'yaml';
import type { Assessment, ResolvedAnswer } from './parse-assessment.js';
import { assessmentHeader } from './edit-assessment.js';
import type { AnswerEntry } from './schema.js';

export interface Carried {
  to: string;
  from: string[];
  relation: Relation;
  status: Status;
}
export interface Reassess {
  to: string;
  reason: string;
  from: { id: string; relation: Relation; status: Status }[];
}
export interface Dropped {
  from: string;
  status: Status;
}
export interface MigrationPlan {
  from: string;
  to: string;
  carried: Carried[];
  reassess: Reassess[];
  dropped: Dropped[];
  answers: Map<string, AnswerEntry>;
}

/** Plans the migration of an assessment's answers to the target edition. */
export function planMigration(assessment: Assessment, crosswalk: Crosswalk, target: Edition): MigrationPlan {
  const statusOf = (id: string): Status => assessment.answers.get(id)?.status ?? 'not_assessed';
  const carried: Carried[] = [];
  const reassess: Reassess[] = [];
  const answers = new Map<string, AnswerEntry>();

  for (const req of allRequirements(target)) {
    const incoming = mappingsTo(crosswalk, req.id).filter((m) => m.relation !== 'new' && m.from);
    const sources = incoming.map((m) => ({ id: m.from!, relation: m.relation, status: statusOf(m.from!) }));
    if (incoming.length === 0) {
      reassess.push({ to: req.id, reason: `new in ${target.id}`, from: [] });
      continue;
    }
    const usable = sources.filter(
      (s) =>
        s.status !== 'not_assessed' &&
        (s.relation === 'equivalent' || (s.relation === 'superset' && STATUS_RULES[s.status].satisfied) || (s.relation === 'subset' && s.status === 'not_in_place')),
    );
    const statuses = new Set(usable.map((s) => s.status));
    if (usable.length > 0 && statuses.size === 1) {
      const first = usable[0]!;
      const answer = assessment.answers.get(first.id)!;
      const relation: Relation = usable.every((s) => s.relation === usable[0]!.relation) ? usable[0]!.relation : 'related';
      carried.push({ to: req.id, from: usable.map((s) => s.id), relation, status: first.status });
      answers.set(req.id, carriedEntry(answer, usable.map((s) => s.id), assessment.edition.id, relation));
      continue;
    }
    const reason =
      statuses.size > 1
        ? `its ${assessment.edition.id} counterparts disagree (${usable.map((s) => `${s.id}: ${s.status}`).join(', ')})`
        : sources.every((s) => s.status === 'not_assessed')
          ? `its ${assessment.edition.id} counterparts were not assessed`
          : `only partly covered by ${sources.map((s) => `${s.id} (${s.relation}, ${s.status})`).join(', ')}`;
    reassess.push({ to: req.id, reason, from: sources });
    const known = sources.filter((s) => s.status !== 'not_assessed');
    if (known.length > 0) {
      answers.set(req.id, { status: 'not_assessed', note: `Re-assess: ${reason}.` });
    }
  }
  const dropped: Dropped[] = allRequirements(assessment.edition)
    .filter((r) => mappingsFrom(crosswalk, r.id).every((m) => m.relation === 'removed'))
    .map((r) => ({ from: r.id, status: statusOf(r.id) }));
  return { from: assessment.edition.id, to: target.id, carried, reassess, dropped, answers };
}

function carriedEntry(answer: ResolvedAnswer, from: string[], edition: string, relation: string): AnswerEntry {
  const origin = `Carried from ${edition} ${from.join(', ')} (${relation}).`;
  return {
    status: answer.status,
    note: answer.note ? `${answer.note}\n${origin}` : origin,
    ...(answer.comparable_control ? { comparable_control: answer.comparable_control } : {}),
    ...(answer.relies_on ? { relies_on: answer.relies_on } : {}),
    ...(answer.justification ? { justification: answer.justification } : {}),
    ...(answer.evidence ? { evidence: answer.evidence } : {}),
  };
}

/** The text of the migrated assessment file. */
export function migratedText(assessment: Assessment, plan: MigrationPlan, at: string): string {
  const { meta } = assessment;
  const doc = new Document({
    ...assessmentHeader(plan.to, { ...meta, assessedAt: at }),
    migrated_from: { edition: plan.from, at, file: assessment.file },
    answers: Object.fromEntries(plan.answers),
  });
  doc.commentBefore = ` Migrated by \`keygrade migrate\` from ${plan.from}: ${plan.carried.length} answers carried, ${plan.reassess.length} requirements to re-assess, ${plan.dropped.length} ${plan.from} requirements dropped.`;
  return doc.toString({ lineWidth: 0 });
}
