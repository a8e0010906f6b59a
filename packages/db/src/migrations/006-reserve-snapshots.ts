import type { Kysely } from 'kysely';

/** Proof-of-reserves snapshots per system (issue 9): the signed manifests and their chain. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reserve_snapshot')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('system_id', 'text', (c) => c.notNull().references('system.id'))
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('manifest_hash', 'text', (c) => c.notNull())
    .addColumn('previous_hash', 'text')
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('signers', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('evidence_id', 'text', (c) => c.references('evidence.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reserve_snapshot_hash').on('reserve_snapshot').columns(['system_id', 'manifest_hash']).unique().execute();
  await db.schema.createIndex('reserve_snapshot_seq').on('reserve_snapshot').columns(['system_id', 'sequence']).execute();
}
