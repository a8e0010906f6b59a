/**
 * Test helpers: act as anyone. `signUp` makes a signed-in user with a role in an organization
 * (MFA set up when the role requires it, with codes computed from the secret on the app's clock);
 * `bearer` makes an API token with organization scopes. Used by route tests and the
 * authorization matrix.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { AUDIT_LOG, MFA_ROLES, REGISTRY_LOG, addMember, createOrg, createToken, decodeSecret, ensureLog, logOrigin, totp, type MasterKey, type OrgRole } from '@keygrade/db';
import type { TestDb } from '@keygrade/db/testing';
import { buildApp, type App, type AppDeps } from './app.js';
import { SESSION_COOKIE } from './authz.js';

export interface SignedIn {
  /** The `cookie` header value to send (`kg_session=…`). */
  cookie: string;
  csrf: string;
  userId: string;
  orgId: string;
  email: string;
  password: string;
  /** The TOTP secret (base32) when MFA was set up. */
  mfaSecret?: string;
  recoveryCodes?: string[];
}

let seq = 0;
export const TEST_PASSWORD = 'correct horse battery staple 42';

/** The app on a test database, with Keygrade's audit log created (every state change writes to it). */
export async function testApp(db: TestDb, master: MasterKey, extra: Partial<AppDeps> = {}): Promise<App> {
  const now = extra.now ?? (() => new Date());
  await ensureLog(db, master, { name: AUDIT_LOG, origin: logOrigin('keygrade.test', AUDIT_LOG), kind: 'audit' }, now());
  await ensureLog(db, master, { name: REGISTRY_LOG, origin: logOrigin('keygrade.test', REGISTRY_LOG), kind: 'registry' }, now());
  return buildApp({ db, master, config: { logOrigin: 'keygrade.test', logLevel: 'silent' }, ...extra, now });
}

/** The `kg_session` cookie a response set, as a `cookie` header value. */
export function sessionCookieOf(res: LightMyRequestResponse): string | undefined {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  return c && c.value ? `${SESSION_COOKIE}=${c.value}` : undefined;
}

function expect(res: LightMyRequestResponse, status: number, what: string): void {
  if (res.statusCode !== status) throw new Error(`${what}: expected ${status}, got ${res.statusCode}: ${res.body}`);
}

/** Headers for a cookie-authenticated request (with the CSRF token). */
export function as(u: Pick<SignedIn, 'cookie' | 'csrf'>): Record<string, string> {
  return { cookie: u.cookie, 'x-csrf-token': u.csrf };
}

/** Enables TOTP for a signed-in user, computing the code from the secret on the app's clock. */
export async function enableMfa(app: App, u: Pick<SignedIn, 'cookie' | 'csrf'>): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await app.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: as(u) });
  expect(setup, 200, 'mfa setup');
  const secret = (setup.json() as { secret: string }).secret;
  const code = totp(decodeSecret(secret), app.keygradeAuthz.now());
  const enable = await app.inject({ method: 'POST', url: '/api/auth/mfa/enable', headers: as(u), payload: { code } });
  expect(enable, 200, 'mfa enable');
  return { secret, recoveryCodes: (enable.json() as { recoveryCodes: string[] }).recoveryCodes };
}

/**
 * Signs up a user (through the API) with `role` (default owner) in `orgId` (default: a new
 * organization) and returns the session cookie, the CSRF token and the ids.
 */
export async function signUp(app: App, opts: { email?: string; role?: OrgRole; orgId?: string; org?: string; name?: string } = {}): Promise<SignedIn> {
  const { db, now } = app.keygradeAuthz;
  const email = opts.email ?? `user${++seq}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const res = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password: TEST_PASSWORD, name: opts.name ?? email.split('@')[0] } });
  expect(res, 201, 'signup');
  const userId = (res.json() as { user: { id: string } }).user.id;
  const cookie = sessionCookieOf(res)!;
  const session = await app.inject({ url: '/api/auth/session', headers: { cookie } });
  expect(session, 200, 'session');
  const csrf = (session.json() as { csrfToken: string }).csrfToken;
  const role = opts.role ?? 'owner';
  const u: SignedIn = { cookie, csrf, userId, orgId: '', email, password: TEST_PASSWORD };
  // MFA first: an owner without it could not use anything but /api/auth/*.
  if (MFA_ROLES.has(role)) {
    const m = await enableMfa(app, u);
    u.mfaSecret = m.secret;
    u.recoveryCodes = m.recoveryCodes;
  }
  const orgId = opts.orgId ?? opts.org;
  if (orgId) {
    await addMember(db.kysely, orgId, userId, role, now());
    u.orgId = orgId;
  } else {
    const org = await db.kysely.transaction().execute((trx) => createOrg(trx, { name: `Org of ${email}`, ownerId: null }, now()));
    await addMember(db.kysely, org.id, userId, role, now());
    u.orgId = org.id;
  }
  return u;
}

/**
 * An API token. `scopes` are organization permissions (`org:read`, …) expanded with `orgId`, or
 * full scope strings (`org:read:<id>`, `log:read:<log>`).
 */
export async function bearer(app: App, opts: { orgId?: string; scopes: string[] } | string[]): Promise<string> {
  const { scopes, orgId } = Array.isArray(opts) ? { scopes: opts, orgId: undefined } : opts;
  const full = scopes.map((s) => (orgId && s.split(':').length === 2 && !s.startsWith('log:') ? `${s}:${orgId}` : s));
  const { now } = app.keygradeAuthz;
  const r = await createToken(app.keygradeAuthz.db.kysely, { name: `test-${++seq}`, scopes: full, expiresAt: new Date(now().getTime() + 86_400_000) }, now());
  return r.token;
}

/** Injects with JSON and returns status and parsed body, for terse tests. */
export async function call(app: App, req: InjectOptions): Promise<{ status: number; body: Record<string, unknown>; res: LightMyRequestResponse }> {
  const res = await app.inject(req);
  let body: Record<string, unknown>;
  try {
    body = res.json();
  } catch {
    body = {};
  }
  return { status: res.statusCode, body, res };
}
