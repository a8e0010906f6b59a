import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { buildAuditFile, concludeAudit, drawSample, parsePopulation, readTar, writeTar, type Finding } from '@keygrade/audit';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { keygrade, tempDir } from '../test/harness.js';

const edition = openCatalog().edition('ccss-2020');
const period = { start: '2026-01-01', end: '2026-12-31' };
const csv = ['id,date', ...Array.from({ length: 12 }, (_, i) => `M-${i + 1},2026-${String(i + 1).padStart(2, '0')}-28`)].join('\n');

function file(recordedLevel?: number): Uint8Array {
  const findings = allRequirements(edition).map((r): Finding => ({ requirementId: r.id, status: 'in_place' }));
  const c = concludeAudit(edition, findings);
  const record = drawSample({ population: parsePopulation(csv, { period }), frequency: 'monthly', risk: 'high', method: 'systematic', seed: new Uint8Array(32).fill(3) });
  return buildAuditFile({
    engagementId: 'eng-1',
    edition: edition.id,
    created: '2027-01-31T09:00:00.000Z',
    json: {
      'engagement.json': { doc: { period } },
      'tests.json': findings.map((f) => ({ requirementId: f.requirementId, finding: f })),
      'conclusion.json': { systemLevel: recordedLevel ?? c.systemLevel, aspects: c.aspects },
      'samples/s1.json': { requirementId: findings[0]!.requirementId, title: 'Monthly key reviews', populationFile: 'reviews.csv', record, results: record.items.map((i) => ({ itemId: i.id, outcome: 'ok' })) },
    },
    files: [{ path: 'samples/s1.csv', data: new TextEncoder().encode(csv) }],
  }).tar;
}

describe('keygrade audit rederive', () => {
  it('confirms an intact audit file: manifest, samples from their seeds, levels from the findings', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.tar.gz'), gzipSync(file()));
    const r = await keygrade(['audit', 'rederive', 'a.tar.gz'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Sample s1 \(.*, 6 items\): reproduced from its population and seed/);
    assert.match(r.stdout, /Levels recorded: the same/);
    assert.match(r.stdout, /keep until 2034-01-31/);
    const j = await keygrade(['audit', 'rederive', 'a.tar.gz', '--json'], { cwd: dir });
    assert.equal(JSON.parse(j.stdout).ok, true);
  });
  it('exits 1 when the levels do not follow or an entry was changed, 2 when the file is unreadable', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'inflated.tar'), file(1));
    const inflated = await keygrade(['audit', 'rederive', 'inflated.tar'], { cwd: dir });
    assert.equal(inflated.code, 1);
    assert.match(inflated.stdout, /Levels recorded: DIFFERENT/);
    const changed = readTar(file()).map((e) => (e.path === 'samples/s1.csv' ? { ...e, data: new TextEncoder().encode(`${csv}\nM-13,2026-12-30`) } : e));
    writeFileSync(join(dir, 'changed.tar'), writeTar(changed));
    const c = await keygrade(['audit', 'rederive', 'changed.tar'], { cwd: dir });
    assert.equal(c.code, 1);
    assert.match(c.stdout, /samples\/s1.csv: content differs from the manifest/);
    writeFileSync(join(dir, 'junk.tar.gz'), 'not an archive at all');
    const junk = await keygrade(['audit', 'rederive', 'junk.tar.gz'], { cwd: dir });
    assert.equal(junk.code, 2);
    assert.match(junk.stderr, /keygrade: /);
    assert.doesNotMatch(junk.stderr, /at .*\.js/, 'no stack trace');
  });
});
