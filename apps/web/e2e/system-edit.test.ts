/**
 * Editing a system's details on its page: a save shows the new values; when someone else saved in
 * between, the page shows their version and a warning instead of overwriting it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiAs, apiUserWithOrg, launch, needs, newContext, signInContext, watchErrors } from './harness.js';

describe('editing a system', { skip: needs('/api/systems/{systemId}') }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('save shows the new details; a concurrent change is shown, not overwritten', async () => {
    const user = await apiUserWithOrg('Edit Custody');
    const { system } = await apiAs<{ system: { id: string } }>(user, 'POST', `/api/orgs/${user.orgId}/systems`, { name: 'Cold storage', designation: 'BTC vault' });
    const context = await newContext(browser);
    await signInContext(context, user);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`/systems/${system.id}`);
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('button', { name: 'Edit details' }).click();
    await details.getByLabel('Designation').fill('BTC and ETH vault');
    await details.getByLabel('Assets in scope').fill('BTC, ETH');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByText('BTC and ETH vault').waitFor();
    assert.match((await details.textContent()) ?? '', /BTC, ETH/);

    // Someone else saves while this page edits (version 2 -> 3): the page shows their version.
    await details.getByRole('button', { name: 'Edit details' }).click();
    await apiAs(user, 'PATCH', `/api/systems/${system.id}`, { version: 2, designation: 'Changed elsewhere' });
    await details.getByLabel('Designation').fill('My change');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByText('Someone else changed this system').waitFor();
    assert.equal(await details.getByLabel('Designation').inputValue(), 'Changed elsewhere');
    assert.deepEqual(errors, []);
  });
});
