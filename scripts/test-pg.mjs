#!/usr/bin/env node
// The PostgreSQL suite: the database, server and CLI log tests again, on a real PostgreSQL.
// Each test creates its own fresh database (keygrade_test_<random>) and drops it afterwards.
// KEYGRADE_TEST_PG_URL points at a server and a maintenance database the tests may connect to
// (default: postgres://postgres@127.0.0.1:5432/postgres, the local server CI provides).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const url = process.env.KEYGRADE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  const { rows } = await client.query('select version()');
  console.log(`PostgreSQL suite on ${url.replace(/:[^:@/]*@/, ':***@')}: ${rows[0].version.split(',')[0]}`);
} catch (e) {
  console.error(`cannot connect to PostgreSQL at ${url}: ${e.message}`);
  console.error('Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set KEYGRADE_TEST_PG_URL.');
  process.exit(1);
} finally {
  await client.end().catch(() => undefined);
}
const test = fileURLToPath(new URL('./test.mjs', import.meta.url));
const r = spawnSync(process.execPath, [test, 'packages/db/', 'apps/server/', 'apps/cli/src/log'], { stdio: 'inherit', env: { ...process.env, KEYGRADE_TEST_PG_URL: url } });
process.exit(r.status ?? 1);
