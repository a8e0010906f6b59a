/**
 * Sessions: the cookie holds 32 random bytes (base64url); the database holds only their SHA-256,
 * the CSRF token, and the times for the idle (12 h) and absolute (7 d) limits.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { UserRow } from './users.js';
import { DEFAULT_POLICY, type AccountPolicy } from './policy.js';

const COOKIE = /^[A-Za-z0-9_-]{43}$/;
export const sessionIdOf = (cookie: string) => createHash('sha256').update(cookie, 'utf8').digest('hex');

export interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** Creates a session; returns the cookie value (shown to the browser only) and the session. */
export async function createSession(k: Kysely<Database>, userId: string, now: Date, meta: { ip?: string | undefined; userAgent?: string | undefined } = {}, policy: AccountPolicy = DEFAULT_POLICY): Promise<{ cookie: string; session: Session }> {
  const cookie = randomBytes(32).toString('base64url');
  const row = {
    id: sessionIdOf(cookie),
    user_id: userId,
    csrf_token: randomBytes(32).toString('base64url'),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + policy.sessionAbsoluteMs).toISOString(),
    ip: meta.ip?.slice(0, 64) ?? null,
    user_agent: meta.userAgent?.slice(0, 256) ?? null,
  };
  await k.insertInto('session').values(row).execute();
  return { cookie, session: { id: row.id, userId, csrfToken: row.csrf_token, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at } };
}

export type SessionCheck = { ok: true; session: Session } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' };

/**
 * Looks up the session of a cookie value (attacker-controlled: checked for shape first). An
 * expired session is deleted. A live one has its last-seen time refreshed at most once a minute.
 */
export async function checkSession(k: Kysely<Database>, cookie: string, now: Date, policy: AccountPolicy = DEFAULT_POLICY): Promise<SessionCheck> {
  if (!COOKIE.test(cookie)) return { ok: false, reason: 'malformed' };
  const id = sessionIdOf(cookie);
  const r = await k.selectFrom('session').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? live(k, id, r, now, policy) : { ok: false, reason: 'unknown' };
}

/** checkSession and the session's user in one query (the per-request path of the server). */
export async function checkSessionUser(k: Kysely<Database>, cookie: string, now: Date, policy: AccountPolicy = DEFAULT_POLICY): Promise<(SessionCheck & { ok: false }) | { ok: true; session: Session; user: UserRow }> {
  if (!COOKIE.test(cookie)) return { ok: false, reason: 'malformed' };
  const id = sessionIdOf(cookie);
  const r = await k
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .selectAll('app_user')
    .select(['session.user_id as s_user_id', 'session.csrf_token as s_csrf_token', 'session.created_at as s_created_at', 'session.last_seen_at as s_last_seen_at', 'session.expires_at as s_expires_at'])
    .where('session.id', '=', id)
    .executeTakeFirst();
  if (!r) return { ok: false, reason: 'unknown' };
  const { s_user_id, s_csrf_token, s_created_at, s_last_seen_at, s_expires_at, ...user } = r;
  const check = await live(k, id, { user_id: s_user_id, csrf_token: s_csrf_token, created_at: s_created_at, last_seen_at: s_last_seen_at, expires_at: s_expires_at }, now, policy);
  return check.ok ? { ...check, user } : check;
}

/** The idle and absolute limits: an expired session is deleted; a live one is refreshed at most once a minute. */
async function live(k: Kysely<Database>, id: string, r: { user_id: string; csrf_token: string; created_at: string; last_seen_at: string; expires_at: string }, now: Date, policy: AccountPolicy): Promise<SessionCheck> {
  const t = now.getTime();
  if (Date.parse(r.expires_at) <= t || Date.parse(r.last_seen_at) + policy.sessionIdleMs <= t) {
    await k.deleteFrom('session').where('id', '=', id).execute();
    return { ok: false, reason: 'expired' };
  }
  if (t - Date.parse(r.last_seen_at) > 60_000) await k.updateTable('session').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
  return { ok: true, session: { id, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: now.toISOString(), expiresAt: r.expires_at } };
}

export async function deleteSession(k: Kysely<Database>, id: string): Promise<void> {
  await k.deleteFrom('session').where('id', '=', id).execute();
}

/** Ends every session of the user except `keep` (after a password change). Returns how many ended. */
export async function deleteOtherSessions(k: Kysely<Database>, userId: string, keep: string | null): Promise<number> {
  let q = k.deleteFrom('session').where('user_id', '=', userId);
  if (keep) q = q.where('id', '!=', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}
