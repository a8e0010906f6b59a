/**
 * Opening the database: the embedded SQLite file by default, PostgreSQL when the URL says so.
 * One Kysely instance over either dialect; the same migrations and queries serve both.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { DbError } from './errors.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * SQLite transactions that take the write lock when they begin (BEGIN IMMEDIATE). With several
 * processes on one file (the server, its sequencer, a CLI), a deferred transaction that reads and
 * then writes can fail at once with "database is locked" instead of waiting; an immediate one
 * waits for the lock (busy_timeout) like any other writer.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Distinct statements PostgreSQL is asked to keep prepared, per process (beyond it, queries run unnamed). */
export const PG_PREPARED_LIMIT = 2000;
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * A pg pool whose clients run data statements as named prepared statements (the name is a digest
 * of the SQL text), so PostgreSQL parses and plans each distinct query once per connection instead
 * of once per execution — Kysely sends every query as unnamed. DDL and multi-statement text (the
 * migrations) run as before.
 */
function preparingPool(pool: pg.Pool) {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < PG_PREPARED_LIMIT && PREPARABLE.test(text)) names.set(text, (name = `kg_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`));
    return name;
  };
  const wrapped: PostgresPool = {
    connect: async () => {
      const client = await pool.connect();
      const query = (textOrCursor: string | PostgresCursor<unknown>, values?: readonly unknown[]): unknown => {
        if (typeof textOrCursor !== 'string') return client.query(textOrCursor as never);
        const name = nameOf(textOrCursor);
        return name ? client.query({ name, text: textOrCursor, values: values as unknown[] }) : client.query(textOrCursor, values as unknown[]);
      };
      return { query: query as PostgresPoolClient['query'], release: () => client.release() };
    },
    end: () => pool.end(),
  };
  return wrapped;
}

/**
 * better-sqlite3 with prepared statements cached by SQL text. Kysely prepares every query anew,
 * and preparing costs more than running the small queries of a request; the driver holds its one
 * connection for a whole query (or stream), so a cached statement is never used twice at once.
 */
function cachingDatabase(db: SQLite.Database, size = 1000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare: (text: string) => {
      let stmt = cache.get(text);
      if (stmt) return stmt;
      stmt = db.prepare(text);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
      cache.set(text, stmt);
      return stmt;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: SQLite.Database) {
    const cached = cachingDatabase(database);
    super({ database: cached });
    this.#database = cached;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where the data lives, with any password removed (safe to log). */
  readonly location: string;
  close(): Promise<void>;
}

/** The default database file, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = 'data/keygrade.sqlite';

/** What a database URL points at. `sqlite:` URLs and bare paths mean a file; `postgres(ql)://` a server. */
export function parseDatabaseUrl(url: string | undefined, cwd = process.cwd()): { dialect: Dialect; target: string; display: string } {
  const u = (url ?? '').trim();
  if (u === '') return { dialect: 'sqlite', target: resolve(cwd, DEFAULT_SQLITE_PATH), display: resolve(cwd, DEFAULT_SQLITE_PATH) };
  if (/^postgres(ql)?:\/\//i.test(u)) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new DbError('DB_URL_INVALID', 'the PostgreSQL URL is not a valid URL (expected postgres://user@host:5432/database)');
    }
    if (parsed.password) parsed.password = '***';
    return { dialect: 'postgres', target: u, display: parsed.toString() };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u) && !/^sqlite:/i.test(u) && !/^file:/i.test(u)) {
    throw new DbError('DB_URL_INVALID', `unsupported database URL scheme in "${u.split(':')[0]}:"; use postgres://… or a SQLite file path`);
  }
  if (u === ':memory:' || u === 'sqlite::memory:') return { dialect: 'sqlite', target: ':memory:', display: ':memory:' };
  const path = u.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '');
  const abs = resolve(cwd, path);
  return { dialect: 'sqlite', target: abs, display: abs };
}

/** Opens the database named by `url` (default: `data/keygrade.sqlite`). Call `migrateToLatest` next. */
export async function openDatabase(url?: string, opts: { cwd?: string; poolSize?: number } = {}): Promise<Db> {
  const { dialect, target, display } = parseDatabaseUrl(url, opts.cwd);
  if (dialect === 'sqlite') {
    let handle: SQLite.Database;
    try {
      if (target !== ':memory:') mkdirSync(dirname(target), { recursive: true });
      handle = new SQLite(target);
      handle.pragma('journal_mode = WAL');
      handle.pragma('synchronous = FULL');
      handle.pragma('foreign_keys = ON');
      handle.pragma('busy_timeout = 10000');
    } catch (e) {
      throw new DbError('DB_CONNECT_FAILED', `cannot open the SQLite database ${display}: ${(e as Error).message}`, { cause: e });
    }
    const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(handle) });
    return { kysely, dialect, location: display, close: () => kysely.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: target,
    max: opts.poolSize ?? 10,
    // int8 (row counts, log indexes) as JS numbers: every value we store is below 2^53.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
  });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  try {
    await sql`select 1`.execute(kysely);
  } catch (e) {
    await kysely.destroy().catch(() => undefined);
    throw new DbError('DB_CONNECT_FAILED', `cannot connect to PostgreSQL at ${display}: ${(e as Error).message}`, { cause: e });
  }
  return { kysely, dialect, location: display, close: () => kysely.destroy() };
}
