/** Invitations to an organization: a 7-day token, shown once, stored as its SHA-256. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { AccountError } from './errors.js';
import { addMember, getOrg, type Org } from './orgs.js';
import { DEFAULT_POLICY, isOrgRole, type AccountPolicy, type OrgRole } from './policy.js';
import { normaliseEmail } from './users.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

export interface Invitation {
  id: string;
  orgId: string;
  email: string;
  role: OrgRole;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

export async function createInvitation(k: Kysely<Database>, input: { orgId: string; email: string; role: OrgRole; invitedBy: string }, now: Date, policy: AccountPolicy = DEFAULT_POLICY): Promise<{ token: string; invitation: Invitation }> {
  const token = randomBytes(32).toString('base64url');
  const inv: Invitation = {
    id: randomUUID(),
    orgId: input.orgId,
    email: normaliseEmail(input.email),
    role: input.role,
    invitedBy: input.invitedBy,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + policy.invitationMs).toISOString(),
  };
  await k
    .insertInto('invitation')
    .values({ id: inv.id, token_hash: hashToken(token), org_id: inv.orgId, email: inv.email, role: inv.role, invited_by: inv.invitedBy, created_at: inv.createdAt, expires_at: inv.expiresAt, accepted_at: null, accepted_by: null, revoked_at: null })
    .execute();
  return { token, invitation: inv };
}

/** Pending invitations (not accepted, revoked or expired). */
export async function listInvitations(k: Kysely<Database>, orgId: string, now: Date): Promise<Invitation[]> {
  const rows = await k
    .selectFrom('invitation')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, email: r.email, role: r.role as OrgRole, invitedBy: r.invited_by, createdAt: r.created_at, expiresAt: r.expires_at }));
}

export async function revokeInvitation(k: Kysely<Database>, orgId: string, id: string, now: Date): Promise<boolean> {
  const r = await k.updateTable('invitation').set({ revoked_at: now.toISOString() }).where('org_id', '=', orgId).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Accepts an invitation for a signed-in user whose email it was sent to. Unknown, expired, used
 * and revoked tokens all give INVITATION_NOT_FOUND. Run inside a transaction.
 */
export async function acceptInvitation(trx: Kysely<Database>, token: string, user: { id: string; email: string }, now: Date): Promise<{ org: Org; role: OrgRole; invitationId: string }> {
  const notFound = () => new AccountError('INVITATION_NOT_FOUND', 'the invitation is unknown, expired, revoked or used already; ask for a new one');
  if (!TOKEN.test(token)) throw notFound();
  const r = await trx.selectFrom('invitation').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!r || r.accepted_at || r.revoked_at || r.expires_at <= now.toISOString() || !isOrgRole(r.role)) throw notFound();
  if (r.email !== normaliseEmail(user.email)) throw new AccountError('INVITATION_EMAIL_MISMATCH', 'this invitation was sent to another email address; sign in with that address');
  const used = await trx.updateTable('invitation').set({ accepted_at: now.toISOString(), accepted_by: user.id }).where('id', '=', r.id).where('accepted_at', 'is', null).executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) throw notFound();
  await addMember(trx, r.org_id, user.id, r.role, now);
  const org = await getOrg(trx, r.org_id);
  if (!org) throw notFound();
  return { org, role: r.role, invitationId: r.id };
}
