import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { buildAuditFile, openAuditFile, rederiveAudit, RETENTION_YEARS } from './audit-file.js';
import { concludeAudit, type Finding } from './conclusion.js';
import { parsePopulation } from './population.js';
import { drawSample } from './sample.js';
import { readTar, writeTar } from './tar.js';

const catalog = openCatalog();
const edition = catalog.edition('ccss-2020');
const ids = allRequirements(edition).map((r) => r.id);
const period = { start: '2026-01-01', end: '2026-12-31' };
const csv = ['id,date', ...Array.from({ length: 30 }, (_, i) => `T-${i},2026-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 9) + 1}`)].join('\n');
const seed = new Uint8Array(32).fill(7);

function auditFile(opts: { findings?: Finding[]; recordedLevel?: number; seedOf?: string } = {}) {
  const findings = opts.findings ?? ids.map((requirementId, i): Finding => ({ requirementId, status: i === 5 ? 'not_in_place' : 'in_place' }));
  const record = drawSample({ population: parsePopulation(csv, { period }), frequency: 'occurrence', risk: 'high', method: 'random', seed });
  const results = record.items.map((i) => ({ itemId: i.id, outcome: 'ok' as const }));
  const c = concludeAudit(edition, findings);
  return buildAuditFile({
    engagementId: 'e1',
    edition: edition.id,
    created: '2027-02-01T10:00:00.000Z',
    json: {
      'engagement.json': { doc: { period } },
      'tests.json': findings.map((f) => ({ requirementId: f.requirementId, finding: f })),
      'conclusion.json': { systemLevel: opts.recordedLevel ?? c.systemLevel, aspects: c.aspects },
      'samples/s1.json': { requirementId: ids[2], title: 'x', populationFile: 'p.csv', record: opts.seedOf ? { ...record, seed: opts.seedOf } : record, results },
    },
    files: [{ path: 'samples/s1.csv', data: new TextEncoder().encode(csv) }],
  });
}

describe('the audit file', () => {
  it('lists every entry with its digest, keeps a 7-year retention date, and re-derives samples and levels', () => {
    const built = auditFile();
    assert.equal(built.manifest.retainUntil, `${2027 + RETENTION_YEARS}-02-01`);
    assert.deepEqual(built.manifest.files.map((f) => f.path).sort(), ['conclusion.json', 'engagement.json', 'samples/s1.csv', 'samples/s1.json', 'tests.json']);
    const re = rederiveAudit(openAuditFile(built.tar), (id) => catalog.edition(id));
    assert.equal(re.ok, true, JSON.stringify(re.samples));
    assert.equal(re.samples[0]!.size, 20, '26–50 occurrences, high risk');
    assert.equal(re.derived.systemLevel, 0, 'a requirement not in place at Level I leaves the system uncertified');
  });

  it('finds a sample that its seed does not reproduce, and levels that do not follow from the findings', () => {
    const otherSeed = auditFile({ seedOf: '11'.repeat(32) });
    const re = rederiveAudit(openAuditFile(otherSeed.tar), (id) => catalog.edition(id));
    assert.equal(re.samples[0]!.reproduced, false);
    assert.match(re.samples[0]!.differences.join(' '), /selected items differ/);
    assert.equal(re.ok, false);
    const inflated = rederiveAudit(openAuditFile(auditFile({ recordedLevel: 3 }).tar), (id) => catalog.edition(id));
    assert.equal(inflated.levelsMatch, false);
    assert.equal(inflated.ok, false);
  });

  it('refuses an archive whose entries differ from the manifest, or that has extra or missing entries', () => {
    const { tar } = auditFile();
    const entries = readTar(tar);
    const changed = entries.map((e) => (e.path === 'tests.json' ? { ...e, data: new TextEncoder().encode('[]') } : e));
    assert.throws(() => openAuditFile(writeTar(changed)), (e: Error & { problems?: { path: string }[] }) => e.problems?.[0]?.path === 'tests.json');
    assert.throws(() => openAuditFile(writeTar([...entries, { path: 'extra.txt', data: new Uint8Array(1) }])), /not match its manifest/);
    assert.throws(() => openAuditFile(writeTar(entries.filter((e) => e.path !== 'samples/s1.csv'))), /not match its manifest/);
    assert.throws(() => openAuditFile(writeTar(entries.filter((e) => e.path !== 'manifest.json'))), /no manifest.json/);
  });
});
