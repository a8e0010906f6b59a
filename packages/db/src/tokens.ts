/**
 * API tokens for automation: `kg_<id>_<secret>`. Only the SHA-256 of the secret is stored; the
 * token is shown once when created. Scopes are exact strings such as `log:append:<log>` and
 * `log:read:<log>`; `<verb>:*` covers every log. Organization scopes `org:read:<orgId>`,
 * `answer:write:<orgId>` and `system:write:<orgId>` grant exactly that permission in that
 * organization (never `org:admin`, and no wildcard).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DbError } from './errors.js';
import type { Database } from './schema.js';

const SCOPE = /^(log:(append|read|admin)):([a-z0-9][a-z0-9-]{0,62}|\*)$/;
const ORG_SCOPE = /^(org:read|answer:write|system:write):([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/;

/** The organization permissions a token scope can carry. */
export type OrgScopePermission = 'org:read' | 'answer:write' | 'system:write';
const TOKEN = /^kg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface TokenInfo {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function validateScopes(scopes: readonly string[]): void {
  const bad = scopes.filter((s) => !SCOPE.test(s) && !ORG_SCOPE.test(s));
  if (bad.length > 0 || scopes.length === 0) {
    throw new DbError('TOKEN_SCOPE_INVALID', scopes.length === 0 ? 'a token needs at least one scope, e.g. log:append:<log>' : `unknown scope ${bad.map((b) => `"${b}"`).join(', ')}; scopes look like log:append:<log>, log:read:<log>, log:read:*, org:read:<orgId>, answer:write:<orgId> or system:write:<orgId>`);
  }
}

const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** Creates a token and returns it with its secret; the secret cannot be recovered later. */
export async function createToken(k: Kysely<Database>, opts: { name: string; scopes: string[]; expiresAt?: Date | undefined }, now: Date): Promise<{ token: string; info: TokenInfo }> {
  validateScopes(opts.scopes);
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const row = {
    id,
    name: opts.name,
    secret_hash: hashSecret(secret),
    scopes: JSON.stringify(opts.scopes),
    created_at: now.toISOString(),
    expires_at: opts.expiresAt?.toISOString() ?? null,
    revoked_at: null,
    last_used_at: null,
  };
  await k.insertInto('api_token').values(row).execute();
  return { token: `kg_${id}_${secret}`, info: { id, name: opts.name, scopes: opts.scopes, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: null } };
}

export type TokenCheck = { ok: true; info: TokenInfo } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' };

/** Checks a presented token (constant-time on the secret). */
export async function checkToken(k: Kysely<Database>, token: string, now: Date): Promise<TokenCheck> {
  const m = TOKEN.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const row = await k.selectFrom('api_token').selectAll().where('id', '=', m[1]!).executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (!timingSafeEqual(Buffer.from(row.secret_hash), hashSecret(m[2]!))) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  if (row.expires_at && row.expires_at <= now.toISOString()) return { ok: false, reason: 'expired' };
  return { ok: true, info: { id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as string[], createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at } };
}

/** True when the token's scopes allow `verb` on `log`. */
export function allows(info: TokenInfo, verb: 'append' | 'read' | 'admin', log: string): boolean {
  return info.scopes.includes(`log:${verb}:${log}`) || info.scopes.includes(`log:${verb}:*`);
}

/** The organization a scope names (`org:read:<orgId>` → orgId), or undefined for log scopes. */
export function scopeOrg(scope: string): { permission: OrgScopePermission; orgId: string } | undefined {
  const m = ORG_SCOPE.exec(scope);
  return m ? { permission: m[1] as OrgScopePermission, orgId: m[2]! } : undefined;
}

/** True when the token's scopes grant `permission` in organization `orgId`. */
export function allowsOrg(info: TokenInfo, permission: string, orgId: string): boolean {
  return info.scopes.includes(`${permission}:${orgId}`) && ORG_SCOPE.test(`${permission}:${orgId}`);
}

/** True when the token has any scope in organization `orgId`. */
export function tokenInOrg(info: TokenInfo, orgId: string): boolean {
  return info.scopes.some((s) => scopeOrg(s)?.orgId === orgId);
}

export async function revokeToken(k: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const r = await k.updateTable('api_token').set({ revoked_at: now.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listTokens(k: Kysely<Database>): Promise<TokenInfo[]> {
  const rows = await k.selectFrom('api_token').selectAll().orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, scopes: JSON.parse(r.scopes) as string[], createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at }));
}
