/**
 * Test databases: a fresh SQLite file always, and a fresh PostgreSQL database when
 * KEYGRADE_TEST_PG_URL is set (e.g. postgres://postgres@127.0.0.1:5432/postgres). Each call
 * creates a new database and `close()` drops it, so tests never share state.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from './connect.js';
import { migrateToLatest } from './migrate.js';

export interface TestDb extends Db {
  /** The URL another process (a CLI, a server) can open the same database with. */
  url: string;
}

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<TestDb>;
}

async function freshSqlite(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'keygrade-db-'));
  const url = join(dir, 'test.sqlite');
  const db = await openDatabase(url);
  await migrateToLatest(db);
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(adminUrl: string): Promise<TestDb> {
  const name = `keygrade_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = await openDatabase(url);
  await migrateToLatest(db);
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** The backends to run database tests on. */
export function testBackends(): TestBackend[] {
  const pgUrl = process.env.KEYGRADE_TEST_PG_URL;
  const list: TestBackend[] = [{ name: 'sqlite', open: freshSqlite }];
  if (pgUrl) list.push({ name: 'postgres', open: () => freshPostgres(pgUrl) });
  return list;
}

/** Says once, in the test output, that PostgreSQL tests are skipped and how to run them. */
export function postgresSkipNote(): string | undefined {
  return process.env.KEYGRADE_TEST_PG_URL ? undefined : 'PostgreSQL tests skipped: set KEYGRADE_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres (CI runs them via scripts/test-pg.mjs)';
}
