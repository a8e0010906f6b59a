import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { MasterKey, decodeSecret, totp } from '@keygrade/db';
import { testBackends } from '@keygrade/db/testing';
import { REDACT } from './app.js';
import { TEST_PASSWORD, as, bearer, call, sessionCookieOf, signUp, testApp } from './testing.js';

test('request logs never contain passwords, session cookies, CSRF tokens, API tokens or TOTP codes', async () => {
  const db = await testBackends()[0]!.open();
  let logged = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged += chunk.toString('utf8');
      done();
    },
  });
  const app = await testApp(db, MasterKey.generate(), { logger: { level: 'trace', redact: REDACT, stream } });
  try {
    const owner = await signUp(app, { email: 'logged@example.test' });
    const token = await bearer(app, { orgId: owner.orgId, scopes: ['org:read'] });
    await call(app, { url: `/api/orgs/${owner.orgId}/systems`, headers: { authorization: `Bearer ${token}` } });
    // The TOTP code of this step was used to enable MFA: sign in with a recovery code.
    const code = owner.recoveryCodes![0]!;
    const used = totp(decodeSecret(owner.mfaSecret!), new Date());
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: owner.email, password: TEST_PASSWORD, code } });
    assert.equal(login.statusCode, 200, login.body);
    const cookie = sessionCookieOf(login)!;
    await call(app, { method: 'POST', url: '/api/auth/logout', headers: as({ cookie, csrf: owner.csrf }) });
    await call(app, { method: 'POST', url: '/api/auth/login', payload: { email: owner.email, password: 'a wrong passphrase 99' } });
    assert.ok(logged.length > 1000, 'the requests were logged');
    for (const [what, secret] of [
      ['password', TEST_PASSWORD],
      ['session cookie', owner.cookie.split('=')[1]!],
      ['new session cookie', cookie.split('=')[1]!],
      ['CSRF token', owner.csrf],
      ['API token', token],
      ['API token secret', token.split('_').slice(2).join('_')],
      ['recovery code', code],
      ['TOTP code', `"${used}"`],
      ['TOTP secret', owner.mfaSecret!],
      ['wrong password', 'a wrong passphrase 99'],
    ] as const) {
      assert.ok(!logged.includes(secret), `the log contains the ${what}`);
    }
  } finally {
    await app.close();
    await db.close();
  }
});
