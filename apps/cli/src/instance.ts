/**
 * Opening this instance's database and master key from the command line: `--db` wins, then
 * KEYGRADE_DATABASE_URL, then `data/keygrade.sqlite` in the working folder (the same defaults as
 * the server, so `keygrade log …` next to `npm start` sees the same logs).
 */
import { migrateToLatest, openDatabase, type Db, type MasterKey } from '@keygrade/db';
import { loadConfig, masterKeyFor, type Config } from '@keygrade/server';
import type { Io } from './io.js';

export const DB_OPTION = { type: 'string', value: '<path-or-url>', description: 'SQLite file or postgres:// URL (default: $KEYGRADE_DATABASE_URL or data/keygrade.sqlite)' } as const;

export function configFor(io: Io, db?: string): Config {
  const c = loadConfig(io.env as NodeJS.ProcessEnv, io.cwd);
  return db === undefined ? c : { ...c, databaseUrl: db };
}

/** Opens and migrates the database; the caller closes it. */
export async function openInstance(io: Io, db?: string): Promise<{ db: Db; config: Config; master: () => MasterKey }> {
  const config = configFor(io, db);
  const handle = await openDatabase(config.databaseUrl, { cwd: io.cwd, poolSize: 2 });
  try {
    await migrateToLatest(handle);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return { db: handle, config, master: () => masterKeyFor(config) };
}

/** Runs `fn` with an open instance and always closes it. */
export async function withInstance<T>(io: Io, db: string | undefined, fn: (i: Awaited<ReturnType<typeof openInstance>>) => Promise<T>): Promise<T> {
  const i = await openInstance(io, db);
  try {
    return await fn(i);
  } finally {
    await i.db.close();
  }
}
