/**
 * Storage of the public registry (issue 6): auditors' signing keys with their history,
 * certificates (the statement being signed, then the envelope), and lifecycle events. Every
 * change here is paired, in the same transaction, with an entry of the registry log
 * (`appendRegistryEntry`), whose index the rows keep so the public pages can prove inclusion.
 */
import type { Kysely, Selectable } from 'kysely';
import { canonicalJsonBytes } from '@keygrade/tlog';
import type { Database } from '../schema.js';
import { appendEntries } from '../log/append.js';
import type { CertificateTable } from './tables.js';

/** The registry log: issuances, state changes and auditor-key registrations. */
export const REGISTRY_LOG = 'keygrade-registry';

/**
 * Appends a registry event (RFC 8785 JSON `{ v: 1, kind, … }`) to the registry log and returns its
 * index. `data` is what a verifier recomputes: keep it free of anything not public.
 */
export async function appendRegistryEntry(trx: Kysely<Database>, kind: string, fields: Record<string, unknown>, who: { actor: string; at: Date }): Promise<number> {
  const ts = who.at.toISOString();
  const [r] = await appendEntries(trx, REGISTRY_LOG, [{ data: canonicalJsonBytes({ v: 1, kind, ...fields }), type: kind, actor: who.actor, ts }], ts);
  return r!.index;
}

// ---- auditor keys ----------------------------------------------------------------------------

export interface AuditorKey {
  keyid: string;
  userId: string;
  publicKey: string;
  label: string;
  addedAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  logIndex: number | null;
}

const keyFromRow = (r: Selectable<Database['auditor_key']>): AuditorKey => ({
  keyid: r.keyid,
  userId: r.user_id,
  publicKey: r.public_key,
  label: r.label,
  addedAt: r.added_at,
  revokedAt: r.revoked_at,
  revokedReason: r.revoked_reason,
  logIndex: r.log_index === null ? null : Number(r.log_index),
});

export async function addAuditorKey(trx: Kysely<Database>, k: Omit<AuditorKey, 'revokedAt' | 'revokedReason'>): Promise<void> {
  await trx.insertInto('auditor_key').values({ keyid: k.keyid, user_id: k.userId, public_key: k.publicKey, label: k.label, added_at: k.addedAt, revoked_at: null, revoked_reason: null, log_index: k.logIndex }).execute();
}

export async function getAuditorKey(k: Kysely<Database>, keyid: string): Promise<AuditorKey | undefined> {
  const r = await k.selectFrom('auditor_key').selectAll().where('keyid', '=', keyid).executeTakeFirst();
  return r ? keyFromRow(r) : undefined;
}

/** Keys of one auditor, or of every auditor, oldest first (revoked ones included: the history). */
export async function listAuditorKeys(k: Kysely<Database>, userId?: string): Promise<AuditorKey[]> {
  let q = k.selectFrom('auditor_key').selectAll();
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return (await q.orderBy('added_at').orderBy('keyid').execute()).map(keyFromRow);
}

export async function revokeAuditorKey(trx: Kysely<Database>, keyid: string, at: string, reason: string): Promise<boolean> {
  const r = await trx.updateTable('auditor_key').set({ revoked_at: at, revoked_reason: reason }).where('keyid', '=', keyid).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---- certificates ----------------------------------------------------------------------------

export interface CertificateRow {
  id: string;
  engagementId: string;
  orgId: string;
  systemId: string;
  organizationName: string;
  systemName: string;
  edition: string;
  level: number;
  auditorFirm: string;
  issuedAt: string;
  validUntil: string;
  statement: string;
  reportSha256: string;
  signatures: { keyid: string; sig: string }[];
  envelope: string | null;
  certificateSha256: string | null;
  logIndex: number | null;
  supersedes: string | null;
  published: boolean;
  createdAt: string;
  createdBy: string;
}

const certFromRow = (r: Selectable<CertificateTable>): CertificateRow => ({
  id: r.id,
  engagementId: r.engagement_id,
  orgId: r.org_id,
  systemId: r.system_id,
  organizationName: r.organization_name,
  systemName: r.system_name,
  edition: r.edition,
  level: Number(r.level),
  auditorFirm: r.auditor_firm,
  issuedAt: r.issued_at,
  validUntil: r.valid_until,
  statement: r.statement,
  reportSha256: r.report_sha256,
  signatures: JSON.parse(r.signatures) as { keyid: string; sig: string }[],
  envelope: r.envelope,
  certificateSha256: r.certificate_sha256,
  logIndex: r.log_index === null ? null : Number(r.log_index),
  supersedes: r.supersedes,
  published: Number(r.published) === 1,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export type NewCertificate = Omit<CertificateRow, 'signatures' | 'envelope' | 'certificateSha256' | 'logIndex' | 'published'>;

export async function createCertificateRow(trx: Kysely<Database>, c: NewCertificate): Promise<void> {
  await trx
    .insertInto('certificate')
    .values({
      id: c.id,
      engagement_id: c.engagementId,
      org_id: c.orgId,
      system_id: c.systemId,
      organization_name: c.organizationName,
      system_name: c.systemName,
      edition: c.edition,
      level: c.level,
      auditor_firm: c.auditorFirm,
      issued_at: c.issuedAt,
      valid_until: c.validUntil,
      statement: c.statement,
      report_sha256: c.reportSha256,
      signatures: '[]',
      envelope: null,
      certificate_sha256: null,
      log_index: null,
      supersedes: c.supersedes,
      published: 0,
      created_at: c.createdAt,
      created_by: c.createdBy,
    })
    .execute();
}

export async function getCertificate(k: Kysely<Database>, id: string): Promise<CertificateRow | undefined> {
  const r = await k.selectFrom('certificate').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? certFromRow(r) : undefined;
}

export async function certificateOfEngagement(k: Kysely<Database>, engagementId: string): Promise<CertificateRow | undefined> {
  const r = await k.selectFrom('certificate').selectAll().where('engagement_id', '=', engagementId).executeTakeFirst();
  return r ? certFromRow(r) : undefined;
}

export async function setCertificateSignatures(trx: Kysely<Database>, id: string, signatures: readonly { keyid: string; sig: string }[]): Promise<void> {
  await trx.updateTable('certificate').set({ signatures: JSON.stringify(signatures) }).where('id', '=', id).where('published', '=', 0).execute();
}

/** Marks a certificate issued: its envelope, content address and registry-log index. */
export async function publishCertificate(trx: Kysely<Database>, id: string, p: { envelope: string; certificateSha256: string; logIndex: number }): Promise<void> {
  await trx.updateTable('certificate').set({ envelope: p.envelope, certificate_sha256: p.certificateSha256, log_index: p.logIndex, published: 1 }).where('id', '=', id).execute();
}

/** Published certificates, newest first, filtered by system, organization or system name (case-insensitive substring) and level. */
export async function listPublishedCertificates(k: Kysely<Database>, f: { systemId?: string; orgId?: string; q?: string; level?: number; limit?: number } = {}): Promise<CertificateRow[]> {
  let q = k.selectFrom('certificate').selectAll().where('published', '=', 1);
  if (f.systemId) q = q.where('system_id', '=', f.systemId);
  if (f.orgId) q = q.where('org_id', '=', f.orgId);
  if (f.level !== undefined) q = q.where('level', '=', f.level);
  const rows = (await q.orderBy('issued_at', 'desc').orderBy('id').limit(f.limit ?? 500).execute()).map(certFromRow);
  const needle = f.q?.trim().toLowerCase();
  return needle ? rows.filter((r) => r.organizationName.toLowerCase().includes(needle) || r.systemName.toLowerCase().includes(needle)) : rows;
}

// ---- lifecycle events ------------------------------------------------------------------------

export interface CertificateEventRow {
  certificateId: string;
  type: 'issued' | 'suspended' | 'reinstated' | 'revoked';
  at: string;
  reason: string | null;
  supersedes: string | null;
  validUntil: string | null;
  logIndex: number;
  actor: string;
}

export async function addCertificateEvent(trx: Kysely<Database>, e: CertificateEventRow): Promise<void> {
  await trx
    .insertInto('certificate_event')
    .values({ certificate_id: e.certificateId, type: e.type, at: e.at, reason: e.reason, supersedes: e.supersedes, valid_until: e.validUntil, log_index: e.logIndex, actor: e.actor })
    .execute();
}

/** Every lifecycle event in time order (then log order): the order the lifecycle replays them. */
export async function certificateEvents(k: Kysely<Database>): Promise<CertificateEventRow[]> {
  const rows = await k.selectFrom('certificate_event').selectAll().orderBy('at').orderBy('log_index').execute();
  return rows.map((r) => ({ certificateId: r.certificate_id, type: r.type as CertificateEventRow['type'], at: r.at, reason: r.reason, supersedes: r.supersedes, validUntil: r.valid_until, logIndex: Number(r.log_index), actor: r.actor }));
}
