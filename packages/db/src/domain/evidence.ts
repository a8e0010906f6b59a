/**
 * Evidence metadata (the file itself is stored content-addressed on disk by the server) and its
 * links to answers.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { bumpRevision } from './assessments.js';
import type { By } from './systems.js';
import type { EvidenceTable } from './tables.js';

export interface Evidence {
  id: string;
  orgId: string;
  sha256: string;
  size: number;
  contentType: string;
  filename: string;
  title: string;
  sourceSystem: string | null;
  tool: string | null;
  parameters: string | null;
  owner: string | null;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
}

export interface NewEvidence {
  orgId: string;
  sha256: string;
  size: number;
  contentType: string;
  filename: string;
  title: string;
  sourceSystem?: string | null | undefined;
  tool?: string | null | undefined;
  parameters?: string | null | undefined;
  owner?: string | null | undefined;
  expiresAt?: string | null | undefined;
}

function fromRow(r: Selectable<EvidenceTable>): Evidence {
  return {
    id: r.id,
    orgId: r.org_id,
    sha256: r.sha256,
    size: Number(r.size),
    contentType: r.content_type,
    filename: r.filename,
    title: r.title,
    sourceSystem: r.source_system,
    tool: r.tool,
    parameters: r.parameters,
    owner: r.owner,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

export async function createEvidence(k: Kysely<Database>, e: NewEvidence, who: By): Promise<Evidence> {
  const row = {
    id: randomUUID(),
    org_id: e.orgId,
    sha256: e.sha256,
    size: e.size,
    content_type: e.contentType,
    filename: e.filename,
    title: e.title,
    source_system: e.sourceSystem ?? null,
    tool: e.tool ?? null,
    parameters: e.parameters ?? null,
    owner: e.owner ?? null,
    expires_at: e.expiresAt ?? null,
    created_at: who.at.toISOString(),
    created_by: who.actor,
  };
  await k.insertInto('evidence').values(row).execute();
  return fromRow(row);
}

export async function getEvidence(k: Kysely<Database>, id: string): Promise<Evidence | undefined> {
  const r = await k.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

export async function listEvidence(k: Kysely<Database>, orgId: string): Promise<Evidence[]> {
  const rows = await k.selectFrom('evidence').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map(fromRow);
}

/** The evidence of an organization among `ids` (unknown or foreign ids are left out). */
export async function evidenceByIds(k: Kysely<Database>, orgId: string, ids: readonly string[]): Promise<Evidence[]> {
  const unique = [...new Set(ids)];
  const out: Evidence[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await k.selectFrom('evidence').selectAll().where('org_id', '=', orgId).where('id', 'in', unique.slice(i, i + 500)).execute();
    out.push(...rows.map(fromRow));
  }
  return out;
}

export async function findEvidenceBySha(k: Kysely<Database>, orgId: string, sha256: string): Promise<Evidence | undefined> {
  const r = await k.selectFrom('evidence').selectAll().where('org_id', '=', orgId).where('sha256', '=', sha256).orderBy('created_at').executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

/** Links evidence to an answer; linking twice is a no-op. Returns true when a link was added. */
export async function linkEvidence(k: Kysely<Database>, assessmentId: string, requirementId: string, evidenceId: string, who: By): Promise<boolean> {
  const r = await k
    .insertInto('answer_evidence')
    .values({ assessment_id: assessmentId, requirement_id: requirementId, evidence_id: evidenceId, linked_at: who.at.toISOString(), linked_by: who.actor })
    .onConflict((oc) => oc.columns(['assessment_id', 'requirement_id', 'evidence_id']).doNothing())
    .executeTakeFirst();
  const added = Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  if (added) await bumpRevision(k, assessmentId);
  return added;
}

export async function unlinkEvidence(k: Kysely<Database>, assessmentId: string, requirementId: string, evidenceId: string): Promise<boolean> {
  const r = await k.deleteFrom('answer_evidence').where('assessment_id', '=', assessmentId).where('requirement_id', '=', requirementId).where('evidence_id', '=', evidenceId).executeTakeFirst();
  const removed = Number(r.numDeletedRows) === 1;
  if (removed) await bumpRevision(k, assessmentId);
  return removed;
}

/** Evidence linked to the answers of an assessment, by requirement id. */
export async function linkedEvidence(k: Kysely<Database>, assessmentId: string): Promise<Map<string, Evidence[]>> {
  const rows = await k
    .selectFrom('answer_evidence')
    .innerJoin('evidence', 'evidence.id', 'answer_evidence.evidence_id')
    .selectAll('evidence')
    .select('answer_evidence.requirement_id')
    .where('answer_evidence.assessment_id', '=', assessmentId)
    .orderBy('answer_evidence.linked_at')
    .execute();
  const out = new Map<string, Evidence[]>();
  for (const r of rows) {
    const list = out.get(r.requirement_id) ?? [];
    list.push(fromRow(r));
    out.set(r.requirement_id, list);
  }
  return out;
}
