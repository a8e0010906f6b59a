import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { AUDIT_LOG, MasterKey, decodeSecret, totp } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import type { App, AppDeps } from './app.js';
import { TEST_PASSWORD, as, bearer, call, sessionCookieOf, signUp, testApp } from './testing.js';

const master = MasterKey.generate();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

/** A clock the test moves. */
function clock(start = '2026-11-22T10:00:00Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

const auditCount = async (db: TestDb) => Number((await db.kysely.selectFrom('log_entry').select((e) => e.fn.countAll<number>().as('n')).where('log', '=', AUDIT_LOG).executeTakeFirstOrThrow()).n);
const auditActions = async (db: TestDb) => (await db.kysely.selectFrom('log_entry').select(['data']).where('log', '=', AUDIT_LOG).orderBy('idx').execute()).map((r) => JSON.parse(Buffer.from(r.data).toString()) as Record<string, string>);

for (const backend of testBackends()) {
  describe(`accounts API on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });
    const ctx = async (extra: Partial<AppDeps> = {}) => {
      const db = await backend.open();
      dbs.push(db);
      const c = clock();
      const app: App = await testApp(db, master, { now: c.now, ...extra });
      return { db, app, clock: c };
    };
    const login = (app: App, payload: Record<string, unknown>, ip = '10.0.0.1') => call(app, { method: 'POST', url: '/api/auth/login', payload, remoteAddress: ip });

    test('sign-up: the first user is instance admin, later ones are not; weak passwords and duplicates are refused', async () => {
      const { app, db } = await ctx();
      const first = await call(app, { method: 'POST', url: '/api/auth/signup', payload: { email: 'Ada@Example.com', password: TEST_PASSWORD, name: 'Ada' } });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.deepEqual({ ...(first.body.user as object), id: undefined }, { id: undefined, email: 'ada@example.com', name: 'Ada', isAdmin: true, mfaEnabled: false });
      const cookie = first.res.cookies.find((c) => c.name === 'kg_session')!;
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      const second = await call(app, { method: 'POST', url: '/api/auth/signup', payload: { email: 'bob@example.com', password: TEST_PASSWORD, name: 'Bob' } });
      assert.equal((second.body.user as { isAdmin: boolean }).isAdmin, false);
      const dup = await call(app, { method: 'POST', url: '/api/auth/signup', payload: { email: 'ADA@example.com', password: TEST_PASSWORD, name: 'Ada 2' } });
      assert.equal(dup.status, 409);
      assert.equal(dup.body.error, 'EMAIL_TAKEN');
      const weak = await call(app, { method: 'POST', url: '/api/auth/signup', payload: { email: 'c@example.com', password: 'password1234', name: 'C' } });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error, 'PASSWORD_WEAK');
      assert.deepEqual((weak.body.problems as { path: string }[]).map((p) => p.path), ['password']);
      const bad = await call(app, { method: 'POST', url: '/api/auth/signup', payload: { email: 'not-an-email', password: 1, name: '' } });
      assert.equal(bad.status, 400);
      assert.deepEqual((bad.body.problems as { path: string }[]).map((p) => p.path).sort(), ['email', 'name', 'password']);
      const actions = await auditActions(db);
      assert.deepEqual(actions.map((a) => a.action), ['user.signup', 'user.signup']);
      assert.ok(!JSON.stringify(actions).includes(TEST_PASSWORD), 'no password in the audit log');
      const secure = await ctx({ accounts: { secureCookies: true } });
      const s = await call(secure.app, { method: 'POST', url: '/api/auth/signup', payload: { email: 'ada@example.com', password: TEST_PASSWORD, name: 'Ada' } });
      assert.equal(s.res.cookies.find((c) => c.name === 'kg_session')!.secure, true);
    });

    test('session: GET /api/auth/session gives the user, CSRF token and memberships; logout ends it', async () => {
      const { app } = await ctx();
      const u = await signUp(app, { role: 'viewer' });
      const s = await call(app, { url: '/api/auth/session', headers: { cookie: u.cookie } });
      assert.equal(s.status, 200);
      assert.equal(s.body.csrfToken, u.csrf);
      assert.deepEqual(s.body.memberships, [{ org: { id: u.orgId, name: `Org of ${u.email}` }, role: 'viewer' }]);
      assert.equal(s.body.mfaRequired, false);
      assert.equal((await call(app, { url: '/api/auth/session' })).body.error, 'SESSION_REQUIRED');
      const out = await call(app, { method: 'POST', url: '/api/auth/logout', headers: as(u) });
      assert.equal(out.status, 204);
      const again = await call(app, { url: '/api/auth/session', headers: { cookie: u.cookie } });
      assert.equal(again.status, 401);
      assert.equal(again.body.error, 'SESSION_EXPIRED');
    });

    test('login: one answer for unknown email and wrong password; 5 failures lock the account for 15 minutes', async () => {
      const { app, clock: c, db } = await ctx();
      const u = await signUp(app, { role: 'viewer' });
      const unknown = await login(app, { email: 'nobody@example.com', password: TEST_PASSWORD });
      const wrong = await login(app, { email: u.email, password: 'wrong password 123' });
      assert.deepEqual([unknown.status, unknown.body.error], [401, 'LOGIN_FAILED']);
      assert.deepEqual(wrong.body, unknown.body);
      for (let i = 0; i < 4; i++) assert.equal((await login(app, { email: u.email, password: `wrong password ${i}` })).status, 401);
      const locked = await login(app, { email: u.email, password: TEST_PASSWORD });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error, 'LOGIN_LOCKED');
      assert.equal(locked.res.headers['retry-after'], '900');
      c.advance(15 * 60_000 + 1000);
      const ok = await login(app, { email: u.email.toUpperCase(), password: TEST_PASSWORD });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(sessionCookieOf(ok.res));
      const actions = (await auditActions(db)).map((a) => a.action);
      assert.ok(actions.includes('user.lockout') && actions.includes('user.login'), actions.join());
      // Failures spread over more than 15 minutes do not lock.
      for (let i = 0; i < 8; i++) {
        assert.equal((await login(app, { email: u.email, password: `wrong ${i} password` })).status, 401, `attempt ${i}`);
        c.advance(4 * 60_000);
      }
    });

    test('per-IP rate limit: 429 with retry-after, other addresses unaffected', async () => {
      const { app } = await ctx({ accounts: { policy: { ipLoginLimit: 3, ipLoginWindowMs: 60_000 } } });
      for (let i = 0; i < 3; i++) assert.equal((await login(app, { email: 'x@example.com', password: 'whatever it is' }, '10.9.9.9')).status, 401);
      const limited = await login(app, { email: 'x@example.com', password: 'whatever it is' }, '10.9.9.9');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error, 'RATE_LIMITED');
      assert.equal(limited.res.headers['retry-after'], '60');
      assert.equal((await login(app, { email: 'x@example.com', password: 'whatever it is' }, '10.9.9.8')).status, 401);
    });

    test('MFA: owners must enable it; login needs a TOTP code, never the same one twice, or a single-use recovery code', async () => {
      const { app, clock: c } = await ctx();
      const plain = await signUp(app, { role: 'viewer' });
      // Creating an organization makes the user an owner: everything but /api/auth/* is refused until MFA is on.
      const org = await call(app, { method: 'POST', url: '/api/orgs', headers: as(plain), payload: { name: 'Acme' } });
      assert.equal(org.status, 201);
      const orgId = (org.body.org as { id: string }).id;
      const gated = await call(app, { url: `/api/orgs/${orgId}`, headers: { cookie: plain.cookie } });
      assert.deepEqual([gated.status, gated.body.error], [403, 'MFA_REQUIRED']);
      assert.equal((await call(app, { url: '/api/auth/session', headers: { cookie: plain.cookie } })).body.mfaRequired, true);

      const setup = await call(app, { method: 'POST', url: '/api/auth/mfa/setup', headers: as(plain) });
      assert.match(String(setup.body.otpauthUrl), /^otpauth:\/\/totp\/Keygrade%3A/);
      const key = decodeSecret(String(setup.body.secret));
      const wrong = await call(app, { method: 'POST', url: '/api/auth/mfa/enable', headers: as(plain), payload: { code: totp(key, new Date(c.now().getTime() + 5 * 60_000)) } });
      assert.deepEqual([wrong.status, wrong.body.error], [400, 'MFA_CODE_INVALID']);
      const enabled = await call(app, { method: 'POST', url: '/api/auth/mfa/enable', headers: as(plain), payload: { code: totp(key, c.now()) } });
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      const codes = enabled.body.recoveryCodes as string[];
      assert.equal(codes.length, 10);
      assert.equal((await call(app, { url: `/api/orgs/${orgId}`, headers: { cookie: plain.cookie } })).status, 200);
      const disable = await call(app, { method: 'POST', url: '/api/auth/mfa/disable', headers: as(plain), payload: { code: codes[9] } });
      assert.deepEqual([disable.status, disable.body.error], [403, 'MFA_REQUIRED_FOR_ROLE']);

      const creds = { email: plain.email, password: TEST_PASSWORD };
      assert.equal((await login(app, creds)).body.error, 'MFA_CODE_REQUIRED');
      // The code used to enable MFA is in the same step: refused.
      assert.equal((await login(app, { ...creds, code: totp(key, c.now()) })).body.error, 'MFA_CODE_INVALID');
      c.advance(30_000);
      const code = totp(key, c.now());
      assert.equal((await login(app, { ...creds, code })).status, 200);
      assert.equal((await login(app, { ...creds, code })).body.error, 'MFA_CODE_INVALID', 'a code is accepted once');
      assert.equal((await login(app, { ...creds, code: codes[0] })).status, 200);
      assert.equal((await login(app, { ...creds, code: codes[0] })).body.error, 'MFA_CODE_INVALID', 'a recovery code is single-use');
      assert.equal((await login(app, { ...creds, code: codes[1]!.toUpperCase() })).status, 200);
    });

    test('MFA can be turned off by a user whose roles do not require it', async () => {
      const { app, clock: c } = await ctx();
      const u = await signUp(app, { role: 'keyholder' });
      const setup = await call(app, { method: 'POST', url: '/api/auth/mfa/setup', headers: as(u) });
      const key = decodeSecret(String(setup.body.secret));
      assert.equal((await call(app, { method: 'POST', url: '/api/auth/mfa/enable', headers: as(u), payload: { code: totp(key, c.now()) } })).status, 200);
      assert.equal((await call(app, { method: 'POST', url: '/api/auth/mfa/setup', headers: as(u) })).body.error, 'MFA_ALREADY_ENABLED');
      c.advance(30_000);
      assert.equal((await call(app, { method: 'POST', url: '/api/auth/mfa/disable', headers: as(u), payload: { code: totp(key, c.now()) } })).status, 204);
      assert.equal((await login(app, { email: u.email, password: TEST_PASSWORD })).status, 200);
    });

    test('CSRF: a cookie-authenticated change without the right token is 403 and writes nothing', async () => {
      const { app, db } = await ctx();
      const u = await signUp(app);
      const before = await auditCount(db);
      const orgsBefore = await db.kysely.selectFrom('org').select('id').execute();
      for (const headers of [{ cookie: u.cookie }, { cookie: u.cookie, 'x-csrf-token': 'x'.repeat(43) }, { cookie: u.cookie, 'x-csrf-token': '' }]) {
        const r = await call(app, { method: 'POST', url: '/api/orgs', headers, payload: { name: 'Evil' } });
        assert.deepEqual([r.status, r.body.error], [403, 'CSRF_INVALID']);
        const d = await call(app, { method: 'DELETE', url: `/api/orgs/${u.orgId}/members/${u.userId}`, headers });
        assert.equal(d.status, 403);
        const l = await call(app, { method: 'POST', url: '/api/auth/logout', headers });
        assert.equal(l.status, 403);
      }
      assert.equal(await auditCount(db), before);
      assert.deepEqual(await db.kysely.selectFrom('org').select('id').execute(), orgsBefore);
      assert.equal((await call(app, { url: '/api/auth/session', headers: { cookie: u.cookie } })).status, 200, 'the session still works');
    });

    test('sessions expire after 12 h idle and 7 days absolute: 401, never a partial write', async () => {
      const { app, clock: c, db } = await ctx();
      const u = await signUp(app, { role: 'viewer' });
      c.advance(11 * 3600_000);
      assert.equal((await call(app, { url: '/api/orgs', headers: { cookie: u.cookie } })).status, 200);
      c.advance(12 * 3600_000 + 1);
      const idle = await call(app, { method: 'POST', url: '/api/orgs', headers: as(u), payload: { name: 'Late' } });
      assert.deepEqual([idle.status, idle.body.error], [401, 'SESSION_EXPIRED']);
      assert.equal((await db.kysely.selectFrom('org').select('id').where('name', '=', 'Late').execute()).length, 0);
      const v = await login(app, { email: u.email, password: TEST_PASSWORD });
      const cookie = sessionCookieOf(v.res)!;
      for (let h = 0; h < 7 * 24; h += 10) {
        assert.equal((await call(app, { url: '/api/orgs', headers: { cookie } })).status, 200, `hour ${h}`);
        c.advance(10 * 3600_000);
      }
      assert.equal((await call(app, { url: '/api/orgs', headers: { cookie } })).status, 401, 'absolute limit');
    });

    test('any change of a session cookie is 401 (property)', async () => {
      const { app } = await ctx();
      const u = await signUp(app, { role: 'viewer' });
      const value = u.cookie.slice('kg_session='.length);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: value.length - 1 }), fc.constantFrom(...'ABCabc012_-'.split('')), fc.boolean(), async (i, ch, truncate) => {
          const changed = truncate ? value.slice(0, i) : value.slice(0, i) + ch + value.slice(i + 1);
          fc.pre(changed !== value);
          const r = await app.inject({ url: '/api/auth/session', headers: { cookie: `kg_session=${changed}` } });
          return r.statusCode === 401;
        }),
        { numRuns: 60 },
      );
    });

    test('password change ends the other sessions', async () => {
      const { app } = await ctx();
      const u = await signUp(app, { role: 'viewer' });
      const other = sessionCookieOf((await login(app, { email: u.email, password: TEST_PASSWORD })).res)!;
      const wrong = await call(app, { method: 'POST', url: '/api/auth/password', headers: as(u), payload: { current: 'not the password', next: 'a brand new passphrase' } });
      assert.deepEqual([wrong.status, wrong.body.error], [400, 'PASSWORD_WRONG']);
      const ok = await call(app, { method: 'POST', url: '/api/auth/password', headers: as(u), payload: { current: TEST_PASSWORD, next: 'a brand new passphrase' } });
      assert.equal(ok.status, 204);
      assert.equal((await call(app, { url: '/api/auth/session', headers: { cookie: other } })).status, 401);
      assert.equal((await call(app, { url: '/api/auth/session', headers: { cookie: u.cookie } })).status, 200);
      assert.equal((await login(app, { email: u.email, password: 'a brand new passphrase' })).status, 200);
    });

    test('invitations: accepted once, by the invited email, within 7 days', async () => {
      const { app, clock: c } = await ctx();
      const owner = await signUp(app);
      const invite = (email: string, role = 'keyholder') => call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/invitations`, headers: as(owner), payload: { email, role } });
      const inv = await invite('Kim@Example.com');
      assert.equal(inv.status, 201, JSON.stringify(inv.body));
      assert.equal((inv.body.invitation as { email: string }).email, 'kim@example.com');
      const list = await call(app, { url: `/api/orgs/${owner.orgId}/invitations`, headers: { cookie: owner.cookie } });
      assert.equal((list.body.invitations as unknown[]).length, 1);
      const kim = await signUp(app, { email: 'kim@example.com', role: 'viewer' });
      const eve = await signUp(app, { email: 'eve@example.com', role: 'viewer' });
      const accept = (u: typeof kim, token: unknown) => call(app, { method: 'POST', url: '/api/invitations/accept', headers: as(u), payload: { token } });
      assert.equal((await accept(eve, inv.body.token)).body.error, 'INVITATION_EMAIL_MISMATCH');
      const ok = await accept(kim, inv.body.token);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual([(ok.body.org as { id: string }).id, ok.body.role], [owner.orgId, 'keyholder']);
      assert.equal((await accept(kim, inv.body.token)).body.error, 'INVITATION_NOT_FOUND');
      assert.equal((await accept(kim, 'A'.repeat(43))).status, 404);
      const members = await call(app, { url: `/api/orgs/${owner.orgId}/members`, headers: { cookie: kim.cookie } });
      assert.deepEqual((members.body.members as { email: string; role: string }[]).map((m) => [m.email, m.role]).sort(), [[owner.email, 'owner'], ['kim@example.com', 'keyholder']].sort());
      const late = await invite('eve@example.com');
      c.advance(7 * 86_400_000 + 1);
      const again = sessionCookieOf((await login(app, { email: eve.email, password: TEST_PASSWORD })).res)!;
      const csrf = String((await call(app, { url: '/api/auth/session', headers: { cookie: again } })).body.csrfToken);
      const expired = await accept({ ...eve, cookie: again, csrf }, late.body.token);
      assert.deepEqual([expired.status, expired.body.error], [404, 'INVITATION_NOT_FOUND']);
    });

    test('member roles: owners change roles; the last owner cannot be demoted or removed', async () => {
      const { app } = await ctx();
      const owner = await signUp(app);
      const lead = await signUp(app, { role: 'security_lead', orgId: owner.orgId });
      const put = (u: typeof owner, userId: string, role: string) => call(app, { method: 'PUT', url: `/api/orgs/${owner.orgId}/members/${userId}`, headers: as(u), payload: { role } });
      assert.deepEqual([(await put(owner, owner.userId, 'viewer')).status, (await put(owner, owner.userId, 'viewer')).body.error], [409, 'LAST_OWNER']);
      assert.equal((await call(app, { method: 'DELETE', url: `/api/orgs/${owner.orgId}/members/${owner.userId}`, headers: as(owner) })).body.error, 'LAST_OWNER');
      assert.equal((await put(lead, owner.userId, 'viewer')).status, 403, 'a security lead cannot change roles');
      assert.equal((await put(owner, 'no-such-user', 'viewer')).body.error, 'MEMBER_NOT_FOUND');
      assert.equal((await put(owner, lead.userId, 'superuser')).status, 400);
      const promoted = await put(owner, lead.userId, 'owner');
      assert.deepEqual(promoted.body, { userId: lead.userId, role: 'owner', previous: 'security_lead' });
      // The new owner has no MFA yet: gated until they set it up.
      assert.equal((await call(app, { url: `/api/orgs/${owner.orgId}`, headers: { cookie: lead.cookie } })).body.error, 'MFA_REQUIRED');
      assert.equal((await put(owner, owner.userId, 'viewer')).status, 200);
      assert.equal((await call(app, { url: `/api/orgs/${owner.orgId}/members`, headers: { cookie: owner.cookie } })).status, 200);
    });

    test('cross-organization access is 404, for users and tokens', async () => {
      const { app } = await ctx();
      const a = await signUp(app);
      const b = await signUp(app);
      for (const url of [`/api/orgs/${b.orgId}`, `/api/orgs/${b.orgId}/members`, `/api/orgs/${b.orgId}/invitations`, `/api/orgs/no-such-org`]) {
        const r = await call(app, { url, headers: { cookie: a.cookie } });
        assert.deepEqual([r.status, r.body.error], [404, 'ORG_NOT_FOUND'], url);
      }
      const r = await call(app, { method: 'PUT', url: `/api/orgs/${b.orgId}/members/${b.userId}`, headers: as(a), payload: { role: 'viewer' } });
      assert.equal(r.status, 404);
      const t = await bearer(app, { orgId: a.orgId, scopes: ['org:read', 'answer:write', 'system:write'] });
      assert.equal((await call(app, { url: `/api/orgs/${b.orgId}`, headers: { authorization: `Bearer ${t}` } })).status, 404);
    });

    test('API tokens: created by owners for their organization, exactly the permissions of their scopes', async () => {
      const { app, clock: c, db } = await ctx();
      const owner = await signUp(app);
      const create = (payload: Record<string, unknown>) => call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/tokens`, headers: as(owner), payload });
      const expiresAt = new Date(c.now().getTime() + 30 * 86_400_000).toISOString();
      const made = await create({ name: 'ci', scopes: ['org:read'], expiresAt });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.deepEqual((made.body.info as { scopes: string[] }).scopes, [`org:read:${owner.orgId}`]);
      assert.equal((await create({ name: 'x', scopes: ['org:admin'], expiresAt })).status, 400);
      assert.equal((await create({ name: 'x', scopes: ['org:read'], expiresAt: new Date(c.now().getTime() - 1000).toISOString() })).status, 400);
      const auth = { authorization: `Bearer ${String(made.body.token)}` };
      assert.equal((await call(app, { url: `/api/orgs/${owner.orgId}`, headers: auth })).status, 200);
      assert.equal((await call(app, { url: `/api/orgs/${owner.orgId}/members`, headers: auth })).status, 200);
      const admin = await call(app, { url: `/api/orgs/${owner.orgId}/invitations`, headers: auth });
      assert.deepEqual([admin.status, admin.body.error], [403, 'FORBIDDEN']);
      assert.equal((await call(app, { url: '/api/auth/session', headers: auth })).status, 403, 'tokens are not users');
      const listed = await call(app, { url: `/api/orgs/${owner.orgId}/tokens`, headers: { cookie: owner.cookie } });
      const id = (listed.body.tokens as { id: string }[])[0]!.id;
      assert.equal((await call(app, { method: 'DELETE', url: `/api/orgs/${owner.orgId}/tokens/${id}`, headers: as(owner) })).status, 204);
      assert.deepEqual((await call(app, { url: `/api/orgs/${owner.orgId}`, headers: auth })).body.error, 'TOKEN_INVALID');
      c.advance(31 * 86_400_000);
      const t2 = await bearer(app, { orgId: owner.orgId, scopes: ['org:read'] });
      assert.equal((await call(app, { url: `/api/orgs/${owner.orgId}`, headers: { authorization: `Bearer ${t2}` } })).status, 200);
      c.advance(2 * 86_400_000);
      assert.equal((await call(app, { url: `/api/orgs/${owner.orgId}`, headers: { authorization: `Bearer ${t2}` } })).body.error, 'TOKEN_INVALID', 'expired');
      const audit = JSON.stringify(await auditActions(db));
      assert.ok(!audit.includes(String(made.body.token)), 'no token secret in the audit log');
    });

    test('the OpenAPI document lists the account routes and /api/docs renders it without third-party code', async () => {
      const { app } = await ctx();
      const doc = (await call(app, { url: '/api/openapi.json' })).body as { paths: Record<string, Record<string, unknown>> };
      for (const p of ['/api/auth/signup', '/api/auth/login', '/api/auth/session', '/api/orgs/{orgId}/members/{userId}', '/api/invitations/accept', '/api/orgs/{orgId}/tokens']) assert.ok(doc.paths[p], p);
      const page = await app.inject({ url: '/api/docs' });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'sha256-/);
      assert.ok(page.body.includes("fetch('/api/openapi.json'"));
      assert.ok(!/https?:\/\//.test(page.body), 'no external URLs');
    });
  });
}
