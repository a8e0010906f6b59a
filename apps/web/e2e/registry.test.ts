/**
 * Issue 6 in the browser: a certificate from a signed-off audit to the public registry. The audit
 * reaches sign-off through the API (audit.test.ts clicks through it); then the lead auditor and the
 * peer reviewer register their public keys on the Signing keys page (the key pairs are made here in
 * Node with @noble/curves, never in the page), the lead prepares the certificate, each downloads the
 * statement and signs it with the real CLI (`keygrade cert sign`, offline) and pastes the signature
 * in their own browser; the certificate is issued, its public page verifies the signatures, the
 * owner sees it with its badge on the system page, and the lead revokes it with a reason, which the
 * public page then shows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { accredit, adminSession, auditorAccount, signedOffAudit } from './audit-setup.js';
import { apiAs, apiUserWithOrg, launch, needs, newContext, screenshot, signInContext, watchErrors, type ApiUser } from './harness.js';

const SKIP =
  needs('/api/admin/auditors', '/api/auditors/me/keys', '/api/engagements/{engagementId}/certificate', '/api/engagements/{engagementId}/certificate/signatures', '/api/certificates/{certificateId}/revoke', '/api/orgs/{orgId}/certificates') ||
  (process.env.KEYGRADE_E2E_ADMIN_EMAIL ? false : 'needs the administrator made by scripts/test-browser.mjs');

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const day = (d: Date) => d.toISOString().slice(0, 10);

/** An Ed25519 key pair as `keygrade cert keygen` makes it: the key file holds the 32-byte seed in hex. */
function keyPair(dir: string, name: string) {
  const seed = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(seed);
  const file = join(dir, `${name}.key`);
  writeFileSync(file, `${hex(seed)}\n`, { mode: 0o600 });
  return { file, publicKey: hex(publicKey), keyid: hex(sha256(publicKey)) };
}

/** `keygrade cert sign <statement> --key <file>` (the CLI from its sources, tsx as for the server); its stdout. */
function certSign(statement: string, keyFile: string, json: boolean): string {
  const r = spawnSync(process.execPath, ['apps/cli/src/bin.ts', 'cert', 'sign', statement, '--key', keyFile, ...(json ? ['--json'] : [])], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `keygrade cert sign: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('registry: a certificate signed offline by the auditor and the reviewer, issued, shown and revoked', { skip: SKIP }, () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];
  let dir = '';
  let lead: ApiUser & { name: string };
  let reviewer: ApiUser & { name: string };
  let owner: ApiUser & { orgId: string };
  let systemId = '';
  let engagementId = '';
  let certificateId = '';
  let keys: { lead: ReturnType<typeof keyPair>; reviewer: ReturnType<typeof keyPair> };
  let pages: { owner: Page; lead: Page; reviewer: Page };

  const open = async (user: ApiUser): Promise<Page> => {
    const context = await newContext(browser);
    contexts.push(context);
    await signInContext(context, user);
    const page = await context.newPage();
    errors.push(watchErrors(page));
    return page;
  };

  before(async () => {
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'kg-e2e-keys-'));
    keys = { lead: keyPair(dir, 'ada-2027'), reviewer: keyPair(dir, 'rita-2027') };
    [lead, reviewer] = [await auditorAccount('ada'), await auditorAccount('rita')];
    owner = await apiUserWithOrg('Registry Custody');
    const admin = await adminSession();
    await accredit(admin, lead, 'reg-alpha', 'Registry Alpha LLP');
    await accredit(admin, reviewer, 'reg-beta', 'Registry Beta Ltd');
    systemId = (await apiAs<{ system: { id: string } }>(owner, 'POST', `/api/orgs/${owner.orgId}/systems`, { name: 'Cold vault' })).system.id;
    // A certificate is issued after the audit period: a 12-month period that ended a few days ago.
    const end = new Date(Date.now() - 5 * 86_400_000);
    const start = new Date(Date.UTC(end.getUTCFullYear() - 1, end.getUTCMonth(), end.getUTCDate() + 1));
    engagementId = await signedOffAudit({ owner, systemId, lead, reviewer, period: { start: day(start), end: day(end) } });
    pages = { owner: await open(owner), lead: await open(lead), reviewer: await open(reviewer) };
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the lead and the reviewer register their public keys on the Signing keys page', async () => {
    for (const [page, key, label] of [
      [pages.lead, keys.lead, 'Ada offline laptop'],
      [pages.reviewer, keys.reviewer, 'Rita hardware box'],
    ] as const) {
      await page.goto('/');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Signing keys' }).click();
      await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
      await page.getByRole('region', { name: 'Your accreditation' }).getByText(/Registry (Alpha|Beta)/).waitFor();
      assert.equal(await page.getByRole('region', { name: 'Create a key on your machine' }).locator('pre').textContent(), 'keygrade cert keygen <name>');
      await page.getByRole('region', { name: 'Your keys' }).getByText('No key registered yet.').waitFor();
      const form = page.getByRole('form', { name: 'Register a public key' });
      await form.getByLabel('Public key').fill(key.publicKey);
      // The page shows the key id it derives, to compare with keygen's "Key id:" line.
      await form.getByRole('status').getByText(key.keyid).waitFor();
      await form.getByLabel('Label').fill(label);
      await form.getByRole('button', { name: 'Register the key' }).click();
      await form.getByText(new RegExp(`The key “${label}” is registered \\(registry log entry \\d+\\)\\.`)).waitFor();
      const row = page.getByRole('region', { name: 'Your keys' }).getByRole('row', { name: new RegExp(label) });
      await row.getByText(key.keyid, { exact: true }).waitFor();
      await row.getByText('Active', { exact: true }).waitFor();
      // Nothing on the page asks for a private key.
      assert.equal(await page.getByLabel(/private/i).count(), 0);
    }
    // Key history: an old key registered then revoked with its reason stays listed, revoked.
    const page = pages.lead;
    const old = keyPair(dir, 'ada-old');
    const form = page.getByRole('form', { name: 'Register a public key' });
    await form.getByLabel('Public key').fill(old.publicKey);
    await form.getByLabel('Label').fill('Old laptop');
    await form.getByRole('button', { name: 'Register the key' }).click();
    await form.getByText(/The key “Old laptop” is registered/).waitFor();
    const keysList = page.getByRole('region', { name: 'Your keys' });
    await keysList.getByRole('button', { name: 'Revoke the key Old laptop' }).click();
    const revoke = keysList.getByRole('form', { name: 'Revoke the key Old laptop' });
    await revoke.getByLabel('Reason').fill('laptop lost');
    await revoke.getByRole('button', { name: 'Revoke the key' }).click();
    const oldRow = keysList.getByRole('row', { name: /Old laptop/ });
    await oldRow.getByText('Reason: laptop lost').waitFor();
    await oldRow.getByText('Revoked', { exact: true }).waitFor();
    await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
    await screenshot(page, 'registry-signing-keys');
  });

  test('the lead prepares the certificate with their key and the reviewer’s', async () => {
    const page = pages.lead;
    await page.goto(`/engagements/${engagementId}`);
    const section = page.getByRole('region', { name: 'Certificate', exact: true });
    const form = section.getByRole('form', { name: 'Prepare the certificate' });
    assert.equal(await form.getByLabel('Your key (lead auditor)').inputValue(), keys.lead.keyid);
    assert.equal(await form.getByLabel('Key of the peer reviewer Rita Auditor').inputValue(), keys.reviewer.keyid, 'found in the public registry of auditors');
    await form.getByRole('button', { name: 'Prepare the certificate' }).click();
    const summary = section.getByRole('definition').filter({ hasText: 'Registry Custody' });
    await summary.waitFor();
    const text = (await section.textContent()) ?? '';
    for (const s of ['Cold vault', 'Level III', 'Ada Auditor (Registry Alpha LLP)', 'Rita Auditor (Registry Beta Ltd)', 'keygrade cert sign statement.json --key <your key file>']) assert.ok(text.includes(s), `the section shows ${s}`);
    certificateId = /KG-\d{4}-[0-9A-F]+/.exec(text)![0];
    await section.getByRole('list', { name: 'Signatures' }).getByText('Not signed yet').first().waitFor();
  });

  test('each signer downloads the statement, signs it offline with keygrade cert sign and pastes the signature', async () => {
    for (const [page, key, who] of [
      [pages.lead, keys.lead, 'lead'],
      [pages.reviewer, keys.reviewer, 'reviewer'],
    ] as const) {
      await page.goto(`/engagements/${engagementId}`);
      const section = page.getByRole('region', { name: 'Certificate', exact: true });
      const [statement] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download statement' }).click()]);
      assert.equal(statement.suggestedFilename(), 'statement.json');
      const file = join(dir, `${who}-statement.json`);
      await statement.saveAs(file);
      const form = section.getByRole('form', { name: 'Add my signature' });
      if (who === 'lead') {
        // A bare 64-hex string (what a key file holds) is refused in the page, never sent.
        await form.getByLabel('Signature').fill('ab'.repeat(32));
        await form.getByRole('button', { name: 'Add my signature' }).click();
        await form.getByRole('alert').getByText(/looks like a key, not a signature/).waitFor();
        await form.getByLabel('Signature').fill(certSign(file, key.file, true).trim());
      } else {
        // The whole human-readable output of the command works too (its signature line is taken).
        const out = certSign(file, key.file, false);
        assert.match(out, /You sign as the peer reviewer, attesting:/);
        await form.getByLabel('Signature').fill(out);
      }
      await form.getByRole('button', { name: 'Add my signature' }).click();
      if (who === 'lead') await section.getByText('Your signature is in.').waitFor();
    }
    const section = pages.reviewer.getByRole('region', { name: 'Certificate', exact: true });
    await section.getByText('Both signatures are in: the certificate is issued into the registry.').waitFor();
    await section.getByRole('status').getByText('Active', { exact: true }).waitFor();
    await section.getByRole('link', { name: 'Open the public page' }).waitFor();
  });

  test('the public page shows the level and verified signatures; the owner sees it on the system page', async () => {
    // From the app, the public page is a normal link: the server's HTML, not the SPA.
    const page = pages.reviewer;
    const section = page.getByRole('region', { name: 'Certificate', exact: true });
    for (const name of [`${certificateId}.dsse.json`, `${certificateId}.tlog-proof`, `${certificateId}.trust.json`]) assert.ok(await section.getByRole('link', { name }).getAttribute('href'));
    await section.getByRole('link', { name: 'Open the public page' }).click();
    await page.waitForURL(`**/registry/certificates/${certificateId}`);
    const body = (await page.locator('body').textContent()) ?? '';
    assert.match(body, /Level\s*III/);
    assert.match(body, /✓ signatures/);
    assert.equal(await page.locator('#root').count(), 0, 'the server-rendered page, not the React app');
    await page.goBack();

    const op = pages.owner;
    await op.goto(`/systems/${systemId}`);
    const certs = op.getByRole('region', { name: 'Certificates' });
    const row = certs.getByRole('row', { name: new RegExp(certificateId) });
    await row.waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByText('Level III').waitFor();
    const badge = row.getByRole('img', { name: `CCSS badge of certificate ${certificateId}` });
    await op.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await badge.elementHandle());
    assert.equal(await row.getByRole('link', { name: certificateId, exact: true }).getAttribute('href'), `/registry/certificates/${certificateId}`);
    // The main menu's "Public registry" leaves the app for the server's search page.
    await op.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Public registry' }).click();
    await op.waitForURL('**/registry');
    await op.getByRole('heading', { level: 1, name: 'CCSS certification registry' }).waitFor();
    await op.getByRole('link', { name: certificateId }).waitFor();
  });

  test('the lead revokes the certificate with a reason; the public page shows it revoked', async () => {
    const page = pages.lead;
    await page.goto(`/engagements/${engagementId}`);
    const section = page.getByRole('region', { name: 'Certificate', exact: true });
    await section.getByRole('status').getByText('Active', { exact: true }).waitFor();
    await section.getByText('✓').first().waitFor();
    await section.evaluate((el) => el.scrollIntoView({ behavior: 'instant', block: 'start' }));
    await screenshot(page, 'registry-certificate');
    const lifecycle = section.getByRole('form', { name: "Change the certificate's state" });
    await lifecycle.getByRole('button', { name: 'Revoke…' }).click();
    await lifecycle.getByText('Give the reason.').waitFor();
    await lifecycle.getByLabel('Reason').fill('evidence of the key ceremony found falsified');
    await lifecycle.getByRole('button', { name: 'Revoke…' }).click();
    await lifecycle.getByRole('alert').getByText(/A revocation is final/).waitFor();
    await lifecycle.getByRole('button', { name: 'Revoke the certificate' }).click();
    await section.getByRole('status').getByText('Revoked', { exact: true }).waitFor();
    await section.getByText(/evidence of the key ceremony found falsified/).waitFor();
    assert.equal(await section.getByRole('form', { name: "Change the certificate's state" }).count(), 0, 'a revocation is final');

    await page.goto(`/registry/certificates/${certificateId}`);
    const body = (await page.locator('body').textContent()) ?? '';
    assert.match(body, /revoked/);
    assert.match(body, /evidence of the key ceremony found falsified/);
    for (const e of errors) assert.deepEqual(e, []);
  });
});
