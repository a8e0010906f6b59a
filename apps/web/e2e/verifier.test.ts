/**
 * The proof-of-reserves verifier page (packages/reserves/verifier) in a real Chromium, opened from
 * a file with no network: a customer's proof and the signed manifest pasted in give "valid"; an
 * altered balance, another snapshot's manifest or a wrong public key give "invalid".
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { canonicalJson } from '@keygrade/tlog';
import { toHex } from '../../../packages/reserves/src/index.js';
import { PUBLIC, clone, snapshot } from '../../../packages/reserves/src/test-util.js';
import { buildVerifier } from '../../../packages/reserves/verifier/build.mjs';
import { NO_SERVER, launch, newContext, screenshot, watchErrors } from './harness.js';

describe('the proof-of-reserves verifier page in Chromium', { skip: NO_SERVER }, () => {
  let browser: Browser;
  let dir: string;
  let url: string;
  const rows: [string, bigint[]][] = Array.from({ length: 40 }, (_, i) => [`customer ${i}`, [BigInt(i) * 1_000n, 10n ** 18n + BigInt(i)]]);
  const { tree, manifest } = snapshot(rows);
  const other = snapshot(rows, { seed: 99 }).manifest;
  const proof = tree.proofFor('customer 7');

  before(async () => {
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'kg-verifier-'));
    const file = join(dir, 'verifier.html');
    writeFileSync(file, (await buildVerifier()).html);
    url = pathToFileURL(file).href;
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(page: Page, proofText: string, manifestText: string, pubkey = ''): Promise<{ cls: string; text: string }> {
    await page.goto(url);
    await page.getByText('More checks: the exchange').click(); // as a customer would, to give the key
    await page.locator('#pubkey').fill(pubkey);
    await page.locator('#manifest').fill(manifestText);
    await page.locator('#proof').fill(proofText);
    await page.waitForFunction(() => !document.getElementById('result')!.className.includes('pending'), undefined, { timeout: 5000 }).catch(() => undefined);
    return page.locator('#result').evaluate((e) => ({ cls: e.className, text: e.textContent ?? '' }));
  }

  test('a genuine proof is valid; altered, foreign or wrongly keyed ones are not; no network is used', async () => {
    const context = await newContext(browser);
    const requests: string[] = [];
    context.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const ok = await check(page, canonicalJson(proof), canonicalJson(manifest), toHex(PUBLIC));
    assert.match(ok.cls, /\bvalid\b/, ok.text);
    await screenshot(page, 'reserves-verifier');
    const altered = clone(proof) as unknown as { balances: string[] };
    altered.balances[0] = String(BigInt(altered.balances[0]!) + 1n);
    const bad = await check(page, canonicalJson(altered), canonicalJson(manifest), toHex(PUBLIC));
    assert.match(bad.cls, /\binvalid\b/, bad.text);
    const foreign = await check(page, canonicalJson(proof), canonicalJson(other), toHex(PUBLIC));
    assert.match(foreign.cls, /\binvalid\b/, foreign.text);
    const wrongKey = await check(page, canonicalJson(proof), canonicalJson(manifest), 'ab'.repeat(32));
    assert.match(wrongKey.cls, /\binvalid\b/, wrongKey.text);
    assert.deepEqual(requests, [], 'the page made no network request');
    assert.deepEqual(errors, []);
  });
});
