import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './connect.js';
import { DbError } from './errors.js';
import * as m001 from './migrations/001-transparency-log.js';
import * as m002 from './migrations/002-tile-inner-hashes.js';
import * as m003 from './migrations/003-accounts.js';
import * as m004 from './migrations/004-assessments.js';
import * as m005 from './migrations/005-assessment-revision.js';
import * as m006 from './migrations/006-reserve-snapshots.js';
import * as m007 from './migrations/007-audits.js';
import * as m008 from './migrations/008-registry.js';
import * as m009 from './migrations/009-compliance.js';
import * as m010 from './migrations/010-checkpoint-stamps.js';
import * as m011 from './migrations/011-wallet-inventory.js';

/** Every migration, in order. Each takes the dialect so one list serves SQLite and PostgreSQL. */
const MIGRATIONS = { '001-transparency-log': m001, '002-tile-inner-hashes': m002, '003-accounts': m003, '004-assessments': m004, '005-assessment-revision': m005, '006-reserve-snapshots': m006, '007-audits': m007, '008-registry': m008, '009-compliance': m009, '010-checkpoint-stamps': m010, '011-wallet-inventory': m011 } as const;

function provider(db: Db): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve(
        Object.fromEntries(Object.entries(MIGRATIONS).map(([name, m]): [string, Migration] => [name, { up: (k) => m.up(k, db.dialect) }])),
      ),
  };
}

/** Brings the schema up to date. Safe to run concurrently: Kysely takes a migration lock. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider: provider(db) });
  // Up to date already (the common case for a CLI next to a running server): take no lock.
  const known = await migrator.getMigrations().catch(() => undefined);
  if (known && known.every((m) => m.executedAt !== undefined)) return [];
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new DbError('DB_MIGRATION_FAILED', `database migration ${failed ?? ''} failed on ${db.location}: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
