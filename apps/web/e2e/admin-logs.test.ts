/**
 * The instance administrator sees the tamper-evident logs: the audit log with its size, the
 * witness registered by scripts/test-browser.mjs (never cosigned yet) and the alerts; other users
 * get no such page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { BASE, apiUserWithOrg, launch, needs, newContext, screenshot, signInContext, watchErrors } from './harness.js';

const ADMIN = process.env.KEYGRADE_E2E_ADMIN_EMAIL;
const SKIP = needs('/api/admin/logs', '/api/auth/login') || (ADMIN ? false : 'needs the administrator made by scripts/test-browser.mjs');

describe('audit logs and witnesses (instance administrator)', { skip: SKIP }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('the administrator sees each log, its witnesses and alerts; a member does not', async () => {
    const res = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN, password: process.env.KEYGRADE_E2E_ADMIN_PASSWORD }) });
    assert.equal(res.status, 200, await res.clone().text());
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const context = await newContext(browser);
    await signInContext(context, { email: ADMIN!, password: '', cookie, csrf: '' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto('/');
    await page.getByRole('link', { name: 'Audit logs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit logs and witnesses' }).waitFor();
    const audit = page.getByRole('region', { name: /keygrade-audit/ });
    await audit.waitFor();
    assert.match((await audit.textContent()) ?? '', /witness-e2e\.example/);
    assert.match((await audit.textContent()) ?? '', /never cosigned/);
    await screenshot(page, 'audit-logs');
    assert.deepEqual(errors, []);

    // A member of an organization (not the administrator) has no link and no page.
    const member = await apiUserWithOrg('Not admin');
    const other = await newContext(browser);
    await signInContext(other, member);
    const p2 = await other.newPage();
    await p2.goto('/admin/logs');
    await p2.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    assert.equal(await p2.getByRole('link', { name: 'Audit logs' }).count(), 0);
  });
});
