import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MasterKey } from '../secrets.js';
import { postgresSkipNote, testBackends, type TestDb } from '../test-databases.js';
import { allows, allowsOrg, checkToken, createToken, scopeOrg, tokenInOrg, validateScopes } from '../tokens.js';
import { acceptInvitation, createInvitation, listInvitations } from './invitations.js';
import { addMember, createOrg, listMembers, removeMember, roleIn, setMemberRole } from './orgs.js';
import { DEFAULT_POLICY } from './policy.js';
import { hitRateLimit } from './rate-limit.js';
import { consumeRecoveryCode, replaceRecoveryCodes } from './recovery-codes.js';
import { checkSession, checkSessionUser, createSession } from './sessions.js';
import { acceptTotp, beginMfaSetup, createUser, enableMfa, lockedFor, recordLoginFailure, resetLoginFailures } from './users.js';
import { totp } from './totp.js';

const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);
const t0 = new Date('2026-11-22T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const HASH = '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('token scopes', () => {
  test('organization scopes sit beside the log scopes, without wildcards or org:admin', () => {
    validateScopes(['log:append:acme', 'log:read:*', 'org:read:3f1c-org', 'answer:write:3f1c-org', 'system:write:3f1c-org']);
    for (const bad of ['org:admin:3f1c', 'org:read:*', 'org:read:', 'answer:write', 'system:delete:x']) assert.throws(() => validateScopes([bad]), { code: 'TOKEN_SCOPE_INVALID' }, bad);
    assert.deepEqual(scopeOrg('answer:write:o1'), { permission: 'answer:write', orgId: 'o1' });
    assert.equal(scopeOrg('log:read:acme'), undefined);
    const info = { id: 'x', name: 'x', scopes: ['org:read:o1', 'log:read:acme'], createdAt: '', expiresAt: null, revokedAt: null };
    assert.equal(allowsOrg(info, 'org:read', 'o1'), true);
    assert.equal(allowsOrg(info, 'answer:write', 'o1'), false);
    assert.equal(allowsOrg(info, 'org:read', 'o2'), false);
    assert.equal(tokenInOrg(info, 'o1'), true);
    assert.equal(allows(info, 'read', 'acme'), true, 'log behaviour unchanged');
  });
});

for (const backend of testBackends()) {
  describe(`accounts store on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });
    const open = async () => {
      const db = await backend.open();
      dbs.push(db);
      return db;
    };

    test('first user is admin; emails are unique case-insensitively', async () => {
      const db = await open();
      const a = await createUser(db.kysely, db.dialect, { email: 'A@x.io', password: '', name: 'A', passwordHash: HASH }, t0);
      const b = await createUser(db.kysely, db.dialect, { email: 'b@x.io', password: '', name: 'B', passwordHash: HASH }, t0);
      assert.deepEqual([a.isAdmin, a.email, b.isAdmin], [true, 'a@x.io', false]);
      await assert.rejects(createUser(db.kysely, db.dialect, { email: 'a@X.IO', password: '', name: 'A', passwordHash: HASH }, t0), { code: 'EMAIL_TAKEN' });
    });

    test('lockout: 5 failures within 15 minutes lock for 15 minutes; a success resets the count', async () => {
      const db = await open();
      const u = await createUser(db.kysely, db.dialect, { email: 'l@x.io', password: '', name: 'L', passwordHash: HASH }, t0);
      for (let i = 0; i < 4; i++) assert.equal((await recordLoginFailure(db.kysely, u.id, later(i * 60_000))).locked, false);
      await resetLoginFailures(db.kysely, u.id);
      for (let i = 0; i < 4; i++) assert.equal((await recordLoginFailure(db.kysely, u.id, later(i * 60_000))).locked, false);
      const r = await recordLoginFailure(db.kysely, u.id, later(4 * 60_000));
      assert.equal(r.locked, true);
      const row = await db.kysely.selectFrom('app_user').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
      assert.equal(lockedFor(row, later(4 * 60_000)), DEFAULT_POLICY.lockoutMs);
      assert.equal(lockedFor(row, later(19 * 60_000 + 1)), 0);
    });

    test('sessions: idle 12 h, absolute 7 days, malformed cookies refused', async () => {
      const db = await open();
      const u = await createUser(db.kysely, db.dialect, { email: 's@x.io', password: '', name: 'S', passwordHash: HASH }, t0);
      const { cookie } = await createSession(db.kysely, u.id, t0);
      assert.equal((await checkSession(db.kysely, cookie, later(11 * 3600_000))).ok, true);
      assert.deepEqual(await checkSession(db.kysely, cookie, later(23 * 3600_000 + 1)), { ok: false, reason: 'expired' });
      assert.deepEqual(await checkSession(db.kysely, cookie, later(23 * 3600_000 + 2)), { ok: false, reason: 'unknown' }, 'deleted');
      assert.deepEqual(await checkSession(db.kysely, "x' or 1=1 --", t0), { ok: false, reason: 'malformed' });
      // The joined per-request form agrees and carries the user.
      const second = await createSession(db.kysely, u.id, t0);
      const joined = await checkSessionUser(db.kysely, second.cookie, later(11 * 3600_000));
      assert.ok(joined.ok);
      assert.equal(joined.user.email, 's@x.io');
      assert.equal(joined.session.csrfToken, second.session.csrfToken);
      assert.deepEqual(await checkSessionUser(db.kysely, second.cookie, later(23 * 3600_000 + 1)), { ok: false, reason: 'expired' });
      assert.deepEqual(await checkSessionUser(db.kysely, second.cookie, t0), { ok: false, reason: 'unknown' });
      assert.deepEqual(await checkSessionUser(db.kysely, 'short', t0), { ok: false, reason: 'malformed' });
    });

    test('MFA: enable with a code, never accept a code twice; recovery codes are single-use', async () => {
      const db = await open();
      const master = MasterKey.generate();
      const u = await createUser(db.kysely, db.dialect, { email: 'm@x.io', password: '', name: 'M', passwordHash: HASH }, t0);
      const key = await beginMfaSetup(db.kysely, master, u.id);
      await assert.rejects(enableMfa(db.kysely, master, u.id, '000000' === totp(key, t0) ? '111111' : '000000', t0), { code: 'MFA_CODE_INVALID' });
      const codes = await enableMfa(db.kysely, master, u.id, totp(key, t0), t0);
      assert.equal(await acceptTotp(db.kysely, master, u.id, totp(key, t0), t0), false, 'same step again');
      assert.equal(await acceptTotp(db.kysely, master, u.id, totp(key, later(30_000)), later(30_000)), true);
      assert.equal(await consumeRecoveryCode(db.kysely, u.id, codes[3]!, t0), true);
      assert.equal(await consumeRecoveryCode(db.kysely, u.id, codes[3]!, t0), false);
      const fresh = await replaceRecoveryCodes(db.kysely, u.id, t0);
      assert.equal(await consumeRecoveryCode(db.kysely, u.id, codes[4]!, t0), false, 'old codes are gone');
      assert.equal(await consumeRecoveryCode(db.kysely, u.id, fresh[0]!, t0), true);
      const sealed = await db.kysely.selectFrom('app_user').select('mfa_secret').where('id', '=', u.id).executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(sealed.mfa_secret!).includes(Buffer.from(key)), 'the secret is sealed');
    });

    test('two owners demoting each other at the same moment: exactly one succeeds, one owner is left', async () => {
      const db = await open();
      for (let round = 0; round < 5; round++) {
        const a = await createUser(db.kysely, db.dialect, { email: `a${round}@race.io`, password: '', name: 'A', passwordHash: HASH }, t0);
        const b = await createUser(db.kysely, db.dialect, { email: `b${round}@race.io`, password: '', name: 'B', passwordHash: HASH }, t0);
        const org = await createOrg(db.kysely, { name: `Race ${round}`, ownerId: a.id }, t0);
        await addMember(db.kysely, org.id, b.id, 'owner', t0);
        const demote = (id: string) => db.kysely.transaction().execute((trx) => setMemberRole(trx, org.id, id, 'viewer'));
        const outcomes = await Promise.allSettled([demote(a.id), demote(b.id)]);
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, `round ${round}: ${JSON.stringify(outcomes.map((o) => o.status))}`);
        const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        assert.equal((rejected.reason as { code: string }).code, 'LAST_OWNER');
        const owners = await db.kysely.selectFrom('membership').select('user_id').where('org_id', '=', org.id).where('role', '=', 'owner').execute();
        assert.equal(owners.length, 1);
      }
    });

    test('memberships: the last owner stays; invitations are single-use and expire', async () => {
      const db = await open();
      const o = await createUser(db.kysely, db.dialect, { email: 'o@x.io', password: '', name: 'O', passwordHash: HASH }, t0);
      const v = await createUser(db.kysely, db.dialect, { email: 'v@x.io', password: '', name: 'V', passwordHash: HASH }, t0);
      const org = await createOrg(db.kysely, { name: 'Acme', ownerId: o.id }, t0);
      await assert.rejects(setMemberRole(db.kysely, org.id, o.id, 'viewer'), { code: 'LAST_OWNER' });
      await assert.rejects(removeMember(db.kysely, org.id, o.id), { code: 'LAST_OWNER' });
      const { token } = await createInvitation(db.kysely, { orgId: org.id, email: 'V@x.io', role: 'keyholder', invitedBy: o.id }, t0);
      assert.equal((await listInvitations(db.kysely, org.id, t0)).length, 1);
      const r = await acceptInvitation(db.kysely, token, { id: v.id, email: 'v@x.io' }, later(1000));
      assert.equal(r.role, 'keyholder');
      await assert.rejects(acceptInvitation(db.kysely, token, { id: v.id, email: 'v@x.io' }, later(2000)), { code: 'INVITATION_NOT_FOUND' });
      const late = await createInvitation(db.kysely, { orgId: org.id, email: 'w@x.io', role: 'viewer', invitedBy: o.id }, t0);
      await assert.rejects(acceptInvitation(db.kysely, late.token, { id: v.id, email: 'w@x.io' }, later(DEFAULT_POLICY.invitationMs + 1)), { code: 'INVITATION_NOT_FOUND' });
      await setMemberRole(db.kysely, org.id, v.id, 'owner');
      await setMemberRole(db.kysely, org.id, o.id, 'viewer');
      assert.equal(await roleIn(db.kysely, org.id, o.id), 'viewer');
      await assert.rejects(addMember(db.kysely, org.id, o.id, 'owner', t0), { code: 'ALREADY_MEMBER' });
      assert.deepEqual((await listMembers(db.kysely, org.id)).map((m) => [m.email, m.role]), [['o@x.io', 'viewer'], ['v@x.io', 'owner']]);
    });

    test('rate limit: a fixed window shared through the database', async () => {
      const db = await open();
      const hits = [];
      for (let i = 0; i < 4; i++) hits.push(await hitRateLimit(db.kysely, 'login:ip:1.2.3.4', 3, 60_000, later(i * 1000)));
      assert.deepEqual(hits.map((h) => h.allowed), [true, true, true, false]);
      assert.equal(hits[3]!.retryAfter, 57);
      assert.equal((await hitRateLimit(db.kysely, 'login:ip:1.2.3.4', 3, 60_000, later(60_000))).allowed, true, 'new window');
      assert.equal((await hitRateLimit(db.kysely, 'login:ip:5.6.7.8', 3, 60_000, later(1000))).allowed, true);
    });

    test('tokens: organization tokens check like log tokens', async () => {
      const db = await open();
      const { token } = await createToken(db.kysely, { name: 'ci', scopes: ['org:read:o1'], expiresAt: later(1000) }, t0);
      const ok = await checkToken(db.kysely, token, t0);
      assert.ok(ok.ok && allowsOrg(ok.info, 'org:read', 'o1'));
      assert.deepEqual(await checkToken(db.kysely, token, later(1000)), { ok: false, reason: 'expired' });
    });
  });
}
