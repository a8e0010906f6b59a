/**
 * Proof of reserves on the system page: a security lead adds the signed manifest through the page,
 * publishes it, and the public page (no login) shows the totals; a manifest that does not follow
 * the previous one is refused with the server's reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { canonicalJson } from '@keygrade/tlog';
import { snapshot } from '../../../packages/reserves/src/test-util.js';
import { apiAs, apiUserWithOrg, launch, needs, newContext, screenshot, signInContext, watchErrors } from './harness.js';

const SKIP = needs('/api/systems/{systemId}/reserves', '/reserves/{snapshotId}');

describe('proof of reserves on the system page', { skip: SKIP }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'kg-e2e-por-'));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('add and publish a snapshot; the public page shows the totals; a broken chain is refused', async () => {
    const user = await apiUserWithOrg('Reserves Exchange');
    const sys = await apiAs<{ system: { id: string } }>(user, 'POST', `/api/orgs/${user.orgId}/systems`, { name: 'Hot and cold wallets' });
    const rows: [string, bigint[]][] = Array.from({ length: 12 }, (_, i) => [`u${i}`, [BigInt(i + 1) * 50_000_000n, 10n ** 18n]]);
    const first = snapshot(rows).manifest;
    const unrelated = snapshot(rows, { seed: 5 }).manifest;
    writeFileSync(join(dir, 'manifest.json'), canonicalJson(first));
    writeFileSync(join(dir, 'other.json'), canonicalJson(unrelated));

    const context = await newContext(browser);
    await signInContext(context, user);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`/systems/${sys.system.id}`);
    const section = page.getByRole('region', { name: 'Proof of reserves' });
    await section.getByText('No snapshot yet.').waitFor();
    await section.getByLabel('Signed manifest (JSON)').setInputFiles(join(dir, 'manifest.json'));
    await section.getByLabel('Publish a public page for customers').check();
    await section.getByRole('button', { name: 'Check and add' }).click();
    await section.getByText('Snapshot 0 added.').waitFor();
    await section.getByRole('cell', { name: 'first snapshot' }).waitFor();
    await screenshot(page, 'reserves-snapshots');

    // A manifest that does not follow snapshot 0: the server's reason is shown, nothing added.
    await section.getByLabel('Signed manifest (JSON)').setInputFiles(join(dir, 'other.json'));
    await section.getByRole('button', { name: 'Check and add' }).click();
    await section.getByRole('alert').waitFor();
    assert.match((await section.getByRole('alert').textContent()) ?? '', /chain/i);
    assert.equal(await section.getByRole('row').count(), 2, 'header + one snapshot');

    // The public page opens without a session.
    const href = await section.getByRole('link', { name: 'open' }).getAttribute('href');
    const anonymous = await (await newContext(browser)).newPage();
    await anonymous.goto(href!);
    await anonymous.getByRole('heading', { level: 1, name: 'Proof of reserves: Hot and cold wallets' }).waitFor();
    assert.match((await anonymous.locator('table').textContent()) ?? '', /39/); // 0.5 + 1 + … + 6 BTC = 39 BTC
    assert.deepEqual(errors, []);
  });
});
