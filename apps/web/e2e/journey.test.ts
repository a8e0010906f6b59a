/**
 * The path of issue 4 through the real UI: sign-up → MFA set-up (TOTP from the secret shown) →
 * organization → system → assessment → answer the checklist and watch the level change → upload
 * evidence → download a report (a real PDF) → sign in again with a recovery code. Also: two
 * editors of one answer get a 409 and choose. Screenshots of the main pages go to docs/screenshots.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BASE, launch, needs, newContext, screenshot, totp, watchErrors } from './harness.js';

const AUTH = needs('/api/auth/signup', '/api/auth/login', '/api/auth/session', '/api/auth/mfa/setup', '/api/auth/mfa/enable', '/api/orgs');
const DOMAIN = AUTH || needs('/api/orgs/{orgId}/systems', '/api/systems/{systemId}/assessments', '/api/assessments/{assessmentId}/checklist', '/api/assessments/{assessmentId}/answers/{requirementId}');
const EVIDENCE = DOMAIN || needs('/api/orgs/{orgId}/evidence', '/api/assessments/{assessmentId}/answers/{requirementId}/evidence');
const REPORT = DOMAIN || needs('/api/assessments/{assessmentId}/report', '/api/assessments/{assessmentId}/export');

describe('the self-assessment journey in the browser', { skip: AUTH }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const email = `journey-${Date.now()}@example.com`;
  const password = 'a long enough passphrase 2026';
  let recoveryCodes: string[] = [];
  let orgUrl = '';
  let systemUrl = '';
  let checklistUrl = '';

  before(async () => {
    browser = await launch();
    context = await newContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
  });
  after(async () => {
    await browser?.close();
  });

  test('an unknown visitor lands on sign-in', async () => {
    await page.goto('/');
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');
  });

  test('sign-up, then MFA set-up with a TOTP code computed from the secret shown', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Ada Keyholder');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/mfa/);
    const secret = (await page.getByTestId('mfa-secret').textContent()) ?? '';
    assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'a base32 secret is shown');
    const url = (await page.getByTestId('mfa-otpauth').textContent()) ?? '';
    assert.ok(url.startsWith('otpauth://totp/') && url.includes(`secret=${secret}`), `otpauth URL carries the secret: ${url}`);
    assert.equal(await page.getByRole('img', { name: 'QR code for your authenticator app' }).count(), 1);
    await page.getByLabel('Code from the app').fill(totp(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    recoveryCodes = await page.locator('.recovery-codes code').allTextContents();
    assert.equal(recoveryCodes.length, 10);
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.waitForURL(/\/orgs$/);
    // Nothing secret is kept in web storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    assert.ok(!stored.includes(secret) && !recoveryCodes.some((c) => stored.includes(c)), 'no secret or recovery code in storage');
    assert.ok(!stored.includes('kg_session'), 'the session cookie is HttpOnly');
  });

  test('create an organization and a system', { skip: DOMAIN }, async () => {
    await page.getByLabel('Organization name').fill('Acme Custody');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme Custody' }).waitFor();
    orgUrl = page.url();
    await page.getByRole('button', { name: 'New system' }).click();
    await page.getByLabel('System name').fill('Cold storage');
    await page.getByLabel('Designation').fill('BTC cold wallet');
    await page.getByLabel('Wallets in scope').fill('vault-1, vault-2');
    await page.getByRole('button', { name: 'Create system' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cold storage' }).waitFor();
    systemUrl = page.url();
    assert.match(systemUrl, /\/systems\//);
    await page.getByText('vault-1, vault-2').waitFor();
  });

  test('start an assessment: the scorecard shows Level 0', { skip: DOMAIN }, async () => {
    await page.getByLabel('CCSS edition').selectOption('ccss-2020');
    await page.getByLabel('Target level').selectOption('1');
    await page.getByRole('button', { name: 'Start assessment' }).click();
    await page.getByRole('heading', { name: 'Scorecard' }).waitFor();
    assert.equal((await page.locator('.system-level-line .level').textContent())?.trim(), 'Level 0 (uncertified)');
    assert.ok((await page.locator('table.matrix tbody tr').count()) >= 5, 'one row per aspect');
  });

  test('answer the checklist and watch the level change', { skip: DOMAIN }, async () => {
    await page.getByRole('link', { name: 'Open the checklist' }).click();
    await page.getByRole('heading', { level: 1, name: 'Checklist' }).waitFor();
    checklistUrl = page.url();
    const level = page.locator('.live-bar .level');
    assert.equal((await level.textContent())?.trim(), 'Level 0 (uncertified)');
    await page.getByLabel('Up to level').selectOption('1');
    const cards = page.locator('article.req');
    const n = await cards.count();
    assert.ok(n > 3, `level I requirements listed (${n})`);
    for (let i = 0; i < n; i++) {
      const card = cards.nth(i);
      if (i === 0) {
        // A status that must carry a field shows it; saving without it is refused by the form.
        await card.getByLabel('Status').selectOption('not_applicable');
        await card.getByLabel('Justification').fill('No hot wallet in this system.');
      } else if (i === 1) {
        await card.getByLabel('Status').selectOption('in_place_comparable');
        await card.getByLabel('Comparable control').fill('Dual control enforced by the HSM quorum.');
      } else {
        await card.getByLabel('Status').selectOption('in_place');
      }
      await card.getByLabel('Note').fill(`Checked in the e2e run (${i})`);
      await card.getByRole('button', { name: 'Save' }).click();
      await card.getByText('Saved', { exact: true }).waitFor();
      // The level stays 0 until the last level I requirement is satisfied.
      if (i < n - 1) assert.equal((await level.textContent())?.trim(), 'Level 0 (uncertified)', `still level 0 after ${i + 1} of ${n}`);
    }
    await page.locator('.live-bar .level', { hasText: 'Level I' }).waitFor();
    await page.getByLabel('Up to level').selectOption('3');
    await page.locator('article.req').first().scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'checklist');
  });

  test('upload evidence from the checklist and link it', { skip: EVIDENCE }, async () => {
    const card = page.locator('article.req').first();
    await card.locator('summary', { hasText: 'Add evidence' }).click();
    await card.getByLabel('File').setInputFiles({ name: 'key-ceremony.txt', mimeType: 'text/plain', buffer: Buffer.from('Key ceremony transcript, 2026-05-01\n') });
    await card.getByLabel('Title').fill('Key ceremony transcript');
    await card.getByRole('button', { name: 'Upload and link' }).click();
    await card.locator('.evidence-links a', { hasText: 'Key ceremony transcript' }).waitFor();
    // It survives a reload (the link is stored on the server).
    await page.reload();
    await page.locator('article.req').first().locator('.evidence-links a', { hasText: 'Key ceremony transcript' }).waitFor();
  });

  test('the evidence library: upload with metadata, list, download', { skip: EVIDENCE }, async () => {
    await page.goto(`${orgUrl}/evidence`);
    await page.getByRole('heading', { level: 1, name: 'Evidence library' }).waitFor();
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'hsm-policy.json', mimeType: 'application/json', buffer: Buffer.from('{"quorum":"2-of-3"}\n') });
    await page.getByLabel('Title', { exact: true }).fill('HSM quorum policy');
    await page.getByLabel('Source system', { exact: true }).fill('HSM cluster A');
    await page.getByLabel('Tool', { exact: true }).fill('hsm-cli export-policy');
    await page.getByLabel('Owner', { exact: true }).fill('Security lead');
    await page.getByLabel('Expires', { exact: true }).fill('2027-12-31');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('“HSM quorum policy” was uploaded.').waitFor();
    const rows = page.locator('table.evidence-table tbody tr');
    await rows.filter({ hasText: 'HSM quorum policy' }).waitFor();
    assert.equal(await rows.count(), 2);
    assert.ok((await rows.filter({ hasText: 'HSM quorum policy' }).textContent())?.includes('HSM cluster A'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'HSM quorum policy' }).click()]);
    assert.equal(readFileSync((await download.path())!, 'utf8'), '{"quorum":"2-of-3"}\n');
    await screenshot(page, 'evidence-library');
  });

  test('the system page: scorecard at Level I and the level over time', { skip: DOMAIN }, async () => {
    await page.goto(systemUrl);
    await page.getByRole('heading', { name: 'Scorecard' }).waitFor();
    assert.equal((await page.locator('.system-level-line .level').textContent())?.trim(), 'Level I');
    await page.locator('figure.chart svg circle').nth(1).waitFor();
    assert.ok((await page.locator('figure.chart svg circle').count()) >= 2, 'the chart shows the change from 0 to I');
    await screenshot(page, 'system-scorecard');
  });

  test('download the PDF report and the YAML export', { skip: REPORT }, async () => {
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    const bytes = readFileSync((await pdf.path())!);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(pdf.suggestedFilename(), /\.pdf$/);
    const [yaml] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export YAML' }).click()]);
    const text = readFileSync((await yaml.path())!, 'utf8');
    assert.match(text, /keygrade: assessment\/v1/);
    assert.match(text, /No hot wallet in this system\./);
  });

  test('the dashboard lists the system with its live level', { skip: DOMAIN }, async () => {
    await page.goto(orgUrl);
    const card = page.locator('.system-card', { hasText: 'Cold storage' });
    await card.waitFor();
    assert.equal((await card.locator('.level').textContent())?.trim(), 'Level I');
    await screenshot(page, 'dashboard');
  });

  test('two editors of one answer: the second gets the first one’s value and chooses', { skip: DOMAIN }, async () => {
    const other = await context.newPage();
    await Promise.all([page.goto(checklistUrl), other.goto(checklistUrl)]);
    const mine = page.locator('article.req').nth(2);
    const theirs = other.locator('article.req').nth(2);
    await theirs.getByLabel('Note').fill('Edited by the other tab');
    await theirs.getByRole('button', { name: 'Save' }).click();
    await theirs.getByText('Saved', { exact: true }).waitFor();
    await mine.getByLabel('Note').fill('My stale edit');
    await mine.getByRole('button', { name: 'Save' }).click();
    const conflict = mine.locator('.conflict');
    await conflict.waitFor();
    assert.ok((await conflict.textContent())?.includes('Edited by the other tab'), 'the other person’s note is shown');
    await mine.getByRole('button', { name: 'Replace it with mine' }).click();
    await mine.getByText('Saved', { exact: true }).waitFor();
    await other.reload();
    assert.equal(await other.locator('article.req').nth(2).getByLabel('Note').inputValue(), 'My stale edit');
    await other.close();
  });

  test('sign out, then sign in with a recovery code', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  test('no CSP violation or script error in the whole run', () => {
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    );
  });
});

describe('server headers of the web app', { skip: needs('/api/health') }, () => {
  test('strict CSP and friends on the app, immutable hashed assets, index fallback only for client routes', async () => {
    const root = await fetch(`${BASE}/`);
    assert.equal(root.status, 200);
    const csp = root.headers.get('content-security-policy') ?? '';
    for (const d of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) assert.ok(csp.includes(d), `CSP has ${d}`);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.equal(root.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(root.headers.get('referrer-policy'));
    const html = await root.text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'no inline script in index.html');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, 'index.html loads a hashed script');
    const js = await fetch(`${BASE}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const client = await fetch(`${BASE}/orgs/some-org/evidence`);
    assert.equal(client.status, 200);
    assert.match(client.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(client.headers.get('cache-control'), 'no-cache');
    const api = await fetch(`${BASE}/api/no-such-route`);
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /json/);
    const logs = await fetch(`${BASE}/logs/no-such-log/nothing`);
    assert.ok(!(logs.headers.get('content-type') ?? '').includes('text/html'), '/logs/* never gets the app');
    const traversal = await fetch(`${BASE}/assets/..%2f..%2fpackage.json`);
    assert.ok(traversal.status === 404 || traversal.status === 400, `traversal refused (${traversal.status})`);
    const missing = await fetch(`${BASE}/assets/nope-123.js`);
    assert.equal(missing.status, 404);
  });
});
