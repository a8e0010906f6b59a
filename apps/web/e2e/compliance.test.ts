/**
 * Continuous compliance in the browser (issue 10): a pentest requirement answered in place on the
 * checklist; an old pentest that has lapsed pulls the level down, the monitor run records the drop
 * with its reason and notifies the owner; a bad security-test entry shows the server's message next
 * to the field it names; a new third-party pentest added on the registers page lifts the level; on a
 * simulated day past its 12 months the requirement lapses and the level drops, with the reason; a
 * newer pentest (or going back to today) brings it back. Also the webhook settings: the secret is
 * shown once and a test ping reports its outcome.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { apiAs, apiUserWithOrg, launch, needs, newContext, screenshot, signInContext, watchErrors } from './harness.js';

const SKIP = needs('/api/orgs/{orgId}/compliance/registers/{register}', '/api/assessments/{assessmentId}/compliance', '/api/notifications');

const SHA = 'ab'.repeat(32);
const day = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (iso: string, n: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return day(d);
};
/** The same day shown by the app (formatDay with the English UI). */
const shown = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en', { dateStyle: 'medium', timeZone: 'UTC' });

/** The message linked to a field through aria-describedby (the server's problem for that field). */
async function describedText(page: Page, field: Locator): Promise<string> {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  let text = '';
  for (const id of ids) text += ` ${(await page.locator(`[id="${id}"]`).textContent()) ?? ''}`;
  return text.trim();
}

interface ComplianceAnswer {
  level: number;
  requirements: { id: string; validUntil?: string | null; sources: { ref: string; validUntil: string | null }[] }[];
}

describe('continuous compliance pages', { skip: SKIP }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('a pentest keeps 2.1.1.L2 true for 12 months: the level drops on a simulated day and recovers', async () => {
    const today = day(new Date());
    const user = await apiUserWithOrg('Compliance Custody');
    const { system } = await apiAs<{ system: { id: string } }>(user, 'POST', `/api/orgs/${user.orgId}/systems`, { name: 'Cold storage' });
    const { assessment } = await apiAs<{ assessment: { id: string } }>(user, 'POST', `/api/systems/${system.id}/assessments`, { edition: 'ccss-2020' });
    const checklist = await apiAs<{ aspects: { controls: { requirements: { id: string }[] }[] }[] }>(user, 'GET', `/api/assessments/${assessment.id}/checklist`);
    const ids = checklist.aspects.flatMap((a) => a.controls.flatMap((c) => c.requirements.map((r) => r.id)));
    assert.ok(ids.includes('2.1.1.L2'));
    // Every requirement in place through the API, except the pentest requirement answered below in the page.
    for (const id of ids) if (id !== '2.1.1.L2') await apiAs(user, 'PUT', `/api/assessments/${assessment.id}/answers/${id}`, { version: 0, status: 'in_place' });

    const context = await newContext(browser);
    await signInContext(context, user);
    const page = await context.newPage();
    const errors = watchErrors(page);

    // 1. Answer the pentest requirement in place on the checklist.
    await page.goto(`/assessments/${assessment.id}/checklist`);
    await page.getByRole('heading', { level: 1, name: 'Checklist' }).waitFor();
    await page.getByLabel('Up to level').selectOption('3');
    const card = page.locator('article[id="req-2.1.1.L2"]');
    await card.getByLabel('Status').selectOption('in_place');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Saved', { exact: true }).waitFor();
    await page.locator('.live-bar .level', { hasText: 'Level III' }).waitFor();

    // 2. A pentest of two years ago is recorded (API): its 12 months are over, so today 2.1.1.L2 falls back.
    const old = plusDays(today, -730);
    await apiAs(user, 'POST', `/api/orgs/${user.orgId}/compliance/registers/securityTests`, {
      id: 'PT-OLD',
      kind: 'penetration_test',
      scope: 'wallet infrastructure',
      tester: { name: 'Old Security', relation: 'third_party' },
      performedOn: old,
      report: { sha256: SHA },
    });
    await page.goto(`/systems/${system.id}`);
    await page.getByRole('link', { name: 'Compliance over time' }).click();
    await page.getByRole('heading', { level: 1, name: 'Compliance over time' }).waitFor();
    const level = page.getByTestId('compliance-level');
    await level.getByText('Level I', { exact: true }).waitFor();
    const lapsed = page.getByTestId('lapsed');
    await lapsed.getByText(/securityTests\/PT-OLD/).first().waitFor();
    assert.match((await lapsed.textContent()) ?? '', /2\.1\.1\.L2: answered in_place, but on \d{4}-\d{2}-\d{2} its evidence does not hold: .*lapsed after/);

    // The monitor run records the drop with its reason and notifies the owner in the app.
    await page.getByRole('button', { name: "Record today's evaluation" }).click();
    await page.getByText(/Evaluated today: [1-9]\d* change\(s\) recorded/).waitFor();
    const overTime = page.getByRole('region', { name: 'Level over time' });
    await overTime.getByText(/System level dropped from Level III to Level I on .*2\.1\.1\.L2/).first().waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: /Notifications \(1 new\)/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const note = page.locator('ul.notifications > li').first();
    assert.match((await note.textContent()) ?? '', /Cold storage \(ccss-2020\): level dropped from Level III to Level I/);
    await screenshot(page, 'compliance-notifications');
    await note.getByRole('button', { name: 'Mark read' }).click();
    await note.getByText(/^Read /).waitFor();
    assert.equal(await nav.getByRole('link', { name: /new/ }).count(), 0, 'no unread notification left');

    // 3. The registers page: a bad entry shows the server's messages next to the fields they name.
    await page.goto(`/orgs/${user.orgId}`);
    await page.getByRole('link', { name: 'Compliance registers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Compliance registers' }).waitFor();
    const register = page.getByRole('region', { name: 'Security tests' });
    await register.locator('tr[data-entry="PT-OLD"]').getByText('Does not count').waitFor();
    await register.getByRole('button', { name: 'Add an entry' }).click();
    const form = page.getByRole('form', { name: 'New entry: Security tests' });
    const performed = plusDays(today, -30);
    await form.getByLabel('Test id').fill('PT-NOW');
    await form.getByLabel('Scope').fill('signing service and wallets');
    await form.getByLabel('Tester', { exact: true }).fill('Acme Security');
    await form.getByLabel('Tester relation').selectOption('third_party');
    await form.getByLabel('Started on').fill(plusDays(performed, 3));
    await form.getByLabel('Performed on').fill(performed);
    await form.getByLabel('Report SHA-256').fill(SHA);
    await form.getByRole('button', { name: 'Add a finding' }).click();
    await form.getByLabel('Finding title').fill('TLS 1.0 accepted');
    await form.getByLabel('Finding owner').fill('ops');
    await form.getByLabel('Due date').fill(plusDays(performed, 20));
    await form.getByRole('button', { name: 'Save entry' }).click();
    await form.getByRole('alert').waitFor();
    assert.match(await describedText(page, form.getByLabel('Severity')), /severity is required/);
    assert.equal(await form.getByLabel('Severity').getAttribute('aria-invalid'), 'true');
    assert.match((await form.getByRole('alert').textContent()) ?? '', /findings\.0\.severity/);
    await screenshot(page, 'compliance-entry-problems');
    // With a severity, the dates in the wrong order are named next to "Performed on".
    await form.getByLabel('Severity').selectOption('medium');
    await form.getByRole('button', { name: 'Save entry' }).click();
    await form.getByRole('alert').getByText(/wrong order/).first().waitFor();
    assert.match(await describedText(page, form.getByLabel('Performed on')), /startedOn.*wrong order|wrong order/);
    assert.doesNotMatch(await describedText(page, form.getByLabel('Severity')), /severity is required/);

    // Fixed, it is saved and counts for 12 months.
    await form.getByLabel('Started on').fill(plusDays(performed, -2));
    await form.getByRole('button', { name: 'Save entry' }).click();
    await register.getByText('Saved PT-NOW (version 1).').waitFor();
    const view = await apiAs<ComplianceAnswer>(user, 'GET', `/api/assessments/${assessment.id}/compliance`);
    const until = view.requirements.find((r) => r.id === '2.1.1.L2')!.validUntil!;
    assert.ok(until > plusDays(performed, 360) && until < plusDays(performed, 367), `valid for 12 months from ${performed}: ${until}`);
    await register.locator('tr[data-entry="PT-NOW"]').getByText(`Valid until ${shown(until)}`).waitFor();
    await screenshot(page, 'compliance-registers');

    // 4. The compliance view: Level III today, the requirement valid until the test's 12 months end.
    await page.goto(`/assessments/${assessment.id}/compliance`);
    await level.getByText('Level III', { exact: true }).waitFor();
    const row = page.locator('tr[data-requirement="2.1.1.L2"]');
    await row.getByText(`Valid until ${shown(until)}`).first().waitFor();
    assert.match((await row.textContent()) ?? '', /securityTests\/PT-NOW/);
    // Recording today shows the recovery with its reason.
    await page.getByRole('button', { name: "Record today's evaluation" }).click();
    await overTime.getByText(/System level recovered from Level I to Level III/).first().waitFor();

    // 5. A simulated day after the 12 months: the requirement lapses and the level drops, with the reason.
    const lapseDay = plusDays(until, 1);
    await page.getByLabel('Day to evaluate').fill(lapseDay);
    await page.getByRole('button', { name: 'Evaluate on this day' }).click();
    await page.waitForURL(new RegExp(`/compliance\\?at=${lapseDay}$`));
    await page.getByRole('heading', { name: `Level on ${shown(lapseDay)}` }).waitFor();
    await level.getByText('Level I', { exact: true }).waitFor();
    const reason = (await lapsed.textContent()) ?? '';
    assert.match(reason, new RegExp(`2\\.1\\.1\\.L2: answered in_place, but on ${lapseDay} its evidence does not hold: .*securityTests/PT-NOW.*lapsed after ${until}`));
    await row.getByText('Lapsed', { exact: true }).waitFor();
    await screenshot(page, 'compliance-simulated-lapse');
    // The simulation recorded nothing: today is still Level III.
    assert.equal((await apiAs<ComplianceAnswer>(user, 'GET', `/api/assessments/${assessment.id}/compliance`)).level, 3);

    // 6. A newer pentest, performed before that day, brings the level back on the simulated day.
    await page.getByRole('link', { name: 'Compliance registers' }).click();
    await register.getByRole('button', { name: 'Add an entry' }).click();
    await form.getByLabel('Test id').fill('PT-NEXT');
    await form.getByLabel('Scope').fill('signing service and wallets');
    await form.getByLabel('Tester', { exact: true }).fill('Beta Pentest');
    await form.getByLabel('Performed on').fill(plusDays(until, -10));
    await form.getByLabel('Report SHA-256').fill(SHA);
    await form.getByRole('button', { name: 'Save entry' }).click();
    await register.getByText('Saved PT-NEXT (version 1).').waitFor();
    await page.goBack();
    await page.waitForURL(new RegExp(`\\?at=${lapseDay}$`));
    await level.getByText('Level III', { exact: true }).waitFor();
    assert.equal(await lapsed.count(), 0, 'nothing lapsed any more');
    assert.match((await row.textContent()) ?? '', /securityTests\/PT-NEXT/);
    // And back to today.
    await page.getByRole('link', { name: 'Back to today' }).click();
    await page.getByRole('heading', { name: 'Level today' }).waitFor();
    await level.getByText('Level III', { exact: true }).waitFor();

    // The entry's history lists its versions.
    await page.goto(`/orgs/${user.orgId}/compliance?register=securityTests`);
    await register.getByRole('button', { name: 'History of PT-NOW' }).click();
    await page.getByRole('heading', { name: 'History of PT-NOW' }).waitFor();
    await page.getByText('Version 1', { exact: true }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('registers of any kind: JSON entries, CSV export and import; webhook secret shown once', async () => {
    const user = await apiUserWithOrg('Registers Custody');
    const context = await newContext(browser);
    await signInContext(context, user);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`/orgs/${user.orgId}/compliance`);
    // One link per register the server lists.
    const { registers } = await apiAs<{ registers: Record<string, unknown[]> }>(user, 'GET', `/api/orgs/${user.orgId}/compliance/registers`);
    const links = page.getByRole('navigation', { name: 'Registers' }).getByRole('link');
    await links.first().waitFor();
    assert.equal(await links.count(), Object.keys(registers).length);

    // A policy through the JSON editor: a missing owner is named.
    await links.filter({ hasText: 'Policies' }).click();
    const policies = page.getByRole('region', { name: 'Policies' });
    await policies.getByRole('button', { name: 'Add an entry' }).click();
    const json = page.getByLabel('Entry (JSON)');
    await json.fill(JSON.stringify({ id: 'POL-KS', kind: 'key_storage', version: '1', approval: { by: 'Board', on: '2026-01-05' }, nextReview: '2027-01-05', text: 'Keys are stored in HSMs.' }));
    await page.getByRole('button', { name: 'Save entry' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /owner.*owner is required/);
    await json.fill(JSON.stringify({ id: 'POL-KS', kind: 'key_storage', version: '1', owner: 'CISO', approval: { by: 'Board', on: '2026-01-05' }, nextReview: '2027-01-05', text: 'Keys are stored in HSMs.' }));
    await page.getByRole('button', { name: 'Save entry' }).click();
    await policies.getByText('Saved POL-KS (version 1).').waitFor();

    // Export as CSV, then import it back changed: one entry updated.
    const [download] = await Promise.all([page.waitForEvent('download'), policies.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'policies.csv');
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.match(csv, /POL-KS/);
    await policies.getByLabel('CSV or YAML file').setInputFiles({ name: 'policies.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace('CISO', 'Head of security')) });
    await policies.getByRole('button', { name: 'Import', exact: true }).click();
    await policies.getByText('Imported: 0 added, 1 changed, 0 unchanged, 0 retired.').waitFor();
    await policies.getByText(/Head of security/).waitFor();
    // The history shows what the import changed, field by field.
    await policies.getByRole('button', { name: 'History of POL-KS' }).click();
    const history = page.getByRole('region', { name: 'History of POL-KS' });
    await history.getByText('Changed from version 1').waitFor();
    const change = history.locator('ul.changes li').filter({ hasText: 'owner' });
    assert.equal(await change.locator('del').textContent(), 'CISO');
    assert.equal(await change.locator('ins').textContent(), 'Head of security');

    // Webhook: the secret is shown once; a ping to a host that does not resolve reports why.
    const hook = page.getByRole('region', { name: 'Compliance webhook' });
    await hook.getByLabel('Webhook URL').fill('https://receiver.invalid/keygrade');
    await hook.getByRole('button', { name: 'Save webhook' }).click();
    const secret = (await hook.getByTestId('webhook-secret').textContent()) ?? '';
    assert.match(secret, /^kgwh_[A-Za-z0-9_-]{40,}$/);
    await hook.getByRole('button', { name: 'I have stored the secret' }).click();
    await hook.getByRole('button', { name: 'Send a test ping' }).click();
    await hook.getByText(/The test ping was not delivered: (failed|refused)/).waitFor();
    await page.reload();
    await hook.getByText(/Last delivery .*: failed|Last delivery .*: refused/).waitFor();
    assert.equal(await hook.getByTestId('webhook-secret').count(), 0, 'the secret is not shown again');
    assert.equal(await hook.getByLabel('Webhook URL').inputValue(), 'https://receiver.invalid/keygrade');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.ok(!stored.includes(secret), 'the secret is not kept in web storage');
    assert.deepEqual(errors, []);
  });
});
