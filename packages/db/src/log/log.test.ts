import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { leafHash, openCheckpoint, parseVerifierKey, verifyInclusion } from '@keygrade/tlog';
import { DbError } from '../errors.js';
import { MasterKey } from '../secrets.js';
import { postgresSkipNote, testBackends, type TestDb } from '../test-databases.js';
import { appendEntries, MAX_ENTRY_BYTES, type NewEntry } from './append.js';
import { custodianEntry } from './entries.js';
import { createLog, getLog } from './logs.js';
import { inclusionProof, getHead, consistencyProof } from './reader.js';
import { integrateLog, Sequencer } from './sequencer.js';
import { verifyLog } from './verify.js';
import { verifyConsistency } from '@keygrade/tlog';

const master = MasterKey.generate();
const now = () => new Date('2026-11-22T10:00:00Z');
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const ev = (i: number, extra = ''): NewEntry => custodianEntry({ id: `ev-${i}`, type: i % 3 === 0 ? 'withdrawal' : 'deposit', ts: '2026-11-22T10:00:00Z', actor: `user-${i % 7}`, data: { amount: String(i), extra } });

async function seeded(db: TestDb, n: number, batch = 100): Promise<void> {
  await createLog(db, master, { name: 'acme', origin: 'keygrade.test/log/acme', kind: 'custodian' }, now());
  for (let i = 0; i < n; i += batch) {
    const entries = Array.from({ length: Math.min(batch, n - i) }, (_, j) => ev(i + j));
    await db.kysely.transaction().execute((trx) => appendEntries(trx, 'acme', entries, now().toISOString()));
  }
  while ((await integrateLog(db.kysely, master, 'acme', { batchLimit: 700 })).integrated > 0);
}

/** Lets a test write to the append-only table as an attacker with database access would. */
async function disableGuards(db: TestDb): Promise<void> {
  if (db.dialect === 'postgres') await sql`ALTER TABLE log_entry DISABLE TRIGGER USER`.execute(db.kysely);
  else for (const t of ['log_entry_no_update', 'log_entry_no_delete']) await sql.raw(`DROP TRIGGER ${t}`).execute(db.kysely);
}

for (const backend of testBackends()) {
  describe(`transparency log on ${backend.name}`, () => {
    const open: TestDb[] = [];
    after(async () => {
      for (const d of open) await d.close();
    });
    const fresh = async () => {
      const d = await backend.open();
      open.push(d);
      return d;
    };

    test('appends, integrates in several passes, and every inclusion proof verifies against the signed checkpoint', async () => {
      const db = await fresh();
      await seeded(db, 1234, 97);
      const log = await getLog(db.kysely, 'acme');
      const head = await getHead(db.kysely, 'acme');
      assert.equal(head.size, 1234);
      const cp = openCheckpoint(head.checkpoint, [parseVerifierKey(log.publicKey)]).checkpoint;
      assert.equal(cp.size, 1234);
      for (const i of [0, 1, 255, 256, 700, 1233]) {
        const p = await inclusionProof(db.kysely, 'acme', i);
        verifyInclusion(leafHash(ev(i).data), i, p.size, p.proof, cp.root);
      }
      const history = await db.kysely.selectFrom('log_checkpoint').select(['size', 'root']).where('log', '=', 'acme').orderBy('size').execute();
      assert.deepEqual(history.map((h) => Number(h.size)), [0, 700, 1234]);
      const c = await consistencyProof(db.kysely, 'acme', 700, 1234);
      verifyConsistency(700, 1234, c, new Uint8Array(history[1]!.root), cp.root);
      const report = await verifyLog(db.kysely, 'acme', { publicKey: log.publicKey });
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.entries, 1234);
    });

    test('a replayed client id returns the first index; a conflicting one writes nothing', async () => {
      const db = await fresh();
      await seeded(db, 10);
      const again = await db.kysely.transaction().execute((trx) => appendEntries(trx, 'acme', [ev(3), ev(10)], now().toISOString()));
      assert.deepEqual(again, [
        { index: 3, duplicate: true },
        { index: 10, duplicate: false },
      ]);
      await assert.rejects(
        db.kysely.transaction().execute((trx) => appendEntries(trx, 'acme', [ev(11), ev(4, 'changed')], now().toISOString())),
        (e: unknown) => e instanceof DbError && e.code === 'LOG_CLIENT_ID_CONFLICT' && e.problems[0]?.path === 'entries[1].clientId',
      );
      assert.equal((await getLog(db.kysely, 'acme')).nextIndex, 11, 'nothing of the rejected batch was written');
      const count = await db.kysely.selectFrom('log_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 11);
    });

    test('oversized entries, empty batches and unknown logs are refused before anything is written', async () => {
      const db = await fresh();
      await seeded(db, 1);
      const big: NewEntry = { data: new Uint8Array(MAX_ENTRY_BYTES + 1) };
      await assert.rejects(db.kysely.transaction().execute((trx) => appendEntries(trx, 'acme', [ev(5), big], 'x')), (e: unknown) => e instanceof DbError && e.code === 'LOG_ENTRY_TOO_LARGE');
      await assert.rejects(db.kysely.transaction().execute((trx) => appendEntries(trx, 'acme', [], 'x')), (e: unknown) => e instanceof DbError && e.code === 'LOG_BATCH_INVALID');
      await assert.rejects(db.kysely.transaction().execute((trx) => appendEntries(trx, 'nope', [ev(1)], 'x')), (e: unknown) => e instanceof DbError && e.code === 'LOG_UNKNOWN');
      assert.equal((await getLog(db.kysely, 'acme')).nextIndex, 1);
    });

    test('an entry commits with the action it records, or not at all', async () => {
      const db = await fresh();
      await seeded(db, 2);
      await assert.rejects(
        db.kysely.transaction().execute(async (trx) => {
          await appendEntries(trx, 'acme', [ev(2)], 'x');
          throw new Error('the action failed');
        }),
      );
      assert.equal((await getLog(db.kysely, 'acme')).nextIndex, 2);
    });

    test('the entry table refuses updates and deletes', async () => {
      const db = await fresh();
      await seeded(db, 3);
      await assert.rejects(db.kysely.updateTable('log_entry').set({ actor: 'mallory' }).where('idx', '=', 1).execute(), /append-only/);
      await assert.rejects(db.kysely.deleteFrom('log_entry').where('idx', '=', 1).execute(), /append-only/);
      await assert.rejects(db.kysely.deleteFrom('log_checkpoint').execute(), /append-only/);
    });

    const tampers: { name: string; first: number; act: (db: TestDb) => Promise<void> }[] = [
      { name: 'a modified entry', first: 300, act: (db) => db.kysely.updateTable('log_entry').set({ data: ev(300, 'forged').data }).where('idx', '=', 300).execute().then(() => undefined) },
      { name: 'a deleted entry', first: 512, act: (db) => db.kysely.deleteFrom('log_entry').where('idx', '=', 512).execute().then(() => undefined) },
      { name: 'the last entry deleted', first: 599, act: (db) => db.kysely.deleteFrom('log_entry').where('idx', '=', 599).execute().then(() => undefined) },
      {
        name: 'two entries swapped',
        first: 41,
        act: async (db) => {
          const rows = await db.kysely.selectFrom('log_entry').select(['idx', 'data']).where('idx', 'in', [41, 42]).orderBy('idx').execute();
          await db.kysely.updateTable('log_entry').set({ data: rows[1]!.data }).where('idx', '=', 41).execute();
          await db.kysely.updateTable('log_entry').set({ data: rows[0]!.data }).where('idx', '=', 42).execute();
        },
      },
      {
        name: 'an entry inserted in the middle',
        first: 100,
        act: async (db) => {
          // Shift 100.. up by one (highest first so the key stays unique) and slip a row into 100.
          const rows = await db.kysely.selectFrom('log_entry').select('idx').where('idx', '>=', 100).orderBy('idx', 'desc').execute();
          for (const r of rows) await db.kysely.updateTable('log_entry').set({ idx: Number(r.idx) + 1 }).where('idx', '=', Number(r.idx)).execute();
          await db.kysely.insertInto('log_entry').values({ log: 'acme', idx: 100, data: ev(9999).data, client_id: null, type: null, actor: null, ts: null, received_at: 'x' }).execute();
        },
      },
      {
        name: 'an entry appended behind the log’s back',
        first: 600,
        act: (db) => db.kysely.insertInto('log_entry').values({ log: 'acme', idx: 600, data: ev(600).data, client_id: null, type: null, actor: null, ts: null, received_at: 'x' }).execute().then(() => undefined),
      },
    ];
    for (const t of tampers) {
      test(`verify detects ${t.name} and names index ${t.first}`, async () => {
        const db = await fresh();
        await seeded(db, 600, 200);
        const log = await getLog(db.kysely, 'acme');
        assert.equal((await verifyLog(db.kysely, 'acme', { publicKey: log.publicKey })).ok, true);
        await disableGuards(db);
        await t.act(db);
        const r = await verifyLog(db.kysely, 'acme', { publicKey: log.publicKey });
        assert.equal(r.ok, false);
        assert.equal(r.firstBadIndex, t.first, JSON.stringify(r.problems));
      });
    }

    test('a rewritten history with recomputed tiles fails on the signed roots', async () => {
      const db = await fresh();
      await seeded(db, 300, 100);
      const log = await getLog(db.kysely, 'acme');
      await disableGuards(db);
      await db.kysely.updateTable('log_entry').set({ data: ev(150, 'forged').data }).where('idx', '=', 150).execute();
      await db.kysely.deleteFrom('log_tile').execute();
      const r = await verifyLog(db.kysely, 'acme', { publicKey: log.publicKey });
      assert.equal(r.ok, false);
      assert.ok(r.problems.some((p) => /tile 0\/0 is missing|no stored leaf hash/.test(p.message)), JSON.stringify(r.problems));
    });

    test('only one sequencer is active at a time', async () => {
      const db = await fresh();
      await seeded(db, 5);
      const a = new Sequencer(db, master, { intervalMs: 20 });
      const b = new Sequencer(db, master, { intervalMs: 20 });
      a.start();
      await new Promise((r) => setTimeout(r, 150));
      b.start();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(a.active, true);
      assert.equal(b.active, false);
      await db.kysely.transaction().execute((trx) => appendEntries(trx, 'acme', [ev(5), ev(6)], 'x'));
      a.poke();
      const deadline = Date.now() + 3000;
      while ((await getHead(db.kysely, 'acme')).size < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await getHead(db.kysely, 'acme')).size, 7);
      await a.stop();
      await b.stop();
    });
  });
}
