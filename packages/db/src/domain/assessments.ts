/**
 * Self-assessments of a system against an edition, the answer of each requirement with its full
 * history (append-only), optimistic concurrency on every answer, and the level over time.
 * Scoring itself happens above this layer (the server), which calls `recordLevel` in the same
 * transaction as the change that moved the level.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { VersionConflict } from './errors.js';
import type { By } from './systems.js';
import type { AnswerTable, AssessmentTable } from './tables.js';

export interface AssessmentRecord {
  id: string;
  systemId: string;
  orgId: string;
  edition: string;
  targetLevel: number | null;
  assessor: string | null;
  assessedAt: string;
  level: number;
  /** Raised with every change to the answers or evidence links. */
  revision: number;
  createdAt: string;
  createdBy: string;
}

/** An evidence reference as the assessment file writes it. */
export interface EvidenceRefRecord {
  path?: string;
  url?: string;
  sha256: string;
  description?: string;
}

export interface AnswerFields {
  status: string;
  note?: string | null | undefined;
  justification?: string | null | undefined;
  comparableControl?: string | null | undefined;
  reliesOn?: string | null | undefined;
  evidenceRefs?: EvidenceRefRecord[] | undefined;
}

export interface AnswerRecord {
  requirementId: string;
  status: string;
  note: string | null;
  justification: string | null;
  comparableControl: string | null;
  reliesOn: string | null;
  evidenceRefs: EvidenceRefRecord[];
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface HistoryRecord extends Omit<AnswerRecord, 'updatedAt' | 'updatedBy'> {
  at: string;
  by: string;
}

function assessmentFromRow(r: Selectable<AssessmentTable>): AssessmentRecord {
  return {
    id: r.id,
    systemId: r.system_id,
    orgId: r.org_id,
    edition: r.edition,
    targetLevel: r.target_level === null ? null : Number(r.target_level),
    assessor: r.assessor,
    assessedAt: r.assessed_at,
    level: Number(r.level),
    revision: Number(r.revision),
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function answerFromRow(r: Selectable<AnswerTable>): AnswerRecord {
  return {
    requirementId: r.requirement_id,
    status: r.status,
    note: r.note,
    justification: r.justification,
    comparableControl: r.comparable_control,
    reliesOn: r.relies_on,
    evidenceRefs: JSON.parse(r.evidence_refs) as EvidenceRefRecord[],
    version: Number(r.version),
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

export interface NewAssessment {
  systemId: string;
  orgId: string;
  edition: string;
  targetLevel?: number | null | undefined;
  assessor?: string | null | undefined;
  /** YYYY-MM-DD or ISO date-time; defaults to the creation date. */
  assessedAt?: string | undefined;
}

export async function createAssessment(k: Kysely<Database>, a: NewAssessment, who: By): Promise<AssessmentRecord> {
  const at = who.at.toISOString();
  const row = {
    id: randomUUID(),
    system_id: a.systemId,
    org_id: a.orgId,
    edition: a.edition,
    target_level: a.targetLevel ?? null,
    assessor: a.assessor ?? null,
    assessed_at: a.assessedAt ?? at.slice(0, 10),
    level: 0,
    revision: 0,
    created_at: at,
    created_by: who.actor,
  };
  await k.insertInto('assessment').values(row).execute();
  await k.insertInto('level_point').values({ assessment_id: row.id, at, level: 0 }).execute();
  return assessmentFromRow(row);
}

export async function getAssessment(k: Kysely<Database>, id: string): Promise<AssessmentRecord | undefined> {
  const r = await k.selectFrom('assessment').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? assessmentFromRow(r) : undefined;
}

/** An assessment with its system's name, in one query (the scorecard read). */
/**
 * An assessment with its system's name and, when `userId` is given, that user's role in the
 * assessment's organization (null: none) — one round trip where a read needs all three.
 */
export async function getAssessmentWithSystem(k: Kysely<Database>, id: string, userId?: string): Promise<(AssessmentRecord & { systemName: string; memberRole?: string | null }) | undefined> {
  const r = await k
    .selectFrom('assessment')
    .innerJoin('system', 'system.id', 'assessment.system_id')
    .leftJoin('membership', (j) => j.onRef('membership.org_id', '=', 'assessment.org_id').on('membership.user_id', '=', userId ?? ''))
    .selectAll('assessment')
    .select(['system.name as system_name', 'membership.role as member_role'])
    .where('assessment.id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  const { system_name, member_role, ...row } = r;
  return { ...assessmentFromRow(row), systemName: system_name, ...(userId !== undefined ? { memberRole: member_role } : {}) };
}

export async function listAssessments(k: Kysely<Database>, systemId: string): Promise<AssessmentRecord[]> {
  const rows = await k.selectFrom('assessment').selectAll().where('system_id', '=', systemId).orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map(assessmentFromRow);
}

/** The latest assessment of each of the given systems. */
export async function latestAssessments(k: Kysely<Database>, systemIds: readonly string[]): Promise<Map<string, AssessmentRecord>> {
  const out = new Map<string, AssessmentRecord>();
  if (systemIds.length === 0) return out;
  const rows = await k.selectFrom('assessment').selectAll().where('system_id', 'in', systemIds).orderBy('created_at').orderBy('id').execute();
  for (const r of rows) out.set(r.system_id, assessmentFromRow(r));
  return out;
}

export async function getAnswers(k: Kysely<Database>, assessmentId: string): Promise<AnswerRecord[]> {
  const rows = await k.selectFrom('answer').selectAll().where('assessment_id', '=', assessmentId).orderBy('requirement_id').execute();
  return rows.map(answerFromRow);
}

export async function getAnswer(k: Kysely<Database>, assessmentId: string, requirementId: string): Promise<AnswerRecord | undefined> {
  const r = await k.selectFrom('answer').selectAll().where('assessment_id', '=', assessmentId).where('requirement_id', '=', requirementId).executeTakeFirst();
  return r ? answerFromRow(r) : undefined;
}

/**
 * Writes one answer if it is still at `version` (0: not answered yet) and appends it to the
 * history. A stale version throws VersionConflict with the current answer and writes nothing.
 * Call inside a transaction (the server's `audited`), so the answer, its history, the level and
 * the audit entry commit together.
 */
export async function putAnswer(k: Kysely<Database>, assessmentId: string, requirementId: string, f: AnswerFields, version: number, who: By): Promise<AnswerRecord> {
  const at = who.at.toISOString();
  const fields = {
    status: f.status,
    note: f.note ?? null,
    justification: f.justification ?? null,
    comparable_control: f.comparableControl ?? null,
    relies_on: f.reliesOn ?? null,
    evidence_refs: JSON.stringify(f.evidenceRefs ?? []),
  };
  const conflict = async () => {
    const current = await getAnswer(k, assessmentId, requirementId);
    return new VersionConflict(`the answer to ${requirementId} was changed by someone else (now at version ${current?.version ?? 0}, you sent ${version})`, current ?? null);
  };
  if (version === 0) {
    // Insert only when absent; a concurrent first answer loses on the primary key.
    const r = await k
      .insertInto('answer')
      .values({ assessment_id: assessmentId, requirement_id: requirementId, ...fields, version: 1, updated_at: at, updated_by: who.actor })
      .onConflict((oc) => oc.columns(['assessment_id', 'requirement_id']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1) throw await conflict();
  } else {
    const r = await k
      .updateTable('answer')
      .set({ ...fields, version: version + 1, updated_at: at, updated_by: who.actor })
      .where('assessment_id', '=', assessmentId)
      .where('requirement_id', '=', requirementId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw await conflict();
  }
  await k.insertInto('answer_history').values({ assessment_id: assessmentId, requirement_id: requirementId, ...fields, version: version + 1, at, by: who.actor }).execute();
  await bumpRevision(k, assessmentId);
  return (await getAnswer(k, assessmentId, requirementId))!;
}

export async function answerHistory(k: Kysely<Database>, assessmentId: string, requirementId: string): Promise<HistoryRecord[]> {
  const rows = await k.selectFrom('answer_history').selectAll().where('assessment_id', '=', assessmentId).where('requirement_id', '=', requirementId).orderBy('version').execute();
  return rows.map((r) => {
    const { updatedAt, updatedBy, ...fields } = answerFromRow({ ...r, updated_at: r.at, updated_by: r.by });
    return { ...fields, at: updatedAt, by: updatedBy };
  });
}

/** Raises the assessment's revision (call in the transaction of the change). */
export async function bumpRevision(k: Kysely<Database>, assessmentId: string): Promise<void> {
  await k
    .updateTable('assessment')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', assessmentId)
    .execute();
}

/** Records the system level after a change; a point is added only when the level moved. */
export async function recordLevel(k: Kysely<Database>, assessmentId: string, level: number, at: Date): Promise<boolean> {
  const a = await k.selectFrom('assessment').select('level').where('id', '=', assessmentId).executeTakeFirst();
  if (!a || Number(a.level) === level) return false;
  await k.updateTable('assessment').set({ level }).where('id', '=', assessmentId).execute();
  await k.insertInto('level_point').values({ assessment_id: assessmentId, at: at.toISOString(), level }).execute();
  return true;
}

export async function levelPoints(k: Kysely<Database>, assessmentId: string): Promise<{ at: string; level: number }[]> {
  const rows = await k.selectFrom('level_point').select(['at', 'level']).where('assessment_id', '=', assessmentId).orderBy('id').execute();
  return rows.map((r) => ({ at: r.at, level: Number(r.level) }));
}
