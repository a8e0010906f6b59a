import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { createAssessment, createComplianceEntry, createOrg, createSystem, levelPoints, putAnswer, recordLevel } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { keygrade, tempDir } from '../test/harness.js';

const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);
// The harness's clock is 2026-11-22; a pentest of 2025-10-01 counts through 2026-09-30.
const by = { actor: 'test', at: new Date('2025-10-02T00:00:00Z') };

for (const backend of testBackends()) {
  describe(`keygrade monitor on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });

    test('--at simulates without writing; a run records the drop with its reason and audits it', async () => {
      const db = await backend.open();
      dbs.push(db);
      const k = db.kysely;
      const org = await createOrg(k, { name: 'Acme', ownerId: null }, by.at);
      const system = await createSystem(k, org.id, { name: 'Vault' }, by);
      const a = await createAssessment(k, { systemId: system.id, orgId: org.id, edition: 'ccss-2020' }, by);
      for (const r of allRequirements(openCatalog().edition('ccss-2020'))) if (r.level <= 2) await putAnswer(k, a.id, r.id, { status: 'in_place' }, 0, by);
      await recordLevel(k, a.id, 2, by.at);
      await createComplianceEntry(k, org.id, 'securityTests', 'PT-2025', { id: 'PT-2025', kind: 'penetration_test', scope: 'all', tester: { name: 'Acme Security', relation: 'third_party' }, performedOn: '2025-10-01', report: { sha256: 'c'.repeat(64) }, findings: [], auditedCode: [] }, by);
      const cwd = tempDir();
      const env = { KEYGRADE_MASTER_KEY: randomBytes(32).toString('hex') };

      const sim = await keygrade(['monitor', '--at', '2026-06-01', '--db', db.url, '--json'], { cwd, env });
      assert.equal(sim.code, 0, sim.stderr);
      const simulated = JSON.parse(sim.stdout) as { simulated: boolean; assessments: { level: number; nextLapse: string }[] };
      assert.deepEqual([simulated.simulated, simulated.assessments[0]!.level, simulated.assessments[0]!.nextLapse], [true, 2, '2026-10-01']);
      assert.equal((await levelPoints(k, a.id)).length, 2, 'nothing written');

      const run = await keygrade(['monitor', '--db', db.url], { cwd, env });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Evaluated 1 assessment on 2026-11-22/);
      assert.match(run.stdout, /Vault \(ccss-2020, .*\): Level II -> Level I/);
      assert.match(run.stdout, /2\.1\.1\.L2 lapsed on 2026-11-22: .*securityTests\/PT-2025/);
      assert.deepEqual((await levelPoints(k, a.id)).map((p) => p.level), [0, 2, 1]);
      const audit = await k.selectFrom('log_entry').select(['type', 'actor']).where('log', '=', 'keygrade-audit').execute();
      assert.ok(audit.some((e) => e.type === 'compliance.level_dropped' && e.actor!.startsWith('cli:')), JSON.stringify(audit));
      const again = await keygrade(['monitor', '--db', db.url, '--json'], { cwd, env });
      assert.deepEqual((JSON.parse(again.stdout) as { assessments: { events: unknown[] }[] }).assessments[0]!.events, []);

      assert.equal((await keygrade(['monitor', '--at', 'tomorrow', '--db', db.url], { cwd, env })).code, 2);
      assert.equal((await keygrade(['monitor', '--at', '2026-02-30', '--db', db.url], { cwd, env })).code, 2);
    });
  });
}
