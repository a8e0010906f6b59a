/**
 * The --attach requirement table (attach-requirements.ts) against the shipped catalog: every id is
 * a control or a requirement of its edition, every command exists, the wired commands offer the
 * attach options, and control ids expand to their requirements.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexEdition } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { EDITIONS, REQUIREMENTS } from '@keygrade/wallet';
import { ATTACH_REQUIREMENTS, evidencedIds, type EditionId } from './attach-requirements.js';
import { ATTACH_OPTIONS, expandIds } from './attach.js';
import { COMMANDS } from './main.js';

const catalog = openCatalog();
const EDITION_IDS: EditionId[] = ['ccss-2020', 'ccss-2021', 'ccss-v9'];

describe('the --attach requirement table', () => {
  it('covers the shipped editions', () => {
    assert.deepEqual([...catalog.editionIds].sort(), [...EDITION_IDS].sort());
    assert.deepEqual([...EDITIONS].sort(), [...EDITION_IDS].sort());
  });

  it('names only controls or requirements that exist in their edition', () => {
    const missing: string[] = [];
    for (const [command, m] of Object.entries(ATTACH_REQUIREMENTS)) {
      for (const edition of EDITION_IDS) {
        const index = indexEdition(catalog.edition(edition));
        for (const id of m.ids?.[edition] ?? []) if (!index.control(id) && !index.requirement(id)) missing.push(`${command} ${edition} ${id}`);
      }
    }
    // wallet check links what its findings cite: the wallet package's table.
    for (const [rule, byEdition] of Object.entries(REQUIREMENTS)) {
      for (const edition of EDITION_IDS) {
        const index = indexEdition(catalog.edition(edition));
        for (const id of byEdition[edition]) if (!index.control(id) && !index.requirement(id)) missing.push(`wallet rule ${rule} ${edition} ${id}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('has the requirements the issues name', () => {
    const expand = (command: string, edition: EditionId, result: unknown = {}) => expandIds(catalog, edition, evidencedIds(command, result, edition)).requirements;
    assert.deepEqual(expand('psbt check', 'ccss-2020'), ['1.4.6.L2', '1.4.6.L3']);
    assert.deepEqual(expand('psbt check', 'ccss-v9'), ['1.05.8.1']);
    assert.deepEqual(expand('sigs scan', 'ccss-2020'), ['1.4.8.L1', '1.4.8.L2', '1.4.8.L3']);
    assert.deepEqual(expand('sigs scan', 'ccss-v9'), ['1.05.10.1']);
    assert.ok(expand('rng test', 'ccss-2021').every((id) => id.startsWith('1.1.')));
    assert.ok(expand('ceremony verify', 'ccss-v9').every((id) => id.startsWith('1.01.')));
    assert.deepEqual(expand('por verify-proof', 'ccss-2021'), ['2.3.1.L1', '2.3.1.L2', '2.3.1.L3']);
    assert.deepEqual(expand('por verify-proof', 'ccss-v9'), [], 'v9 has no proof-of-reserve requirement');
    assert.deepEqual(expand('cert verify', 'ccss-v9'), [], 'none unless asked');
    // wallet check: decided findings only, in the assessment's edition.
    const result = { findings: [{ rule: 'site-loss', status: 'pass' }, { rule: 'backups-exist', status: 'fail' }, { rule: 'backup-seals', status: 'not-determinable' }] };
    assert.deepEqual(expand('wallet check', 'ccss-v9', result), ['1.02.3.1', '1.03.2.1', '1.03.2.2']);
    assert.deepEqual(expand('wallet check', 'ccss-2020', result), ['1.2.5.L2', '1.2.5.L3', '1.3.2.L1', '1.3.2.L2', '1.3.2.L3'].filter((id) => indexEdition(catalog.edition('ccss-2020')).requirement(id)));
    assert.deepEqual(expandIds(catalog, 'ccss-v9', ['1.05.8.1', '9.9']), { requirements: ['1.05.8.1'], unknown: ['9.9'] });
  });

  it('lists real commands, and every one of them offers --attach', async () => {
    for (const command of Object.keys(ATTACH_REQUIREMENTS)) assert.ok(COMMANDS[command], `${command} is a command`);
    for (const command of Object.keys(ATTACH_REQUIREMENTS)) {
      const mod = await COMMANDS[command]!.load();
      for (const o of Object.keys(ATTACH_OPTIONS)) assert.ok(mod.spec.options[o], `${command} has --${o}`);
    }
  });
});
