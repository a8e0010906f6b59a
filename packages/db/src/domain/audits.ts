/**
 * Storage of CCSS audits (issue 5): the auditor registry, engagements and their members, the test
 * record of each requirement (optimistic concurrency like answers), typed records (information
 * produced by the entity, samples, remediation items) and the append-only peer-review threads.
 * The rules themselves live in @keygrade/audit; the server calls them before writing here.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { VersionConflict } from './errors.js';
import type { By } from './systems.js';
import type { EngagementRecordTable, EngagementTable, EngagementTestTable } from './tables.js';

// ---- auditors --------------------------------------------------------------------------------

export interface AuditorRecord {
  userId: string;
  email: string;
  name: string;
  firmId: string;
  firmName: string;
  accreditedFrom: string;
  accreditedUntil: string;
}

export interface AuditorFields {
  firmId: string;
  firmName: string;
  accreditedFrom: string;
  accreditedUntil: string;
}

/** Registers an accredited auditor, or updates the firm and accreditation dates of one. */
export async function putAuditor(k: Kysely<Database>, userId: string, f: AuditorFields, who: By): Promise<void> {
  const values = { firm_id: f.firmId, firm_name: f.firmName, accredited_from: f.accreditedFrom, accredited_until: f.accreditedUntil };
  const updated = await k.updateTable('auditor').set(values).where('user_id', '=', userId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await k.insertInto('auditor').values({ user_id: userId, ...values, created_at: who.at.toISOString(), created_by: who.actor }).execute();
}

const auditorColumns = ['auditor.user_id', 'auditor.firm_id', 'auditor.firm_name', 'auditor.accredited_from', 'auditor.accredited_until', 'app_user.email', 'app_user.name'] as const;

function auditorFromRow(r: { user_id: string; firm_id: string; firm_name: string; accredited_from: string; accredited_until: string; email: string; name: string }): AuditorRecord {
  return { userId: r.user_id, email: r.email, name: r.name, firmId: r.firm_id, firmName: r.firm_name, accreditedFrom: r.accredited_from, accreditedUntil: r.accredited_until };
}

export async function getAuditor(k: Kysely<Database>, userId: string): Promise<AuditorRecord | undefined> {
  const r = await k.selectFrom('auditor').innerJoin('app_user', 'app_user.id', 'auditor.user_id').select(auditorColumns).where('auditor.user_id', '=', userId).executeTakeFirst();
  return r ? auditorFromRow(r) : undefined;
}

export async function findAuditorByEmail(k: Kysely<Database>, email: string): Promise<AuditorRecord | undefined> {
  const r = await k.selectFrom('auditor').innerJoin('app_user', 'app_user.id', 'auditor.user_id').select(auditorColumns).where('app_user.email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return r ? auditorFromRow(r) : undefined;
}

export async function listAuditors(k: Kysely<Database>): Promise<AuditorRecord[]> {
  const rows = await k.selectFrom('auditor').innerJoin('app_user', 'app_user.id', 'auditor.user_id').select(auditorColumns).orderBy('auditor.firm_name').orderBy('app_user.email').execute();
  return rows.map(auditorFromRow);
}

// ---- engagements -----------------------------------------------------------------------------

export type EngagementStatus = 'planning' | 'fieldwork' | 'in_review' | 'reviewed' | 'signed_off';
export type EngagementRole = 'lead_auditor' | 'auditor' | 'peer_reviewer';

export interface EngagementRow {
  id: string;
  orgId: string;
  systemId: string;
  type: string;
  edition: string;
  status: EngagementStatus;
  /** The engagement document as packages/audit validates it. */
  doc: unknown;
  sourceAssessmentId: string | null;
  followsId: string | null;
  holidays: string[];
  reviewAssignedOn: string | null;
  queriesRaisedOn: string | null;
  reviewerSignedOffAt: string | null;
  signedOffAt: string | null;
  conclusion: unknown;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

function engagementFromRow(r: Selectable<EngagementTable>): EngagementRow {
  return {
    id: r.id,
    orgId: r.org_id,
    systemId: r.system_id,
    type: r.type,
    edition: r.edition,
    status: r.status as EngagementStatus,
    doc: JSON.parse(r.doc) as unknown,
    sourceAssessmentId: r.source_assessment_id,
    followsId: r.follows_id,
    holidays: JSON.parse(r.holidays) as string[],
    reviewAssignedOn: r.review_assigned_on,
    queriesRaisedOn: r.queries_raised_on,
    reviewerSignedOffAt: r.reviewer_signed_off_at,
    signedOffAt: r.signed_off_at,
    conclusion: r.conclusion === null ? null : (JSON.parse(r.conclusion) as unknown),
    version: Number(r.version),
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  };
}

export interface NewEngagement {
  orgId: string;
  systemId: string;
  type: string;
  edition: string;
  doc: unknown;
  sourceAssessmentId?: string | null | undefined;
  followsId?: string | null | undefined;
  holidays?: string[] | undefined;
  leadAuditorId: string;
}

/** Creates an engagement in `planning` with its lead auditor as the first member. */
export async function createEngagement(k: Kysely<Database>, e: NewEngagement, who: By, id: string = randomUUID()): Promise<EngagementRow> {
  const at = who.at.toISOString();
  await k
    .insertInto('engagement')
    .values({
      id,
      org_id: e.orgId,
      system_id: e.systemId,
      type: e.type,
      edition: e.edition,
      status: 'planning',
      doc: JSON.stringify(e.doc),
      source_assessment_id: e.sourceAssessmentId ?? null,
      follows_id: e.followsId ?? null,
      holidays: JSON.stringify(e.holidays ?? []),
      review_assigned_on: null,
      queries_raised_on: null,
      reviewer_signed_off_at: null,
      signed_off_at: null,
      conclusion: null,
      version: 1,
      created_at: at,
      created_by: who.actor,
      updated_at: at,
    })
    .execute();
  await k.insertInto('engagement_member').values({ engagement_id: id, user_id: e.leadAuditorId, role: 'lead_auditor', active: 1, added_at: at, added_by: who.actor }).execute();
  return (await getEngagement(k, id))!;
}

export async function getEngagement(k: Kysely<Database>, id: string): Promise<EngagementRow | undefined> {
  const r = await k.selectFrom('engagement').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? engagementFromRow(r) : undefined;
}

export async function listOrgEngagements(k: Kysely<Database>, orgId: string): Promise<EngagementRow[]> {
  const rows = await k.selectFrom('engagement').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').execute();
  return rows.map(engagementFromRow);
}

/** Engagements where the user is an active auditor or reviewer, with the roles held. */
export async function listUserEngagements(k: Kysely<Database>, userId: string): Promise<(EngagementRow & { roles: EngagementRole[] })[]> {
  const members = await k.selectFrom('engagement_member').select(['engagement_id', 'role']).where('user_id', '=', userId).where('active', '=', 1).execute();
  const ids = [...new Set(members.map((m) => m.engagement_id))];
  if (ids.length === 0) return [];
  const rows = await k.selectFrom('engagement').selectAll().where('id', 'in', ids).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ ...engagementFromRow(r), roles: members.filter((m) => m.engagement_id === r.id).map((m) => m.role as EngagementRole) }));
}

export type EngagementPatch = Partial<{
  status: EngagementStatus;
  doc: unknown;
  holidays: string[];
  reviewAssignedOn: string | null;
  queriesRaisedOn: string | null;
  reviewerSignedOffAt: string | null;
  signedOffAt: string | null;
  conclusion: unknown;
}>;

/** Changes an engagement if it is still at `version` (409 VersionConflict otherwise); raises the version. */
export async function updateEngagement(k: Kysely<Database>, id: string, version: number, patch: EngagementPatch, who: By): Promise<EngagementRow> {
  const set: Partial<Selectable<EngagementTable>> = { updated_at: who.at.toISOString(), version: version + 1 };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.doc !== undefined) set.doc = JSON.stringify(patch.doc);
  if (patch.holidays !== undefined) set.holidays = JSON.stringify(patch.holidays);
  if (patch.reviewAssignedOn !== undefined) set.review_assigned_on = patch.reviewAssignedOn;
  if (patch.queriesRaisedOn !== undefined) set.queries_raised_on = patch.queriesRaisedOn;
  if (patch.reviewerSignedOffAt !== undefined) set.reviewer_signed_off_at = patch.reviewerSignedOffAt;
  if (patch.signedOffAt !== undefined) set.signed_off_at = patch.signedOffAt;
  if (patch.conclusion !== undefined) set.conclusion = patch.conclusion === null ? null : JSON.stringify(patch.conclusion);
  const r = await k.updateTable('engagement').set(set).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    const current = await getEngagement(k, id);
    throw new VersionConflict(`the engagement changed since version ${version} (it is at version ${current?.version ?? '?'}); reload it and try again`, current);
  }
  return (await getEngagement(k, id))!;
}

// ---- members ---------------------------------------------------------------------------------

export interface EngagementMember {
  userId: string;
  email: string;
  name: string;
  role: EngagementRole;
  active: boolean;
  addedAt: string;
  firmId: string | null;
  firmName: string | null;
}

export async function engagementMembers(k: Kysely<Database>, engagementId: string): Promise<EngagementMember[]> {
  const rows = await k
    .selectFrom('engagement_member')
    .innerJoin('app_user', 'app_user.id', 'engagement_member.user_id')
    .leftJoin('auditor', 'auditor.user_id', 'engagement_member.user_id')
    .select(['engagement_member.user_id', 'engagement_member.role', 'engagement_member.active', 'engagement_member.added_at', 'app_user.email', 'app_user.name', 'auditor.firm_id', 'auditor.firm_name'])
    .where('engagement_member.engagement_id', '=', engagementId)
    .orderBy('engagement_member.added_at')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, email: r.email, name: r.name, role: r.role as EngagementRole, active: Number(r.active) === 1, addedAt: r.added_at, firmId: r.firm_id, firmName: r.firm_name }));
}

/** The active engagement roles of a user. */
export async function engagementRolesOf(k: Kysely<Database>, engagementId: string, userId: string): Promise<EngagementRole[]> {
  const rows = await k.selectFrom('engagement_member').select('role').where('engagement_id', '=', engagementId).where('user_id', '=', userId).where('active', '=', 1).execute();
  return rows.map((r) => r.role as EngagementRole);
}

export async function addEngagementMember(k: Kysely<Database>, engagementId: string, userId: string, role: EngagementRole, who: By): Promise<void> {
  const updated = await k.updateTable('engagement_member').set({ active: 1 }).where('engagement_id', '=', engagementId).where('user_id', '=', userId).where('role', '=', role).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await k.insertInto('engagement_member').values({ engagement_id: engagementId, user_id: userId, role, active: 1, added_at: who.at.toISOString(), added_by: who.actor }).execute();
  }
}

/** Deactivates a member (kept for the record: a replaced reviewer stays visible as such). */
export async function removeEngagementMember(k: Kysely<Database>, engagementId: string, userId: string, role: EngagementRole): Promise<boolean> {
  const r = await k.updateTable('engagement_member').set({ active: 0 }).where('engagement_id', '=', engagementId).where('user_id', '=', userId).where('role', '=', role).where('active', '=', 1).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Signed-off engagements of a system with their peer reviewers, for the reviewer-rotation rule. */
export async function priorAuditsOf(k: Kysely<Database>, systemId: string, exceptId: string): Promise<{ auditId: string; systemId: string; periodEnd: string; peerReviewerId?: string }[]> {
  const rows = await k.selectFrom('engagement').select(['id', 'doc']).where('system_id', '=', systemId).where('status', '=', 'signed_off').where('type', '=', 'certification').where('id', '!=', exceptId).execute();
  const out: { auditId: string; systemId: string; periodEnd: string; peerReviewerId?: string }[] = [];
  for (const r of rows) {
    const doc = JSON.parse(r.doc) as { period: { end: string }; peerReviewer?: { id: string } };
    out.push({ auditId: r.id, systemId, periodEnd: doc.period.end, ...(doc.peerReviewer ? { peerReviewerId: doc.peerReviewer.id } : {}) });
  }
  return out;
}

// ---- tests per requirement -------------------------------------------------------------------

export interface TechniqueRecord {
  technique: string;
  notes?: string | undefined;
  evidenceIds?: string[] | undefined;
}

export interface TestRecord {
  requirementId: string;
  claimed: { status: string; note?: string | null } | null;
  techniques: TechniqueRecord[];
  status: string | null;
  comparableControl: string | null;
  reliesOn: string | null;
  justification: string | null;
  rationale: string | null;
  auditorNotes: string | null;
  evidenceIds: string[];
  version: number;
  updatedAt: string;
  updatedBy: string;
}

function testFromRow(r: Selectable<EngagementTestTable>): TestRecord {
  return {
    requirementId: r.requirement_id,
    claimed: r.claimed === null ? null : (JSON.parse(r.claimed) as TestRecord['claimed']),
    techniques: JSON.parse(r.techniques) as TechniqueRecord[],
    status: r.status,
    comparableControl: r.comparable_control,
    reliesOn: r.relies_on,
    justification: r.justification,
    rationale: r.rationale,
    auditorNotes: r.auditor_notes,
    evidenceIds: JSON.parse(r.evidence_ids) as string[],
    version: Number(r.version),
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

export async function getTests(k: Kysely<Database>, engagementId: string): Promise<TestRecord[]> {
  const rows = await k.selectFrom('engagement_test').selectAll().where('engagement_id', '=', engagementId).orderBy('requirement_id').execute();
  return rows.map(testFromRow);
}

export async function getTest(k: Kysely<Database>, engagementId: string, requirementId: string): Promise<TestRecord | undefined> {
  const r = await k.selectFrom('engagement_test').selectAll().where('engagement_id', '=', engagementId).where('requirement_id', '=', requirementId).executeTakeFirst();
  return r ? testFromRow(r) : undefined;
}

/** Seeds the test records from the auditee's self-assessed answers (version 0: nothing tested yet). */
export async function seedTests(k: Kysely<Database>, engagementId: string, claims: { requirementId: string; status: string; note: string | null }[], who: By): Promise<void> {
  const at = who.at.toISOString();
  for (let i = 0; i < claims.length; i += 200) {
    const chunk = claims.slice(i, i + 200);
    if (chunk.length === 0) continue;
    await k
      .insertInto('engagement_test')
      .values(
        chunk.map((c) => ({
          engagement_id: engagementId,
          requirement_id: c.requirementId,
          claimed: JSON.stringify({ status: c.status, ...(c.note ? { note: c.note } : {}) }),
          techniques: '[]',
          status: null,
          comparable_control: null,
          relies_on: null,
          justification: null,
          rationale: null,
          auditor_notes: null,
          evidence_ids: '[]',
          version: 0,
          updated_at: at,
          updated_by: who.actor,
        })),
      )
      .execute();
  }
}

export interface TestFields {
  techniques: TechniqueRecord[];
  status: string | null;
  comparableControl?: string | null | undefined;
  reliesOn?: string | null | undefined;
  justification?: string | null | undefined;
  rationale?: string | null | undefined;
  auditorNotes?: string | null | undefined;
  evidenceIds?: string[] | undefined;
}

/** Writes the test of a requirement if it is still at `version` (0 = never written); 409 otherwise. */
export async function putTest(k: Kysely<Database>, engagementId: string, requirementId: string, f: TestFields, version: number, who: By): Promise<TestRecord> {
  const values = {
    techniques: JSON.stringify(f.techniques),
    status: f.status,
    comparable_control: f.comparableControl ?? null,
    relies_on: f.reliesOn ?? null,
    justification: f.justification ?? null,
    rationale: f.rationale ?? null,
    auditor_notes: f.auditorNotes ?? null,
    evidence_ids: JSON.stringify(f.evidenceIds ?? []),
    version: version + 1,
    updated_at: who.at.toISOString(),
    updated_by: who.actor,
  };
  const current = await getTest(k, engagementId, requirementId);
  const conflict = () => new VersionConflict(`the test of ${requirementId} changed since version ${version} (it is at version ${current?.version ?? 0}); reload it and try again`, current ?? null);
  if (!current) {
    if (version !== 0) throw conflict();
    await k.insertInto('engagement_test').values({ engagement_id: engagementId, requirement_id: requirementId, claimed: null, ...values }).execute();
  } else {
    const r = await k.updateTable('engagement_test').set(values).where('engagement_id', '=', engagementId).where('requirement_id', '=', requirementId).where('version', '=', version).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw conflict();
  }
  return (await getTest(k, engagementId, requirementId))!;
}

// ---- records: IPE, samples, remediation ------------------------------------------------------

export type EngagementRecordKind = 'ipe' | 'sample' | 'remediation';

export interface EngagementRecord<B = unknown> {
  id: string;
  kind: EngagementRecordKind;
  requirementId: string | null;
  body: B;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

function recordFromRow<B>(r: Selectable<EngagementRecordTable>): EngagementRecord<B> {
  return { id: r.id, kind: r.kind as EngagementRecordKind, requirementId: r.requirement_id, body: JSON.parse(r.body) as B, version: Number(r.version), createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at };
}

export async function addRecord<B>(k: Kysely<Database>, engagementId: string, kind: EngagementRecordKind, requirementId: string | null, body: B, who: By): Promise<EngagementRecord<B>> {
  const at = who.at.toISOString();
  const id = randomUUID();
  await k.insertInto('engagement_record').values({ id, engagement_id: engagementId, kind, requirement_id: requirementId, body: JSON.stringify(body), version: 1, created_at: at, created_by: who.actor, updated_at: at }).execute();
  return { id, kind, requirementId, body, version: 1, createdAt: at, createdBy: who.actor, updatedAt: at };
}

export async function getRecord<B>(k: Kysely<Database>, engagementId: string, id: string, kind: EngagementRecordKind): Promise<EngagementRecord<B> | undefined> {
  const r = await k.selectFrom('engagement_record').selectAll().where('engagement_id', '=', engagementId).where('id', '=', id).where('kind', '=', kind).executeTakeFirst();
  return r ? recordFromRow<B>(r) : undefined;
}

export async function listRecords<B>(k: Kysely<Database>, engagementId: string, kind: EngagementRecordKind): Promise<EngagementRecord<B>[]> {
  const rows = await k.selectFrom('engagement_record').selectAll().where('engagement_id', '=', engagementId).where('kind', '=', kind).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => recordFromRow<B>(r));
}

export async function updateRecord<B>(k: Kysely<Database>, engagementId: string, id: string, kind: EngagementRecordKind, body: B, version: number, who: By): Promise<EngagementRecord<B>> {
  const r = await k
    .updateTable('engagement_record')
    .set({ body: JSON.stringify(body), version: version + 1, updated_at: who.at.toISOString() })
    .where('engagement_id', '=', engagementId)
    .where('id', '=', id)
    .where('kind', '=', kind)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    const current = await getRecord<B>(k, engagementId, id, kind);
    throw new VersionConflict(`the ${kind} record changed since version ${version} (it is at version ${current?.version ?? '?'}); reload it and try again`, current ?? null);
  }
  return (await getRecord<B>(k, engagementId, id, kind))!;
}

// ---- peer-review threads ---------------------------------------------------------------------

export interface ReviewMessage {
  id: number;
  threadId: string;
  requirementId: string;
  kind: 'open' | 'reply' | 'resolve';
  author: string;
  role: string;
  body: string;
  at: string;
}

export async function addReviewMessage(k: Kysely<Database>, engagementId: string, m: Omit<ReviewMessage, 'id' | 'at'>, who: By): Promise<void> {
  await k
    .insertInto('review_message')
    .values({ engagement_id: engagementId, thread_id: m.threadId, requirement_id: m.requirementId, kind: m.kind, author: m.author, role: m.role, body: m.body, at: who.at.toISOString() })
    .execute();
}

export async function reviewMessages(k: Kysely<Database>, engagementId: string): Promise<ReviewMessage[]> {
  const rows = await k.selectFrom('review_message').selectAll().where('engagement_id', '=', engagementId).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), threadId: r.thread_id, requirementId: r.requirement_id, kind: r.kind as ReviewMessage['kind'], author: r.author, role: r.role, body: r.body, at: r.at }));
}
