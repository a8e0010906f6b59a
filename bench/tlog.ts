/**
 * Benchmark of the tamper-evident log (issue 3), on SQLite and (with KEYGRADE_TEST_PG_URL) PostgreSQL:
 *  1. durable appends per second with batching, against plain inserts of the same rows into a
 *     table without the log, in the same run (the baseline);
 *  2. sequencer integration throughput (tiles + signed checkpoint);
 *  3. full verification of a log of N entries (target: 1,000,000 in <= 10 s);
 *  4. inclusion proof generation from stored tiles (target <= 1 ms).
 * Run: node --conditions=keygrade-source --import tsx bench/tlog.ts [--entries 1000000] [--appends 100000] [--batch 500]
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { MasterKey, appendEntries, createLog, inclusionProof, integrateLog, verifyLog, type NewEntry } from '@keygrade/db';
import { testBackends, type TestDb } from '@keygrade/db/testing';
import { canonicalJsonBytes } from '@keygrade/tlog';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '1000000' }, appends: { type: 'string', default: '100000' }, batch: { type: 'string', default: '500' } } });
const N = Number(values.entries);
const APPENDS = Number(values.appends);
const BATCH = Number(values.batch);
const master = MasterKey.generate();

function entry(i: number): NewEntry {
  const data = canonicalJsonBytes({ v: 1, id: `ev-${i}`, type: i % 2 ? 'withdrawal' : 'deposit', ts: '2026-11-22T10:00:00.000Z', actor: `ops-${i % 13}`, data: { asset: 'BTC', amount: String(i % 100000), address: 'bc1q' + String(i).padStart(38, '0') } });
  return { data, clientId: `ev-${i}`, type: i % 2 ? 'withdrawal' : 'deposit', actor: `ops-${i % 13}`, ts: '2026-11-22T10:00:00.000Z' };
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;

async function appendBench(db: TestDb): Promise<void> {
  await createLog(db, master, { name: 'bench', origin: 'bench.test/log/bench', kind: 'custodian' }, new Date());
  // Baseline: the same rows into a plain table with the same columns and indexes, same batches.
  const bytes = db.dialect === 'postgres' ? 'bytea' : 'blob';
  await sql.raw(`CREATE TABLE plain_entry (log text NOT NULL, idx bigint NOT NULL, data ${bytes} NOT NULL, client_id text, type text, actor text, ts text, received_at text NOT NULL, PRIMARY KEY (log, idx))`).execute(db.kysely);
  await sql.raw('CREATE UNIQUE INDEX plain_client ON plain_entry (log, client_id)').execute(db.kysely);
  const rows = Array.from({ length: APPENDS }, (_, i) => entry(i));
  const at = new Date().toISOString();
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < APPENDS; i += BATCH) {
    const slice = rows.slice(i, i + BATCH);
    await db.kysely.transaction().execute(async (trx) => {
      for (let j = 0; j < slice.length; j += 500) {
        await trx
          .insertInto('plain_entry' as never)
          .values(slice.slice(j, j + 500).map((e, k) => ({ log: 'bench', idx: i + j + k, data: e.data, client_id: e.clientId ?? null, type: e.type ?? null, actor: e.actor ?? null, ts: e.ts ?? null, received_at: at })) as never)
          .execute();
      }
    });
  }
  const plain = seconds(t0);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < APPENDS; i += BATCH) await db.kysely.transaction().execute((trx) => appendEntries(trx, 'bench', rows.slice(i, i + BATCH), at));
  const logged = seconds(t0);
  t0 = process.hrtime.bigint();
  let integrated = 0;
  for (;;) {
    const r = await integrateLog(db.kysely, master, 'bench', { batchLimit: 50_000 });
    if (r.integrated === 0) break;
    integrated += r.integrated;
  }
  const seq = seconds(t0);
  console.log(`  appends, batches of ${BATCH}: plain inserts ${rate(APPENDS, plain)} (${plain.toFixed(2)} s); through the log ${rate(APPENDS, logged)} (${logged.toFixed(2)} s); ratio ${(logged / plain).toFixed(2)}x the plain time`);
  console.log(`  sequencer: integrated ${integrated.toLocaleString('en-US')} entries at ${rate(integrated, seq)} (${seq.toFixed(2)} s, tiles + signed checkpoints)`);
}

async function verifyBench(db: TestDb, n: number): Promise<void> {
  await createLog(db, master, { name: 'big', origin: 'bench.test/log/big', kind: 'custodian' }, new Date());
  const at = new Date().toISOString();
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ data: entry(i + k).data }));
    await db.kysely.transaction().execute((trx) => appendEntries(trx, 'big', batch, at));
    if (i % 100_000 === 0) {
      for (;;) if ((await integrateLog(db.kysely, master, 'big', { batchLimit: 100_000 })).integrated === 0) break;
    }
  }
  for (;;) if ((await integrateLog(db.kysely, master, 'big', { batchLimit: 100_000 })).integrated === 0) break;
  console.log(`  built a ${n.toLocaleString('en-US')}-entry log in ${seconds(t0).toFixed(1)} s`);
  t0 = process.hrtime.bigint();
  const report = await verifyLog(db.kysely, 'big');
  const v = seconds(t0);
  if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.problems)}`);
  console.log(`  full verification of ${report.entries.toLocaleString('en-US')} entries (${report.tiles} tiles): ${v.toFixed(2)} s (target <= 10 s for 1,000,000)`);
  const k = 1000;
  const idx = Array.from({ length: k }, (_, i) => Math.floor((i * 7919 * 104729) % n));
  await inclusionProof(db.kysely, 'big', idx[0]!);
  t0 = process.hrtime.bigint();
  for (const i of idx) await inclusionProof(db.kysely, 'big', i);
  const p = seconds(t0);
  console.log(`  inclusion proof from stored tiles: ${((p / k) * 1000).toFixed(3)} ms each over ${k} random indexes (target <= 1 ms)`);
}

for (const backend of testBackends()) {
  console.log(`${backend.name}:`);
  const a = await backend.open();
  try {
    await appendBench(a);
  } finally {
    await a.close();
  }
  const b = await backend.open();
  try {
    await verifyBench(b, N);
  } finally {
    await b.close();
  }
}
