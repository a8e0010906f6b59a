/** Changing the password from the account page: a wrong current password is refused; afterwards only the new one signs in. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { BASE, apiUserWithOrg, launch, needs, newContext, nextStep, signInContext, totp, watchErrors } from './harness.js';

describe('changing the password', { skip: needs('/api/auth/password') }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('wrong current password refused; the new one works and the old one no longer does', async () => {
    const user = await apiUserWithOrg('Password Custody');
    const context = await newContext(browser);
    await signInContext(context, user);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto('/mfa');
    const form = page.getByRole('region', { name: 'Change your password' });
    await form.getByLabel('Current password').fill('not my password at all');
    await form.getByLabel('New password', { exact: true }).fill('a brand new passphrase 2026');
    await form.getByLabel('New password again').fill('a brand new passphrase 2026');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').waitFor();
    assert.match((await form.getByRole('alert').textContent()) ?? '', /wrong/);
    await form.getByLabel('Current password').fill(user.password);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Password changed.').waitFor();
    assert.deepEqual(errors, []);

    await nextStep(); // a fresh TOTP step for each sign-in below
    const login = (password: string) =>
      fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password, code: totp(user.secret!) }) });
    assert.equal((await login(user.password)).status, 401);
    assert.equal((await login('a brand new passphrase 2026')).status, 200);
  });
});
