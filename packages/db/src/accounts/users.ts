/**
 * Users: sign-up (the first user becomes instance admin), lookup, login failure counting and
 * lockout, MFA state and password changes. Emails are stored lower-cased.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../connect.js';
import type { MasterKey } from '../secrets.js';
import type { AppUserTable, Database } from '../schema.js';
import { AccountError } from './errors.js';
import { assertPasswordAcceptable, hashPassword } from './password.js';
import { DEFAULT_POLICY, type AccountPolicy } from './policy.js';
import { replaceRecoveryCodes } from './recovery-codes.js';
import { verifyTotp } from './totp.js';

export type UserRow = Selectable<AppUserTable>;

/** What the API shows of a user. */
export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  mfaEnabled: boolean;
  createdAt: string;
}

export function toUser(r: UserRow): User {
  return { id: r.id, email: r.email, name: r.name, isAdmin: r.is_admin === 1, mfaEnabled: r.mfa_enabled === 1, createdAt: r.created_at };
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Creates a user. The first user of the instance becomes its admin; on PostgreSQL an advisory
 * lock makes "first" exact under concurrent sign-ups (SQLite transactions are serialised already).
 * Run it inside a transaction.
 */
export async function createUser(
  trx: Kysely<Database>,
  dialect: Dialect,
  input: { email: string; password: string; name: string; passwordHash?: string },
  now: Date,
): Promise<User> {
  const email = normaliseEmail(input.email);
  if (input.passwordHash === undefined) assertPasswordAcceptable(input.password, email);
  const passwordHash = input.passwordHash ?? (await hashPassword(input.password));
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('keygrade:app_user'))`.execute(trx);
  if (await trx.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirst()) throw new AccountError('EMAIL_TAKEN', 'an account with this email exists already; sign in instead');
  const first = !(await trx.selectFrom('app_user').select('id').limit(1).executeTakeFirst());
  const row: UserRow = {
    id: randomUUID(),
    email,
    name: input.name.trim(),
    password_hash: passwordHash,
    is_admin: first ? 1 : 0,
    mfa_secret: null,
    mfa_pending_secret: null,
    mfa_enabled: 0,
    mfa_last_step: null,
    failed_logins: 0,
    failed_since: null,
    locked_until: null,
    password_changed_at: now.toISOString(),
    created_at: now.toISOString(),
  };
  await trx.insertInto('app_user').values(row).execute();
  return toUser(row);
}

export async function findUserByEmail(k: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return k.selectFrom('app_user').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

export async function getUserRow(k: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return k.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every user, for the instance operator (`keygrade user list`). */
export async function listUsers(k: Kysely<Database>): Promise<(User & { lockedUntil: string | null; failedLogins: number })[]> {
  const rows = await k.selectFrom('app_user').selectAll().orderBy('created_at').orderBy('email').execute();
  return rows.map((r) => ({ ...toUser(r), lockedUntil: r.locked_until, failedLogins: r.failed_logins }));
}

/** Milliseconds the account stays locked, or 0. */
export function lockedFor(u: Pick<UserRow, 'locked_until'>, now: Date): number {
  return u.locked_until ? Math.max(0, Date.parse(u.locked_until) - now.getTime()) : 0;
}

/**
 * Counts a failed login (wrong password or MFA code). `threshold` failures within the window lock
 * the account for `lockoutMs`. Returns whether this failure locked it.
 */
export async function recordLoginFailure(k: Kysely<Database>, userId: string, now: Date, policy: AccountPolicy = DEFAULT_POLICY): Promise<{ locked: boolean; lockedUntil: string | null }> {
  const u = await k.selectFrom('app_user').select(['failed_logins', 'failed_since']).where('id', '=', userId).executeTakeFirst();
  if (!u) return { locked: false, lockedUntil: null };
  const fresh = !u.failed_since || now.getTime() - Date.parse(u.failed_since) > policy.lockoutWindowMs;
  const count = fresh ? 1 : u.failed_logins + 1;
  if (count >= policy.lockoutThreshold) {
    const lockedUntil = new Date(now.getTime() + policy.lockoutMs).toISOString();
    await k.updateTable('app_user').set({ failed_logins: 0, failed_since: null, locked_until: lockedUntil }).where('id', '=', userId).execute();
    return { locked: true, lockedUntil };
  }
  await k.updateTable('app_user').set({ failed_logins: count, failed_since: fresh ? now.toISOString() : u.failed_since }).where('id', '=', userId).execute();
  return { locked: false, lockedUntil: null };
}

export async function resetLoginFailures(k: Kysely<Database>, userId: string): Promise<void> {
  await k.updateTable('app_user').set({ failed_logins: 0, failed_since: null, locked_until: null }).where('id', '=', userId).where((e) => e.or([e('failed_logins', '>', 0), e('locked_until', 'is not', null)])).execute();
}

/** Lifts a lockout (instance operator). False when no such user. */
export async function unlockUser(k: Kysely<Database>, email: string): Promise<boolean> {
  const r = await k.updateTable('app_user').set({ failed_logins: 0, failed_since: null, locked_until: null }).where('email', '=', normaliseEmail(email)).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setPasswordHash(k: Kysely<Database>, userId: string, hash: string, now: Date): Promise<void> {
  await k.updateTable('app_user').set({ password_hash: hash, password_changed_at: now.toISOString() }).where('id', '=', userId).execute();
}

const mfaContext = (userId: string) => `mfa-secret:${userId}`;

/** Starts MFA set-up: a fresh 160-bit secret (RFC 4226 §4 R6), stored sealed, not active until confirmed. */
export async function beginMfaSetup(k: Kysely<Database>, master: MasterKey, userId: string): Promise<Uint8Array> {
  const u = await getUserRow(k, userId);
  if (!u) throw new AccountError('USER_NOT_FOUND', 'no such user');
  if (u.mfa_enabled === 1) throw new AccountError('MFA_ALREADY_ENABLED', 'two-factor authentication is enabled already; disable it first to change the authenticator');
  const secret = new Uint8Array(randomBytes(20));
  await k.updateTable('app_user').set({ mfa_pending_secret: master.seal(secret, mfaContext(userId)) }).where('id', '=', userId).execute();
  return secret;
}

/**
 * Accepts a TOTP code for the user's active secret (or the pending one with `pending`), recording
 * its step so it is never accepted again. A conditional update makes two concurrent uses of one
 * code fail for one of them.
 */
export async function acceptTotp(k: Kysely<Database>, master: MasterKey, userId: string, code: string, now: Date, opts: { pending?: boolean } = {}): Promise<boolean> {
  const u = await getUserRow(k, userId);
  const sealed = opts.pending ? u?.mfa_pending_secret : u?.mfa_secret;
  if (!u || !sealed) return false;
  const step = verifyTotp(master.open(sealed, mfaContext(userId)), code, now, u.mfa_last_step);
  if (step === null) return false;
  const r = await k
    .updateTable('app_user')
    .set({ mfa_last_step: step })
    .where('id', '=', userId)
    .where((e) => e.or([e('mfa_last_step', 'is', null), e('mfa_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Confirms set-up with a code from the new secret; activates MFA and returns fresh recovery codes. */
export async function enableMfa(k: Kysely<Database>, master: MasterKey, userId: string, code: string, now: Date): Promise<string[]> {
  const u = await getUserRow(k, userId);
  if (!u) throw new AccountError('USER_NOT_FOUND', 'no such user');
  if (u.mfa_enabled === 1) throw new AccountError('MFA_ALREADY_ENABLED', 'two-factor authentication is enabled already');
  if (!u.mfa_pending_secret) throw new AccountError('MFA_NOT_SET_UP', 'start with POST /api/auth/mfa/setup');
  if (!(await acceptTotp(k, master, userId, code, now, { pending: true }))) throw new AccountError('MFA_CODE_INVALID', 'the code does not match; check the time on your device and try the next code');
  await k.updateTable('app_user').set({ mfa_secret: u.mfa_pending_secret, mfa_pending_secret: null, mfa_enabled: 1 }).where('id', '=', userId).execute();
  return replaceRecoveryCodes(k, userId, now);
}

/** Turns MFA off (the caller checks the user's roles allow it). */
export async function disableMfa(k: Kysely<Database>, userId: string): Promise<void> {
  await k.updateTable('app_user').set({ mfa_secret: null, mfa_pending_secret: null, mfa_enabled: 0, mfa_last_step: null }).where('id', '=', userId).execute();
  await k.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
}
