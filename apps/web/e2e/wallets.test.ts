/**
 * Keys and wallets (issue 8) in the browser: from the system page, import a key inventory, run the
 * wallet check of a real 2-of-3 descriptor (a rule passes, another fails), attach the result to an
 * assessment and find the evidence on its checklist, run the PSBT check and read the decision; an
 * inventory with a seed phrase is refused with its file and line, and nothing is stored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
// Test-only keys of the wallet package, derived at run time from fixed seeds (never real keys).
import { testXpub } from '../../../packages/wallet/src/test-keys.js';
import { apiAs, apiUserWithOrg, launch, needs, newContext, screenshot, signInContext, watchErrors } from './harness.js';

const SKIP = needs('/api/systems/{systemId}/wallet-inventory', '/api/systems/{systemId}/wallet-check', '/api/systems/{systemId}/psbt-check', '/api/assessments/{assessmentId}/wallet-evidence');

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = (f: string) => readFileSync(join(root, 'examples/psbt', f), 'utf8');
const K = [testXpub(21), testXpub(22), testXpub(23)];
const DESCRIPTOR = `wsh(sortedmulti(2,${K.map((k) => `[${k.fingerprint}/48h/0h/0h/2h]${k.xpub}/<0;1>/*`).join(',')}))`;
const INVENTORY = `sites:
  - { id: zrh, country: CH, region: ZH }
  - { id: fra, country: DE, region: HE }
  - { id: nyc, country: US, region: NY }
keys:
  - { id: k1, fingerprint: "${K[0]!.fingerprint}", holder: Alice, organization: Acme, site: zrh }
  - { id: k2, fingerprint: "${K[1]!.fingerprint}", holder: Bob, organization: Partner, site: fra }
  - { id: k3, fingerprint: "${K[2]!.fingerprint}", holder: Carol, organization: Law LLP, site: nyc }
`;
const SEED = `${INVENTORY}backups:\n  - key: k1\n    medium: paper\n    site: fra\n    encrypted: false\n    note: abandon ability able about above absent absorb abstract absurd abuse access accident\n`;

describe('keys and wallets', { skip: SKIP }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'kg-e2e-wallets-'));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('inventory, wallet check, attach as evidence, PSBT check; a seed phrase is refused', async () => {
    const user = await apiUserWithOrg('Wallet Exchange');
    const sys = await apiAs<{ system: { id: string } }>(user, 'POST', `/api/orgs/${user.orgId}/systems`, { name: 'Treasury' });
    const asm = await apiAs<{ assessment: { id: string } }>(user, 'POST', `/api/systems/${sys.system.id}/assessments`, { edition: 'ccss-v9' });
    writeFileSync(join(dir, 'keys.yaml'), INVENTORY);
    writeFileSync(join(dir, 'seed.yaml'), SEED);

    const context = await newContext(browser);
    await signInContext(context, user);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`/systems/${sys.system.id}`);
    await page.getByRole('link', { name: 'Open keys and wallets' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keys and wallets: Treasury' }).waitFor();

    // Import the inventory: version 1 with its keys table.
    const inventory = page.getByRole('region', { name: 'Key inventory' });
    await inventory.getByText('No key inventory yet.').waitFor();
    await inventory.getByLabel('Inventory files (YAML or CSV)').setInputFiles(join(dir, 'keys.yaml'));
    await inventory.getByRole('button', { name: 'Import as a new version' }).click();
    await inventory.getByText('Imported as version 1.').waitFor();
    const keys = inventory.locator('table', { has: page.locator('caption', { hasText: 'Keys' }) });
    await keys.getByRole('rowheader', { name: 'k2' }).waitFor();
    assert.match((await keys.textContent()) ?? '', /Bob.*Partner.*fra/);

    // A seed phrase: refused with the file and line, nothing stored (still one version).
    await inventory.getByLabel('Inventory files (YAML or CSV)').setInputFiles(join(dir, 'seed.yaml'));
    await inventory.getByRole('button', { name: 'Import as a new version' }).click();
    const refusal = inventory.getByRole('alert');
    await refusal.waitFor();
    const refusalText = (await refusal.textContent()) ?? '';
    assert.match(refusalText, /Refused: the upload contains what looks like a private key or seed\. Nothing was stored/);
    assert.match(refusalText, /seed\.yaml/);
    assert.match(refusalText, /line 14/);
    assert.ok(!refusalText.includes('abandon ability'), 'the phrase is not echoed');
    await screenshot(page, 'wallets-inventory-refused');
    const versions = inventory.locator('table', { has: page.getByRole('columnheader', { name: 'Uploaded files' }) });
    assert.equal(await versions.locator('tbody tr').count(), 1);

    // Wallet check of the real 2-of-3: site loss passes, backups fail (the inventory lists none).
    const check = page.getByRole('region', { name: 'Wallet check' });
    await check.getByLabel('Output descriptor or Caravan wallet config').fill(DESCRIPTOR);
    await check.getByRole('button', { name: 'Check the wallet' }).click();
    const siteLoss = check.getByRole('row', { name: /Survives the loss of any one site/ });
    await siteLoss.waitFor();
    assert.match((await siteLoss.textContent()) ?? '', /pass.*1\.02\.3\.1/);
    const backups = check.getByRole('row', { name: /Backups away from the primary/ });
    assert.match((await backups.textContent()) ?? '', /fail.*0 keys have a backup away from the primary.*1\.03\.2\.1, 1\.03\.2\.2/);
    assert.match((await check.getByRole('status').first().textContent()) ?? '', /CCSS v9, quorum 2-of-3, 3 keys/);
    assert.ok((await check.getByText('agrees').count()) >= 2, 'derived addresses cross-checked');
    await screenshot(page, 'wallets-check');

    // Attach it to the assessment, then find it on the checklist.
    await check.getByLabel('Assessment', { exact: true }).selectOption({ index: 0 });
    await check.getByRole('button', { name: 'Attach as evidence' }).click();
    await check.getByText(/Attached to the CCSS v9 assessment as evidence for .*1\.03\.2\.1/).waitFor();

    // PSBT check: allow in office hours, deny for an unknown destination.
    const psbt = page.getByRole('region', { name: 'PSBT spend check' });
    await psbt.getByLabel('PSBT (base64 or hex)').fill(example('payout.psbt').trim());
    await psbt.getByLabel('Spend policy (YAML)').fill(example('policy.yaml'));
    await psbt.getByLabel('Descriptor of the spending wallet').fill(example('wallet.txt'));
    await psbt.getByLabel('Time of the spend (optional)').fill('2026-11-24T09:00:00Z');
    await psbt.getByRole('button', { name: 'Check the PSBT' }).click();
    await psbt.getByRole('status').filter({ hasText: 'Decision' }).getByText('allow', { exact: true }).waitFor();
    await psbt.getByRole('table', { name: 'Spend paths of the wallet' }).getByText('weaker than the quorum').first().waitFor();
    await screenshot(page, 'wallets-psbt');
    await psbt.getByLabel('PSBT (base64 or hex)').fill(example('unknown-destination.psbt').trim());
    await psbt.getByRole('button', { name: 'Check the PSBT' }).click();
    await psbt.getByRole('status').filter({ hasText: 'Decision' }).getByText('deny', { exact: true }).waitFor();
    assert.match((await psbt.getByRole('row', { name: /whitelist/ }).first().textContent()) ?? '', /deny/);

    // The evidence on the assessment: linked to the backup requirement on the checklist.
    await page.goto(`/assessments/${asm.assessment.id}/checklist`);
    const req = page.locator('[id="req-1.03.2.1"]');
    await req.locator('.evidence-links a', { hasText: /keygrade wallet check/ }).waitFor();
    await screenshot(page, 'wallets-evidence-on-checklist');
    assert.deepEqual(errors, []);
  });
});
