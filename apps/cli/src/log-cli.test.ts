/**
 * End to end, with real processes: the server (API + sequencer) and a witness run as their own
 * processes; the CLI creates the log and token, fetches and verifies proofs, and re-verifies the
 * log over HTTP and in the database. Then the two hard cases: kill -9 during continuous appends
 * (no acknowledged entry may be lost) and a rewritten history (the witness must raise a split-view
 * alarm). Runs on SQLite, and on PostgreSQL when KEYGRADE_TEST_PG_URL is set.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { writeFileSync } from 'node:fs';
import { canonicalJson, emptyRoot } from '@keygrade/tlog';
import { openDatabase } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { keygrade, tempDir } from './test/harness.js';

const BIN = fileURLToPath(new URL('./bin.ts', import.meta.url));
const MASTER = randomBytes(32).toString('hex');
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

function node(args: string[], env: Record<string, string>, cwd: string): ChildProcess {
  // tsx is resolved from here: the child runs in a temporary folder with no node_modules.
  return spawn(process.execPath, ['--conditions=keygrade-source', '--import', import.meta.resolve('tsx'), BIN, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the first stdout match of `re`; rejects if the process exits first. */
function waitFor(p: ChildProcess, re: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let errBuf = '';
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output: ${buf}${errBuf}`)), ms);
    p.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = re.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    });
    p.stderr!.on('data', (c: Buffer) => (errBuf += c.toString()));
    p.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`process exited (${code}) before ${re}: ${buf}${errBuf}`));
    });
  });
}

async function poll<T>(fn: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const events = (tag: string, from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${tag}-${from + i}`, type: 'withdrawal', data: { n: from + i } }));

for (const backend of testBackends()) {
  describe(`log server, witness and CLI as processes on ${backend.name}`, { timeout: 180_000 }, () => {
    const procs: ChildProcess[] = [];
    const dbs: TestDb[] = [];
    after(async () => {
      for (const p of procs) p.kill('SIGKILL');
      for (const d of dbs) await d.close();
    });

    test('witnessed log end to end; kill -9 loses nothing; a rewritten history raises a split-view alarm', async () => {
      const db = await backend.open();
      dbs.push(db);
      const dir = tempDir();
      const env = { KEYGRADE_MASTER_KEY: MASTER, KEYGRADE_DATABASE_URL: db.url, KEYGRADE_DATA_DIR: join(dir, 'data'), KEYGRADE_LOG_ORIGIN: 'keygrade.test' };
      const cli = (args: string[], extra: Record<string, string> = {}) => keygrade(args, { cwd: dir, env: { ...env, ...extra } });
      const startServer = async (port = '0') => {
        const p = node(['serve', '--port', port, '--quiet'], env, dir);
        procs.push(p);
        const m = await waitFor(p, /serving on (http:\/\/[^\s]+)/);
        return { p, url: m[1]! };
      };

      let server = await startServer();
      const created = await cli(['log', 'create', 'acme', '--json']);
      assert.equal(created.code, 0, created.stderr);
      const vkey = (JSON.parse(created.stdout) as { publicKey: string }).publicKey;
      const tok = await cli(['token', 'create', '--name', 'acme-app', '--scope', 'log:append:acme,log:read:acme', '--json']);
      const token = (JSON.parse(tok.stdout) as { token: string }).token;
      const keys = await cli(['witness', 'keygen', 'w1.test', '-o', 'keys']);
      assert.equal(keys.code, 0, keys.stderr);
      const wkey = keys.stdout.split('\n')[0]!;
      assert.equal((await cli(['log', 'add-witness', 'acme', wkey])).code, 0);
      // Every administrative action is in Keygrade's own audit log, and no secret is.
      const tail = await cli(['log', 'tail', '--log', 'keygrade-audit', '--json']);
      const actions = tail.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { entry: { action: string; actor: string } }).entry);
      assert.deepEqual(actions.map((a) => a.action), ['log.create', 'token.create', 'log.witness.add']);
      assert.match(actions[0]!.actor, /^cli:/);
      assert.ok(!tail.stdout.includes(token.split('_').slice(2).join('_')), 'the token secret is not logged');

      const append = async (url: string, evs: unknown[]) => {
        const r = await fetch(`${url}/api/logs/acme/entries`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: evs }) });
        if (r.status !== 200) throw new Error(`append: HTTP ${r.status} ${await r.text()}`);
        return (await r.json()) as { entries: { id: string; index: number }[] };
      };
      for (let i = 0; i < 300; i += 100) await append(server.url, events('a', i, 100));

      // The witness, as its own process.
      const witness = node(['witness', 'run', '--log-url', server.url, '--log', 'acme', '--log-key', vkey, '--key', 'keys/w1.test.skey', '--data', 'wdata', '--interval', '0.2', '--listen', '0'], { ...env, KEYGRADE_TOKEN: token, KEYGRADE_DATABASE_URL: '' }, dir);
      procs.push(witness);
      const health = (await waitFor(witness, /witness health on (http:\/\/[^\s]+)/))[1]!;
      await poll(async () => {
        const s = (await (await fetch(health.replace('/health', '/status'))).json()) as { cosignedSize: number | null };
        return s.cosignedSize === 300 ? s : undefined;
      }, 'the witness cosigns size 300');
      await poll(async () => ((await (await fetch(`${server.url}/logs/acme/checkpoint`)).text()).includes('— w1.test ') ? true : undefined), 'the server serves the cosignature');

      const proof = await cli(['log', 'proof', '123', '--url', server.url, '--log', 'acme', '-o', 'e123.tlog-proof']);
      assert.equal(proof.code, 0, proof.stderr);
      const got = (await (await fetch(`${server.url}/api/logs/acme/entries?from=123&limit=1`, { headers: { authorization: `Bearer ${token}` } })).json()) as { entries: { entry: unknown }[] };
      writeFileSync(join(dir, 'e123.json'), canonicalJson(got.entries[0]!.entry));
      const vp = await cli(['log', 'verify-proof', 'e123.tlog-proof', '--vkey', vkey, '--entry', 'e123.json', '--witness-key', wkey, '--quorum', '1', '--json']);
      assert.equal(vp.code, 0, vp.stdout + vp.stderr);
      assert.equal((JSON.parse(vp.stdout) as { index: number }).index, 123);
      const overHttp = await cli(['log', 'verify', '--url', server.url, '--log', 'acme', '--vkey', vkey, '--token', token, '--witness-key', wkey, '--json']);
      assert.equal(overHttp.code, 0, overHttp.stdout + overHttp.stderr);
      const inDb = await cli(['log', 'verify', '--log', 'acme', '--vkey', vkey, '--witness-key', wkey]);
      assert.equal(inDb.code, 0, inDb.stdout + inDb.stderr);
      const copy = await cli(['log', 'verify', '--db', join(dir, 'wdata', 'witness.sqlite'), '--log', 'acme', '--vkey', vkey]);
      assert.equal(copy.code, 0, `the witness's copy verifies too: ${copy.stdout}${copy.stderr}`);

      // kill -9 during continuous appends: every acknowledged entry survives.
      const acked = new Set<string>();
      let n = 1000;
      let stop = false;
      const writer = (async () => {
        while (!stop) {
          const evs = events('k', n, 25);
          n += 25;
          try {
            for (const e of (await append(server.url, evs)).entries) acked.add(e.id);
          } catch {
            return;
          }
        }
      })();
      await poll(async () => (acked.size >= 200 ? true : undefined), 'appends are acknowledged');
      server.p.kill('SIGKILL');
      stop = true;
      await writer;
      const port = new URL(server.url).port;
      server = await startServer(port); // same port: the witness keeps watching the same URL
      const stored = new Set<string>();
      for (let from = 0; ; ) {
        const r = await fetch(`${server.url}/api/logs/acme/entries?from=${from}&limit=10000`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await r.json()) as { entries: { clientId: string }[]; next: number | null };
        for (const e of body.entries) stored.add(e.clientId);
        if (body.next === null) break;
        from = body.next;
      }
      const lost = [...acked].filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], `${acked.size} acknowledged, none may be lost`);
      await poll(async () => {
        const s = (await (await fetch(health.replace('/health', '/status'))).json()) as { verifiedSize: number };
        return s.verifiedSize === stored.size ? true : undefined;
      }, 'the witness catches up after the restart');
      const after9 = await cli(['log', 'verify', '--log', 'acme', '--vkey', vkey]);
      assert.equal(after9.code, 0, after9.stdout + after9.stderr);

      // A rewritten history: the operator (holding the log key) changes entry 10 and re-signs.
      server.p.kill('SIGTERM');
      await new Promise((r) => server.p.once('exit', r));
      const raw = await openDatabase(db.url);
      if (raw.dialect === 'postgres') {
        for (const t of ['log_entry', 'log_checkpoint']) await sql.raw(`ALTER TABLE ${t} DISABLE TRIGGER USER`).execute(raw.kysely);
      } else {
        for (const t of ['log_entry_no_update', 'log_checkpoint_no_delete']) await sql.raw(`DROP TRIGGER ${t}`).execute(raw.kysely);
      }
      await raw.kysely.updateTable('log_entry').set({ data: new TextEncoder().encode('{"forged":true}') }).where('log', '=', 'acme').where('idx', '=', 10).execute();
      await raw.kysely.deleteFrom('log_tile').where('log', '=', 'acme').execute();
      await raw.kysely.deleteFrom('log_checkpoint').where('log', '=', 'acme').where('size', '>', 0).execute();
      await raw.kysely.updateTable('log_head').set({ size: 0, root: emptyRoot() }).where('log', '=', 'acme').execute();
      await raw.close();
      server = await startServer(new URL(server.url).port);
      const st = await poll(async () => {
        const s = (await (await fetch(health.replace('/health', '/status'))).json()) as { status: string; alarms: { kind: string }[] };
        return s.alarms.some((a) => a.kind === 'split-view') ? s : undefined;
      }, 'the witness raises a split-view alarm');
      assert.equal(st.status, 'alarm');
      assert.equal((await fetch(health)).status, 503, 'health fails while the alarm stands');
      assert.ok(st.alarms.some((a) => a.kind === 'split-view'), JSON.stringify(st.alarms));
      const rewritten = await cli(['log', 'verify', '--log', 'acme', '--vkey', vkey, '--witness-key', wkey]);
      assert.equal(rewritten.code, 1, 'the stored cosignatures no longer match the re-signed tree');
      witness.kill('SIGTERM');
      server.p.kill('SIGTERM');
    });
  });
}
