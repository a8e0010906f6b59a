import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { toHex } from '@keygrade/reserves';
import { PUBLIC, clone, snapshot } from '../../../packages/reserves/src/test-util.js';
import { EvidenceStore } from './domain/evidence-store.js';
import { as, call, signUp, testApp } from './testing.js';

const master = MasterKey.generate();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const rows: [string, bigint[]][] = Array.from({ length: 20 }, (_, i) => [`c${i}`, [BigInt(i) * 100_000_000n, 10n ** 18n]]);
const first = snapshot(rows).manifest;
const second = snapshot(rows, { seed: 2, previous: first, time: '2026-12-31T23:59:59Z' }).manifest;
const unrelated = snapshot(rows, { seed: 3 }).manifest;

for (const backend of testBackends()) {
  describe(`proof-of-reserves snapshots on ${backend.name}`, () => {
    const cleanup: (() => unknown)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    test('snapshots chain per system, file evidence on the 2.03 requirements, and publish a script-free page', async () => {
      const db: TestDb = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), 'kg-por-'));
      cleanup.push(() => db.close(), () => rmSync(dir, { recursive: true, force: true }));
      const app = await testApp(db, master, { evidence: new EvidenceStore(dir, 1 << 20) });
      const owner = await signUp(app);
      const sys = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Exchange <wallets>' } });
      const systemId = (sys.body.system as { id: string }).id;
      const a = await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments`, headers: as(owner), payload: { edition: 'ccss-2020' } });
      const assessmentId = (a.body.assessment as { id: string }).id;
      const add = (manifest: unknown, extra: Record<string, unknown> = {}) => call(app, { method: 'POST', url: `/api/systems/${systemId}/reserves`, headers: as(owner), payload: { manifest, ...extra } });

      const r1 = await add(first, { publicKey: toHex(PUBLIC), public: true });
      assert.equal(r1.status, 201, r1.res.body);
      const s1 = r1.body.snapshot as { id: string; chain: string; manifestHash: string };
      assert.equal(s1.chain, 'first');
      assert.ok((r1.body.linkedRequirements as string[]).length > 0 && (r1.body.linkedRequirements as string[]).every((id) => id.startsWith('2.3.')));
      const checklist = await call(app, { url: `/api/assessments/${assessmentId}/checklist`, headers: as(owner) });
      assert.ok(JSON.stringify(checklist.body).includes('Proof-of-reserves manifest, snapshot 0'));

      // The chain: a manifest that does not follow the latest one is refused, nothing stored.
      assert.equal((await add(unrelated)).status, 409);
      assert.equal((await add(first)).status, 409, 'the same manifest twice');
      const r2 = await add(second);
      assert.equal(r2.status, 201, r2.res.body);
      assert.equal((r2.body.snapshot as { chain: string }).chain, 'verified');
      const list = await call(app, { url: `/api/systems/${systemId}/reserves`, headers: as(owner) });
      assert.deepEqual((list.body.snapshots as { sequence: number }[]).map((s) => s.sequence), [1, 0]);

      // Altered or wrongly signed manifests: 422 with the reason; malformed: 400.
      const altered = clone(second) as unknown as { assets: { total: string }[] };
      altered.assets[0]!.total = '1';
      const bad = await add(altered);
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error, 'BAD_SIGNATURE');
      assert.equal((await add(second, { publicKey: 'ab'.repeat(32) })).status, 422);
      assert.equal((await add({ scheme: 'nope' })).status, 400);

      // Public page: no login, no script, values escaped; private snapshots are 404.
      const page = await app.inject({ url: `/reserves/${s1.id}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Exchange &lt;wallets&gt;/);
      assert.doesNotMatch(page.body, /<script/i);
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
      assert.ok(page.body.includes(s1.manifestHash));
      assert.ok(page.body.includes('19')); // the BTC total: 0 + 1 + … + 19 BTC = 190 BTC
      assert.match(page.body, />190</);
      const dl = await app.inject({ url: `/reserves/${s1.id}/manifest.json` });
      assert.equal(dl.statusCode, 200);
      assert.deepEqual(JSON.parse(dl.body), first);
      const privateId = (r2.body.snapshot as { id: string }).id;
      assert.equal((await app.inject({ url: `/reserves/${privateId}` })).statusCode, 404);

      // Another organization sees nothing.
      const stranger = await signUp(app);
      assert.equal((await call(app, { url: `/api/systems/${systemId}/reserves`, headers: as(stranger) })).status, 404);
      assert.equal((await call(app, { method: 'POST', url: `/api/systems/${systemId}/reserves`, headers: as(stranger), payload: { manifest: second } })).status, 404);
    });
  });
}
