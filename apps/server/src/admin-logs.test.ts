import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AUDIT_LOG, MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { as, call, signUp, testApp } from './testing.js';

const master = MasterKey.generate();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

for (const backend of testBackends()) {
  describe(`the administrator's log view on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });

    test('shows logs with size, pending entries, witnesses and alerts to the instance admin only; alerts can be acknowledged once', async () => {
      const db = await backend.open();
      dbs.push(db);
      const app = await testApp(db, master);
      const admin = await signUp(app); // the first account is the instance administrator
      const member = await signUp(app);
      await db.kysely.insertInto('alert').values({ rule_id: 'r1', log: AUDIT_LOG, raised_at: '2026-12-04T10:00:00.000Z', message: 'burst of failed sign-ins', first_index: 0, last_index: 3, acknowledged_at: null }).execute();
      const r = await call(app, { url: '/api/admin/logs', headers: as(admin) });
      assert.equal(r.status, 200, r.res.body);
      const logs = r.body.logs as { name: string; size: number; pending: number; witnesses: unknown[]; alerts: { id: number; message: string; acknowledgedAt: string | null }[] }[];
      const audit = logs.find((l) => l.name === AUDIT_LOG)!;
      assert.ok(audit.pending > 0, 'sign-ups were audited and wait for the sequencer');
      assert.deepEqual(audit.witnesses, []);
      assert.equal(audit.alerts[0]!.message, 'burst of failed sign-ins');
      const id = audit.alerts[0]!.id;
      assert.equal((await call(app, { method: 'POST', url: `/api/admin/alerts/${id}/acknowledge`, headers: as(admin) })).status, 204);
      assert.equal((await call(app, { method: 'POST', url: `/api/admin/alerts/${id}/acknowledge`, headers: as(admin) })).status, 404);
      const again = await call(app, { url: '/api/admin/logs', headers: as(admin) });
      assert.ok((again.body.logs as typeof logs).find((l) => l.name === AUDIT_LOG)!.alerts[0]!.acknowledgedAt);
      assert.equal((await call(app, { url: '/api/admin/logs', headers: as(member) })).status, 403);
      assert.equal((await call(app, { method: 'POST', url: `/api/admin/alerts/${id}/acknowledge`, headers: as(member) })).status, 403);
      assert.equal((await call(app, { url: '/api/admin/logs' })).status, 401);
    });
  });
}
