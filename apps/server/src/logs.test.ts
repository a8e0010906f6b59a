import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AUDIT_LOG, MasterKey, createLog, createToken, ensureLog, getLog, integrateAll, logOrigin } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { decodeEntryBundle, leafHash, openCheckpoint, parseVerifierKey, verifyInclusion, verifyTlogProof } from '@keygrade/tlog';
import type { InjectOptions } from 'fastify';
import { buildApp, type App } from './app.js';

const master = MasterKey.generate();
const now = () => new Date('2026-11-22T10:00:00Z');
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

interface Ctx {
  db: TestDb;
  app: App;
  writer: string;
  reader: string;
  other: string;
}

async function setup(db: TestDb): Promise<Ctx> {
  await ensureLog(db, master, { name: AUDIT_LOG, origin: logOrigin('keygrade.test', AUDIT_LOG), kind: 'audit' }, now());
  await createLog(db, master, { name: 'acme', origin: logOrigin('keygrade.test', 'acme'), kind: 'custodian' }, now());
  await createLog(db, master, { name: 'other', origin: logOrigin('keygrade.test', 'other'), kind: 'custodian' }, now());
  const writer = (await createToken(db.kysely, { name: 'w', scopes: ['log:append:acme', 'log:read:acme'] }, now())).token;
  const reader = (await createToken(db.kysely, { name: 'r', scopes: ['log:read:acme'] }, now())).token;
  const other = (await createToken(db.kysely, { name: 'o', scopes: ['log:append:other', 'log:read:other'] }, now())).token;
  const app = await buildApp({ db, master, config: { logOrigin: 'keygrade.test', logLevel: 'silent' }, now });
  return { db, app, writer, reader, other };
}

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const events = (from: number, n: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: `tx-${from + i}`, type: (from + i) % 2 ? 'withdrawal' : 'deposit', ts: '2026-11-22T09:00:00Z', actor: `ops-${(from + i) % 3}`, data: { amount: String(from + i), ...extra } }));

for (const backend of testBackends()) {
  describe(`log API on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });
    const ctx = async () => {
      const db = await backend.open();
      dbs.push(db);
      return setup(db);
    };

    test('appends a batch, returns indexes, is idempotent by event id, and audits the append', async () => {
      const { app, writer, db } = await ctx();
      const r1 = await app.inject({ method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: events(0, 5) } });
      assert.equal(r1.statusCode, 200, r1.body);
      assert.deepEqual(r1.json().entries.map((e: { index: number }) => e.index), [0, 1, 2, 3, 4]);
      const r2 = await app.inject({ method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: events(3, 4) } });
      assert.deepEqual(r2.json().entries, [
        { id: 'tx-3', index: 3, duplicate: true },
        { id: 'tx-4', index: 4, duplicate: true },
        { id: 'tx-5', index: 5, duplicate: false },
        { id: 'tx-6', index: 6, duplicate: false },
      ]);
      const audit = await db.kysely.selectFrom('log_entry').select(['data', 'type']).where('log', '=', AUDIT_LOG).orderBy('idx').execute();
      assert.equal(audit.length, 2);
      const first = JSON.parse(Buffer.from(audit[0]!.data).toString()) as Record<string, unknown>;
      assert.equal(first.action, 'log.append');
      assert.equal(first.object, 'log:acme');
      assert.match(String(first.actor), /^token:[0-9a-f]{16}$/);
    });

    test('bad input is refused with a clear 4xx and nothing is written', async () => {
      const { app, writer, reader, other, db } = await ctx();
      const before = async () => (await getLog(db.kysely, 'acme')).nextIndex;
      await app.inject({ method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: events(0, 2) } });
      const cases: { name: string; status: number; code: string; req: InjectOptions }[] = [
        { name: 'no token', status: 401, code: 'TOKEN_REQUIRED', req: { method: 'POST', url: '/api/logs/acme/entries', payload: { events: events(9, 1) } } },
        { name: 'wrong token', status: 401, code: 'TOKEN_INVALID', req: { method: 'POST', url: '/api/logs/acme/entries', headers: auth('kg_0000000000000000_' + 'A'.repeat(43)), payload: { events: events(9, 1) } } },
        { name: 'read-only token', status: 403, code: 'TOKEN_SCOPE', req: { method: 'POST', url: '/api/logs/acme/entries', headers: auth(reader), payload: { events: events(9, 1) } } },
        { name: 'token of another log', status: 403, code: 'TOKEN_SCOPE', req: { method: 'POST', url: '/api/logs/acme/entries', headers: auth(other), payload: { events: events(9, 1) } } },
        { name: 'unknown log', status: 403, code: 'TOKEN_SCOPE', req: { method: 'POST', url: '/api/logs/nope/entries', headers: auth(writer), payload: { events: events(9, 1) } } },
        { name: 'malformed batch', status: 400, code: 'INVALID_REQUEST', req: { method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: [{ id: 'has space', type: 'x' }] } } },
        { name: 'empty batch', status: 400, code: 'INVALID_REQUEST', req: { method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: [] } } },
        { name: 'oversized entry', status: 413, code: 'LOG_ENTRY_TOO_LARGE', req: { method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: [...events(9, 1), { id: 'big', type: 'x', data: 'a'.repeat(70_000) }] } } },
        { name: 'replayed id with other content', status: 409, code: 'LOG_CLIENT_ID_CONFLICT', req: { method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: [...events(9, 1), ...events(1, 1, { changed: true })] } } },
      ];
      for (const c of cases) {
        const r = await app.inject(c.req);
        assert.equal(r.statusCode, c.status, `${c.name}: ${r.body}`);
        assert.equal(r.json().error, c.code, c.name);
        assert.equal(await before(), 2, `${c.name}: nothing written`);
      }
      const bad = await app.inject({ method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: [{ id: 'has space', type: 'x' }] } });
      assert.ok(bad.json().problems.some((p: { path: string }) => p.path === 'events.0.id'), bad.body);
    });

    test('serves the C2SP checkpoint, tiles and entry bundles, and proofs that verify', async () => {
      const { app, writer, reader, db } = await ctx();
      for (let i = 0; i < 600; i += 200) await app.inject({ method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: events(i, 200) } });
      await integrateAll(db.kysely, master);
      const log = await getLog(db.kysely, 'acme');
      const cpText = (await app.inject({ url: '/logs/acme/checkpoint' })).body;
      const cp = openCheckpoint(cpText, [parseVerifierKey(log.publicKey)]).checkpoint;
      assert.equal(cp.size, 600);
      const tile = await app.inject({ url: '/logs/acme/tile/0/001' });
      assert.equal(tile.statusCode, 200);
      assert.equal(tile.rawPayload.length, 256 * 32);
      const partial = await app.inject({ url: '/logs/acme/tile/0/002.p/88' });
      assert.equal(partial.rawPayload.length, 88 * 32);
      assert.equal((await app.inject({ url: '/logs/acme/tile/0/002.p/89' })).statusCode, 404);
      assert.equal((await app.inject({ url: '/logs/acme/tile/0/x001/bad' })).statusCode, 400);
      assert.equal((await app.inject({ url: '/logs/acme/tile/entries/001' })).statusCode, 401, 'entry bundles need a read token');
      const bundle = await app.inject({ url: '/logs/acme/tile/entries/001', headers: auth(reader) });
      const entries = decodeEntryBundle(new Uint8Array(bundle.rawPayload));
      assert.equal(entries.length, 256);
      assert.deepEqual(Buffer.from(leafHash(entries[0]!)), tile.rawPayload.subarray(0, 32));

      const proof = (await app.inject({ url: '/api/logs/acme/proof/300' })).json() as { proof: string[]; size: number };
      verifyInclusion(leafHash(entries[300 - 256]!), 300, proof.size, proof.proof.map((p) => new Uint8Array(Buffer.from(p, 'base64'))), cp.root);
      const file = (await app.inject({ url: '/api/logs/acme/proof/300?format=tlog-proof' })).body;
      const checked = verifyTlogProof(file, entries[300 - 256]!, { logKey: log.publicKey });
      assert.equal(checked.index, 300);
      assert.equal((await app.inject({ url: '/api/logs/acme/proof/600' })).statusCode, 404);
      const cons = await app.inject({ url: '/api/logs/acme/consistency?from=200&to=600' });
      assert.equal(cons.statusCode, 200);
    });

    test('queries and exports entries as JSON, NDJSON and CSV with filters', async () => {
      const { app, writer, reader } = await ctx();
      await app.inject({ method: 'POST', url: '/api/logs/acme/entries', headers: auth(writer), payload: { events: [...events(0, 6), { id: 'evil', type: 'admin', actor: '=cmd|calc', data: '@SUM(A1)' }] } });
      const q = await app.inject({ url: '/api/logs/acme/entries?type=withdrawal', headers: auth(reader) });
      assert.deepEqual(q.json().entries.map((e: { index: number }) => e.index), [1, 3, 5]);
      const page = await app.inject({ url: '/api/logs/acme/entries?limit=2&from=2', headers: auth(reader) });
      assert.deepEqual(page.json().entries.map((e: { index: number }) => e.index), [2, 3]);
      assert.equal(page.headers['x-next-from'], '4');
      const nd = await app.inject({ url: '/api/logs/acme/entries?format=ndjson&actor=ops-0', headers: auth(reader) });
      assert.match(String(nd.headers['content-type']), /^application\/x-ndjson/);
      assert.deepEqual(nd.body.trim().split('\n').map((l) => (JSON.parse(l) as { index: number }).index), [0, 3]);
      const csv = await app.inject({ url: '/api/logs/acme/entries?format=csv&type=admin', headers: auth(reader) });
      assert.match(csv.body, /^index,client_id,received_at,type,ts,actor,data\r\n6,evil,/);
      assert.match(csv.body, /,'=cmd\|calc,'@SUM\(A1\)\r\n$/, 'formula-like cells are made inert');
      assert.equal((await app.inject({ url: '/api/logs/acme/entries?since=yesterday', headers: auth(reader) })).statusCode, 400);
    });

    test('the OpenAPI document describes the log routes', async () => {
      const { app } = await ctx();
      const doc = (await app.inject({ url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
      assert.equal(doc.openapi, '3.1.0');
      for (const p of ['/api/logs/{log}/entries', '/api/logs/{log}/proof/{index}', '/logs/{log}/checkpoint', '/api/health']) assert.ok(doc.paths[p], p);
    });
  });
}
