/** Organizations and memberships: a user holds at most one role per organization. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { AccountError } from './errors.js';
import { isOrgRole, MFA_ROLES, type OrgRole } from './policy.js';

export interface Org {
  id: string;
  name: string;
  createdAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: OrgRole;
  mfaEnabled: boolean;
  since: string;
}

function role(r: string): OrgRole {
  if (!isOrgRole(r)) throw new AccountError('ROLE_INVALID', `unknown role "${r}" in the database`);
  return r;
}

/** Creates an organization with `ownerId` as its owner (run inside a transaction). */
export async function createOrg(trx: Kysely<Database>, input: { name: string; ownerId: string | null }, now: Date): Promise<Org> {
  const org = { id: randomUUID(), name: input.name.trim(), created_at: now.toISOString() };
  await trx.insertInto('org').values(org).execute();
  if (input.ownerId) await addMember(trx, org.id, input.ownerId, 'owner', now);
  return { id: org.id, name: org.name, createdAt: org.created_at };
}

export async function getOrg(k: Kysely<Database>, id: string): Promise<Org | undefined> {
  const r = await k.selectFrom('org').selectAll().where('id', '=', id).executeTakeFirst();
  return r && { id: r.id, name: r.name, createdAt: r.created_at };
}

export async function renameOrg(k: Kysely<Database>, id: string, name: string): Promise<Org> {
  await k.updateTable('org').set({ name: name.trim() }).where('id', '=', id).execute();
  const o = await getOrg(k, id);
  if (!o) throw new AccountError('ORG_NOT_FOUND', 'no such organization');
  return o;
}

/** Every organization (instance operator only: names, never their data). */
export async function listAllOrgs(k: Kysely<Database>): Promise<(Org & { members: number })[]> {
  const rows = await k
    .selectFrom('org')
    .leftJoin('membership', 'membership.org_id', 'org.id')
    .select((e) => ['org.id', 'org.name', 'org.created_at', e.fn.count<number>('membership.user_id').as('members')])
    .groupBy(['org.id', 'org.name', 'org.created_at'])
    .orderBy('org.name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, members: Number(r.members) }));
}

/** The user's role in the organization, or null (also when the organization does not exist). */
export async function roleIn(k: Kysely<Database>, orgId: string, userId: string): Promise<OrgRole | null> {
  const r = await k.selectFrom('membership').select('role').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
  return r ? role(r.role) : null;
}

export async function membershipsOf(k: Kysely<Database>, userId: string): Promise<{ org: Org; role: OrgRole }[]> {
  const rows = await k
    .selectFrom('membership')
    .innerJoin('org', 'org.id', 'membership.org_id')
    .select(['org.id', 'org.name', 'org.created_at', 'membership.role'])
    .where('membership.user_id', '=', userId)
    .orderBy('org.name')
    .execute();
  return rows.map((r) => ({ org: { id: r.id, name: r.name, createdAt: r.created_at }, role: role(r.role) }));
}

/** True when any of the user's roles requires MFA. */
export async function mfaRequiredFor(k: Kysely<Database>, userId: string): Promise<boolean> {
  const rows = await k.selectFrom('membership').select('role').where('user_id', '=', userId).execute();
  if (rows.some((r) => MFA_ROLES.has(r.role))) return true;
  // Accredited auditors act as external auditors and peer reviewers (engagement roles): MFA too.
  return (await k.selectFrom('auditor').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function listMembers(k: Kysely<Database>, orgId: string): Promise<Member[]> {
  const rows = await k
    .selectFrom('membership')
    .innerJoin('app_user', 'app_user.id', 'membership.user_id')
    .select(['app_user.id', 'app_user.email', 'app_user.name', 'app_user.mfa_enabled', 'membership.role', 'membership.created_at'])
    .where('membership.org_id', '=', orgId)
    .orderBy('app_user.email')
    .execute();
  return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: role(r.role), mfaEnabled: r.mfa_enabled === 1, since: r.created_at }));
}

export async function addMember(k: Kysely<Database>, orgId: string, userId: string, r: OrgRole, now: Date): Promise<void> {
  if (await roleIn(k, orgId, userId)) throw new AccountError('ALREADY_MEMBER', 'this user is a member of the organization already');
  await k.insertInto('membership').values({ org_id: orgId, user_id: userId, role: r, created_at: now.toISOString() }).execute();
}

async function assertNotLastOwner(k: Kysely<Database>, orgId: string, userId: string, current: OrgRole): Promise<void> {
  if (current !== 'owner') return;
  // Lock the organization row first (a no-op update): two owners demoting each other at the same
  // moment then take turns, and the second sees that only one owner is left.
  await k.updateTable('org').set((eb) => ({ name: eb.ref('name') })).where('id', '=', orgId).execute();
  const owners = await k.selectFrom('membership').select('user_id').where('org_id', '=', orgId).where('role', '=', 'owner').execute();
  if (owners.length <= 1 && owners[0]?.user_id === userId) throw new AccountError('LAST_OWNER', 'an organization needs at least one owner: make another member owner first');
}

/** Changes a member's role; the last owner cannot be demoted. Returns the previous role. Run inside a transaction. */
export async function setMemberRole(trx: Kysely<Database>, orgId: string, userId: string, next: OrgRole): Promise<OrgRole> {
  const current = await roleIn(trx, orgId, userId);
  if (!current) throw new AccountError('MEMBER_NOT_FOUND', 'no such member in this organization');
  if (next !== 'owner') await assertNotLastOwner(trx, orgId, userId, current);
  await trx.updateTable('membership').set({ role: next }).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  return current;
}

/** Removes a member; the last owner cannot be removed. Run inside a transaction. */
export async function removeMember(trx: Kysely<Database>, orgId: string, userId: string): Promise<OrgRole> {
  const current = await roleIn(trx, orgId, userId);
  if (!current) throw new AccountError('MEMBER_NOT_FOUND', 'no such member in this organization');
  await assertNotLastOwner(trx, orgId, userId, current);
  await trx.deleteFrom('membership').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  return current;
}
