/**
 * Opening this instance's database and master key from the command line: `--db` wins, then
 * KEYGRADE_DATABASE_URL, then `data/keygrade.sqlite` in the working folder (the same defaults as
 * the server, so `keygrade log …` next to `npm start` sees the same logs).
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { AUDIT_LOG, ensureLog, logOrigin, migrateToLatest, openDatabase, type Db, type MasterKey, type Who } from '@keygrade/db';
import { loadConfig, masterKeyFor, type Config } from '@keygrade/server';
import type { Io } from './io.js';

export const DB_OPTION = { type: 'string', value: '<path-or-url>', description: 'SQLite file or postgres:// URL (default: $KEYGRADE_DATABASE_URL or data/keygrade.sqlite)' } as const;

export function configFor(io: Io, db?: string): Config {
  const c = loadConfig(io.env as NodeJS.ProcessEnv, io.cwd);
  return db === undefined ? c : { ...c, databaseUrl: db };
}

export interface Instance {
  db: Db;
  config: Config;
  master: () => MasterKey;
  /** Who acts, for audit entries: the operating-system user on this host. */
  who: () => Who;
  /** Makes sure Keygrade's own audit log exists (before a command that changes state). */
  ensureAuditLog: () => Promise<void>;
}

function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no user database (some containers) */
  }
  return `cli:${user}@${hostname()}`;
}

/** Opens and migrates the database; the caller closes it. */
export async function openInstance(io: Io, db?: string): Promise<Instance> {
  const config = configFor(io, db);
  const handle = await openDatabase(config.databaseUrl, { cwd: io.cwd, poolSize: 2 });
  try {
    await migrateToLatest(handle);
  } catch (e) {
    await handle.close();
    throw e;
  }
  const master = () => masterKeyFor(config);
  return {
    db: handle,
    config,
    master,
    who: () => ({ actor: cliActor(), requestId: randomUUID(), at: io.now() }),
    ensureAuditLog: async () => {
      await ensureLog(handle, master(), { name: AUDIT_LOG, origin: logOrigin(config.logOrigin, AUDIT_LOG), kind: 'audit', description: 'Every action taken in this Keygrade instance' }, io.now());
    },
  };
}

/** Runs `fn` with an open instance and always closes it. */
export async function withInstance<T>(io: Io, db: string | undefined, fn: (i: Instance) => Promise<T>): Promise<T> {
  const i = await openInstance(io, db);
  try {
    return await fn(i);
  } finally {
    await i.db.close();
  }
}
