/**
 * Storage of continuous compliance (issue 10): register entries per organization with optimistic
 * concurrency and an append-only history of every version, validity settings, evidence links of
 * assessment requirements, the last persisted evaluation of each assessment, the reasons of every
 * change the monitor found, in-app notifications and the webhook of each organization (its secret is
 * sealed by the caller with the master key before it reaches this layer). The rules live in
 * @keygrade/compliance; the server validates before writing here, inside its `audited` transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { BaseError } from '@keygrade/errors';
import type { Database } from '../schema.js';
import { VersionConflict } from './errors.js';
import type { By } from './systems.js';
import type { ComplianceEntryTable, NotificationTable } from './tables.js';

export type ComplianceStoreErrorCode = 'COMPLIANCE_ENTRY_NOT_FOUND' | 'COMPLIANCE_ENTRY_EXISTS' | 'COMPLIANCE_LINK_NOT_FOUND' | 'WEBHOOK_NOT_FOUND';

/** Missing or duplicate compliance records. */
export class ComplianceStoreError extends BaseError<ComplianceStoreErrorCode> {}

// ---- register entries --------------------------------------------------------------------------

export interface ComplianceEntryRecord {
  register: string;
  /** The entry's own id (unique in its register). */
  id: string;
  /** The validated entry. */
  entry: Record<string, unknown>;
  version: number;
  retiredAt: string | null;
  retiredBy: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

function entryFromRow(r: Selectable<ComplianceEntryTable>): ComplianceEntryRecord {
  return {
    register: r.register,
    id: r.entry_id,
    entry: JSON.parse(r.body) as Record<string, unknown>,
    version: Number(r.version),
    retiredAt: r.retired_at,
    retiredBy: r.retired_by,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/** The entries of an organization (one register or all), in register then id order; retired ones only when asked. */
export async function listComplianceEntries(k: Kysely<Database>, orgId: string, opts: { register?: string; includeRetired?: boolean } = {}): Promise<ComplianceEntryRecord[]> {
  let q = k.selectFrom('compliance_entry').selectAll().where('org_id', '=', orgId);
  if (opts.register !== undefined) q = q.where('register', '=', opts.register);
  if (!opts.includeRetired) q = q.where('retired_at', 'is', null);
  const rows = await q.orderBy('register').orderBy('entry_id').execute();
  return rows.map(entryFromRow);
}

async function entryRow(k: Kysely<Database>, orgId: string, register: string, entryId: string) {
  return k.selectFrom('compliance_entry').selectAll().where('org_id', '=', orgId).where('register', '=', register).where('entry_id', '=', entryId).executeTakeFirst();
}

export async function getComplianceEntry(k: Kysely<Database>, orgId: string, register: string, entryId: string): Promise<ComplianceEntryRecord | undefined> {
  const r = await entryRow(k, orgId, register, entryId);
  return r ? entryFromRow(r) : undefined;
}

async function appendHistory(k: Kysely<Database>, uuid: string, orgId: string, register: string, entryId: string, version: number, body: string, retired: boolean, who: By): Promise<void> {
  await k
    .insertInto('compliance_entry_history')
    .values({ entry_uuid: uuid, org_id: orgId, register, entry_id: entryId, version, body, retired: retired ? 1 : 0, at: who.at.toISOString(), by: who.actor })
    .execute();
}

/**
 * Adds an entry. An id that exists and is retired is brought back as a new version; an id in use
 * throws COMPLIANCE_ENTRY_EXISTS. Call inside the `audited` transaction.
 */
export async function createComplianceEntry(k: Kysely<Database>, orgId: string, register: string, entryId: string, entry: unknown, who: By): Promise<ComplianceEntryRecord> {
  const at = who.at.toISOString();
  const body = JSON.stringify(entry);
  const prior = await entryRow(k, orgId, register, entryId);
  if (prior && prior.retired_at === null) throw new ComplianceStoreError('COMPLIANCE_ENTRY_EXISTS', `${register} already has an entry ${entryId}; change it with its version instead`, { problems: [{ path: 'id', message: `${entryId} is already used in ${register}` }] });
  if (prior) {
    const version = Number(prior.version) + 1;
    const r = await k
      .updateTable('compliance_entry')
      .set({ body, version, retired_at: null, retired_by: null, updated_at: at, updated_by: who.actor })
      .where('id', '=', prior.id)
      .where('version', '=', prior.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new VersionConflict(`${register}/${entryId} was changed by someone else`, null);
    await appendHistory(k, prior.id, orgId, register, entryId, version, body, false, who);
    return (await getComplianceEntry(k, orgId, register, entryId))!;
  }
  const row = { id: randomUUID(), org_id: orgId, register, entry_id: entryId, body, version: 1, retired_at: null, retired_by: null, created_at: at, created_by: who.actor, updated_at: at, updated_by: who.actor };
  const r = await k
    .insertInto('compliance_entry')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'register', 'entry_id']).doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new ComplianceStoreError('COMPLIANCE_ENTRY_EXISTS', `${register} already has an entry ${entryId}`, { problems: [{ path: 'id', message: `${entryId} is already used in ${register}` }] });
  await appendHistory(k, row.id, orgId, register, entryId, 1, body, false, who);
  return entryFromRow(row);
}

/**
 * Replaces an entry if it is still at `version`; a stale version throws VersionConflict with the
 * current entry and writes nothing. Retired entries cannot be changed (add them again instead).
 */
export async function updateComplianceEntry(k: Kysely<Database>, orgId: string, register: string, entryId: string, entry: unknown, version: number, who: By): Promise<ComplianceEntryRecord> {
  const prior = await entryRow(k, orgId, register, entryId);
  if (!prior || prior.retired_at !== null) throw new ComplianceStoreError('COMPLIANCE_ENTRY_NOT_FOUND', `no entry ${entryId} in ${register}`);
  const body = JSON.stringify(entry);
  const r = await k
    .updateTable('compliance_entry')
    .set({ body, version: version + 1, updated_at: who.at.toISOString(), updated_by: who.actor })
    .where('id', '=', prior.id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    const current = entryFromRow(prior);
    throw new VersionConflict(`${register}/${entryId} was changed by someone else (now at version ${current.version}, you sent ${version})`, current);
  }
  await appendHistory(k, prior.id, orgId, register, entryId, version + 1, body, false, who);
  return (await getComplianceEntry(k, orgId, register, entryId))!;
}

/** Retires an entry (kept with its history, left out of evaluations). `version`, when given, must be current. */
export async function retireComplianceEntry(k: Kysely<Database>, orgId: string, register: string, entryId: string, version: number | undefined, who: By): Promise<ComplianceEntryRecord> {
  const prior = await entryRow(k, orgId, register, entryId);
  if (!prior || prior.retired_at !== null) throw new ComplianceStoreError('COMPLIANCE_ENTRY_NOT_FOUND', `no entry ${entryId} in ${register}`);
  const expected = version ?? Number(prior.version);
  const at = who.at.toISOString();
  const r = await k
    .updateTable('compliance_entry')
    .set({ version: expected + 1, retired_at: at, retired_by: who.actor, updated_at: at, updated_by: who.actor })
    .where('id', '=', prior.id)
    .where('version', '=', expected)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    const current = entryFromRow(prior);
    throw new VersionConflict(`${register}/${entryId} was changed by someone else (now at version ${current.version}, you sent ${expected})`, current);
  }
  await appendHistory(k, prior.id, orgId, register, entryId, expected + 1, prior.body, true, who);
  return (await getComplianceEntry(k, orgId, register, entryId))!;
}

export interface ComplianceEntryVersion {
  version: number;
  entry: Record<string, unknown>;
  retired: boolean;
  at: string;
  by: string;
}

/** Every version of an entry, oldest first (for the history and a diff between policy versions). */
export async function complianceEntryHistory(k: Kysely<Database>, orgId: string, register: string, entryId: string): Promise<ComplianceEntryVersion[]> {
  const rows = await k.selectFrom('compliance_entry_history').selectAll().where('org_id', '=', orgId).where('register', '=', register).where('entry_id', '=', entryId).orderBy('id').execute();
  return rows.map((r) => ({ version: Number(r.version), entry: JSON.parse(r.body) as Record<string, unknown>, retired: Number(r.retired) === 1, at: r.at, by: r.by }));
}

// ---- validity settings -------------------------------------------------------------------------

/** The organization's validity overrides (`{}` and version 0 when never set). */
export async function getComplianceSettings(k: Kysely<Database>, orgId: string): Promise<{ validity: Record<string, unknown>; version: number; updatedAt: string | null; updatedBy: string | null }> {
  const r = await k.selectFrom('compliance_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  return r ? { validity: JSON.parse(r.validity) as Record<string, unknown>, version: Number(r.version), updatedAt: r.updated_at, updatedBy: r.updated_by } : { validity: {}, version: 0, updatedAt: null, updatedBy: null };
}

/** Replaces the overrides if still at `version` (0: never set); a stale version throws VersionConflict. */
export async function putComplianceSettings(k: Kysely<Database>, orgId: string, validity: unknown, version: number, who: By): Promise<{ validity: Record<string, unknown>; version: number }> {
  const values = { validity: JSON.stringify(validity), version: version + 1, updated_at: who.at.toISOString(), updated_by: who.actor };
  const conflict = async () => new VersionConflict(`the validity settings were changed by someone else (you sent version ${version})`, await getComplianceSettings(k, orgId));
  if (version === 0) {
    const r = await k
      .insertInto('compliance_settings')
      .values({ org_id: orgId, ...values })
      .onConflict((oc) => oc.column('org_id').doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1) throw await conflict();
  } else {
    const r = await k.updateTable('compliance_settings').set(values).where('org_id', '=', orgId).where('version', '=', version).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw await conflict();
  }
  const s = await getComplianceSettings(k, orgId);
  return { validity: s.validity, version: s.version };
}

// ---- evidence links ----------------------------------------------------------------------------

export interface ComplianceLinkRecord {
  id: string;
  assessmentId: string;
  requirement: string;
  source?: string;
  evidence?: { sha256: string; description?: string; collectedOn?: string; expiresOn?: string };
  createdAt: string;
  createdBy: string;
}

export async function listComplianceLinks(k: Kysely<Database>, assessmentId: string): Promise<ComplianceLinkRecord[]> {
  const rows = await k.selectFrom('compliance_link').selectAll().where('assessment_id', '=', assessmentId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    assessmentId: r.assessment_id,
    requirement: r.requirement_id,
    ...(r.source !== null ? { source: r.source } : {}),
    ...(r.evidence !== null ? { evidence: JSON.parse(r.evidence) as NonNullable<ComplianceLinkRecord['evidence']> } : {}),
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}

export async function addComplianceLink(
  k: Kysely<Database>,
  link: { orgId: string; assessmentId: string; requirement: string; source?: string | undefined; evidence?: ComplianceLinkRecord['evidence'] | undefined },
  who: By,
): Promise<ComplianceLinkRecord> {
  const row = {
    id: randomUUID(),
    org_id: link.orgId,
    assessment_id: link.assessmentId,
    requirement_id: link.requirement,
    source: link.source ?? null,
    evidence: link.evidence ? JSON.stringify(link.evidence) : null,
    created_at: who.at.toISOString(),
    created_by: who.actor,
  };
  await k.insertInto('compliance_link').values(row).execute();
  return {
    id: row.id,
    assessmentId: row.assessment_id,
    requirement: row.requirement_id,
    ...(link.source !== undefined ? { source: link.source } : {}),
    ...(link.evidence ? { evidence: link.evidence } : {}),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/** Removes a link of the assessment; throws COMPLIANCE_LINK_NOT_FOUND when it has none with that id. */
export async function deleteComplianceLink(k: Kysely<Database>, assessmentId: string, linkId: string): Promise<void> {
  const r = await k.deleteFrom('compliance_link').where('assessment_id', '=', assessmentId).where('id', '=', linkId).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) throw new ComplianceStoreError('COMPLIANCE_LINK_NOT_FOUND', 'no such evidence link on this assessment');
}

// ---- evaluation state and change reasons -------------------------------------------------------

export interface ComplianceState {
  assessmentId: string;
  orgId: string;
  edition: string;
  day: string;
  level: number;
  aspects: { id: string; level: number }[];
  fellBack: string[];
  nextLapse: string | null;
  evaluatedAt: string;
}

export async function getComplianceState(k: Kysely<Database>, assessmentId: string): Promise<ComplianceState | undefined> {
  const r = await k.selectFrom('compliance_state').selectAll().where('assessment_id', '=', assessmentId).executeTakeFirst();
  if (!r) return undefined;
  return {
    assessmentId: r.assessment_id,
    orgId: r.org_id,
    edition: r.edition,
    day: r.day,
    level: Number(r.level),
    aspects: JSON.parse(r.aspects) as { id: string; level: number }[],
    fellBack: JSON.parse(r.fell_back) as string[],
    nextLapse: r.next_lapse,
    evaluatedAt: r.evaluated_at,
  };
}

export async function putComplianceState(k: Kysely<Database>, s: ComplianceState): Promise<void> {
  const values = { org_id: s.orgId, edition: s.edition, day: s.day, level: s.level, aspects: JSON.stringify(s.aspects), fell_back: JSON.stringify(s.fellBack), next_lapse: s.nextLapse, evaluated_at: s.evaluatedAt };
  await k
    .insertInto('compliance_state')
    .values({ assessment_id: s.assessmentId, ...values })
    .onConflict((oc) => oc.column('assessment_id').doUpdateSet(values))
    .execute();
}

export interface ComplianceEventRecord {
  id: number;
  assessmentId: string;
  at: string;
  day: string;
  type: string;
  scope: string | null;
  aspectId: string | null;
  requirementId: string | null;
  from: number | null;
  to: number | null;
  message: string;
  actor: string;
}

export type NewComplianceEvent = Omit<ComplianceEventRecord, 'id'> & { orgId: string };

export async function addComplianceEvents(k: Kysely<Database>, events: readonly NewComplianceEvent[]): Promise<void> {
  if (events.length === 0) return;
  await k
    .insertInto('compliance_event')
    .values(
      events.map((e) => ({
        org_id: e.orgId,
        assessment_id: e.assessmentId,
        at: e.at,
        day: e.day,
        type: e.type,
        scope: e.scope,
        aspect_id: e.aspectId,
        requirement_id: e.requirementId,
        from_level: e.from,
        to_level: e.to,
        message: e.message,
        actor: e.actor,
      })),
    )
    .execute();
}

/** The assessment's change events, newest first. */
export async function listComplianceEvents(k: Kysely<Database>, assessmentId: string, limit = 200): Promise<ComplianceEventRecord[]> {
  const rows = await k.selectFrom('compliance_event').selectAll().where('assessment_id', '=', assessmentId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    assessmentId: r.assessment_id,
    at: r.at,
    day: r.day,
    type: r.type,
    scope: r.scope,
    aspectId: r.aspect_id,
    requirementId: r.requirement_id,
    from: r.from_level === null ? null : Number(r.from_level),
    to: r.to_level === null ? null : Number(r.to_level),
    message: r.message,
    actor: r.actor,
  }));
}

/** Every assessment to re-evaluate (of one organization, or of all), oldest first. */
export async function assessmentsToMonitor(k: Kysely<Database>, orgId?: string): Promise<{ id: string; orgId: string; systemId: string; systemName: string; edition: string; level: number }[]> {
  let q = k.selectFrom('assessment').innerJoin('system', 'system.id', 'assessment.system_id').select(['assessment.id', 'assessment.org_id', 'assessment.system_id', 'system.name', 'assessment.edition', 'assessment.level']);
  if (orgId !== undefined) q = q.where('assessment.org_id', '=', orgId);
  const rows = await q.orderBy('assessment.org_id').orderBy('assessment.created_at').orderBy('assessment.id').execute();
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, systemId: r.system_id, systemName: r.name, edition: r.edition, level: Number(r.level) }));
}

// ---- notifications -----------------------------------------------------------------------------

export interface NotificationRecord {
  id: string;
  orgId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

function notificationFromRow(r: Selectable<NotificationTable>): NotificationRecord {
  return { id: r.id, orgId: r.org_id, kind: r.kind, title: r.title, body: r.body, data: JSON.parse(r.data) as Record<string, unknown>, createdAt: r.created_at, readAt: r.read_at };
}

/** The members of an organization with one of `roles` (who is notified). */
export async function membersWithRoles(k: Kysely<Database>, orgId: string, roles: readonly string[]): Promise<string[]> {
  const rows = await k.selectFrom('membership').select('user_id').where('org_id', '=', orgId).where('role', 'in', [...roles]).orderBy('user_id').execute();
  return rows.map((r) => r.user_id);
}

export async function addNotifications(k: Kysely<Database>, orgId: string, userIds: readonly string[], n: { kind: string; title: string; body: string; data: Record<string, unknown> }, at: Date): Promise<void> {
  if (userIds.length === 0) return;
  await k
    .insertInto('notification')
    .values(userIds.map((u) => ({ id: randomUUID(), org_id: orgId, user_id: u, kind: n.kind, title: n.title, body: n.body, data: JSON.stringify(n.data), created_at: at.toISOString(), read_at: null })))
    .execute();
}

/** The user's notifications from organizations they are still a member of, newest first. */
export async function listNotifications(k: Kysely<Database>, userId: string, opts: { unreadOnly?: boolean; limit?: number } = {}): Promise<NotificationRecord[]> {
  let q = k
    .selectFrom('notification')
    .innerJoin('membership', (j) => j.onRef('membership.org_id', '=', 'notification.org_id').onRef('membership.user_id', '=', 'notification.user_id'))
    .selectAll('notification')
    .where('notification.user_id', '=', userId);
  if (opts.unreadOnly) q = q.where('notification.read_at', 'is', null);
  const rows = await q
    .orderBy('notification.created_at', 'desc')
    .orderBy('notification.id')
    .limit(opts.limit ?? 100)
    .execute();
  return rows.map(notificationFromRow);
}

/** Marks the user's own notifications read (the given ids, or all); returns how many changed. */
export async function markNotificationsRead(k: Kysely<Database>, userId: string, ids: readonly string[] | 'all', at: Date): Promise<number> {
  let q = k.updateTable('notification').set({ read_at: at.toISOString() }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== 'all') {
    if (ids.length === 0) return 0;
    q = q.where('id', 'in', [...ids]);
  }
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---- webhook -----------------------------------------------------------------------------------

export interface WebhookRecord {
  orgId: string;
  url: string;
  enabled: boolean;
  lastDeliveryAt: string | null;
  lastStatus: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** The webhook of an organization with its sealed secret (never send `sealedSecret` anywhere). */
export async function getWebhook(k: Kysely<Database>, orgId: string): Promise<(WebhookRecord & { sealedSecret: Uint8Array }) | undefined> {
  const r = await k.selectFrom('compliance_webhook').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!r) return undefined;
  return {
    orgId: r.org_id,
    url: r.url,
    enabled: Number(r.enabled) === 1,
    lastDeliveryAt: r.last_delivery_at,
    lastStatus: r.last_status,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    sealedSecret: new Uint8Array(r.secret),
  };
}

/** Sets the URL (and, when given, a new sealed secret) of the organization's webhook. */
export async function putWebhook(k: Kysely<Database>, orgId: string, w: { url: string; enabled: boolean; sealedSecret?: Uint8Array | undefined }, who: By): Promise<WebhookRecord> {
  const at = who.at.toISOString();
  const prior = await getWebhook(k, orgId);
  if (prior) {
    await k
      .updateTable('compliance_webhook')
      .set({ url: w.url, enabled: w.enabled ? 1 : 0, ...(w.sealedSecret ? { secret: w.sealedSecret } : {}), updated_at: at, updated_by: who.actor })
      .where('org_id', '=', orgId)
      .execute();
  } else {
    if (!w.sealedSecret) throw new ComplianceStoreError('WEBHOOK_NOT_FOUND', 'a new webhook needs a secret');
    await k
      .insertInto('compliance_webhook')
      .values({ org_id: orgId, url: w.url, secret: w.sealedSecret, enabled: w.enabled ? 1 : 0, last_delivery_at: null, last_status: null, created_at: at, created_by: who.actor, updated_at: at, updated_by: who.actor })
      .execute();
  }
  const { sealedSecret: _s, ...rest } = (await getWebhook(k, orgId))!;
  void _s;
  return rest;
}

export async function deleteWebhook(k: Kysely<Database>, orgId: string): Promise<void> {
  const r = await k.deleteFrom('compliance_webhook').where('org_id', '=', orgId).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) throw new ComplianceStoreError('WEBHOOK_NOT_FOUND', 'this organization has no webhook');
}

/** Records the outcome of a delivery (`200`, `timeout`, `refused: …`), never the payload or the secret. */
export async function recordWebhookDelivery(k: Kysely<Database>, orgId: string, at: Date, status: string): Promise<void> {
  await k.updateTable('compliance_webhook').set({ last_delivery_at: at.toISOString(), last_status: status.slice(0, 500) }).where('org_id', '=', orgId).execute();
}
