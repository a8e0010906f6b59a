import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/** Tables of the tamper-evident logs, API tokens and the sequencer lease (issue 3). */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('log')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('origin', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('next_index', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('signing_key', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log_head')
    .addColumn('log', 'text', (c) => c.primaryKey().references('log.name'))
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('checkpoint', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log_entry')
    .addColumn('log', 'text', (c) => c.notNull().references('log.name'))
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('type', 'text')
    .addColumn('actor', 'text')
    .addColumn('ts', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_entry_pk', ['log', 'idx'])
    .execute();
  await db.schema.createIndex('log_entry_client_id').on('log_entry').columns(['log', 'client_id']).unique().execute();
  await db.schema.createIndex('log_entry_type').on('log_entry').columns(['log', 'type', 'idx']).execute();
  await db.schema.createIndex('log_entry_ts').on('log_entry').columns(['log', 'ts']).execute();
  await db.schema
    .createTable('log_tile')
    .addColumn('log', 'text', (c) => c.notNull().references('log.name'))
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('log_tile_pk', ['log', 'level', 'idx'])
    .execute();
  await db.schema
    .createTable('log_checkpoint')
    .addColumn('log', 'text', (c) => c.notNull().references('log.name'))
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_checkpoint_pk', ['log', 'size'])
    .execute();
  await db.schema
    .createTable('log_witness')
    .addColumn('log', 'text', (c) => c.notNull().references('log.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_witness_pk', ['log', 'name'])
    .execute();
  await db.schema
    .createTable('log_cosignature')
    .addColumn('log', 'text', (c) => c.notNull().references('log.name'))
    .addColumn('witness', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('cosigned_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_cosignature_pk', ['log', 'witness', 'size'])
    .execute();
  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', bytes, (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema
    .createTable('sequencer_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alert_rule')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('log', 'text', (c) => c.notNull().references('log.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alert')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('log', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('first_index', 'bigint')
    .addColumn('last_index', 'bigint')
    .addColumn('acknowledged_at', 'text')
    .execute();
  await db.schema
    .createTable('monitor_cursor')
    .addColumn('log', 'text', (c) => c.primaryKey())
    .addColumn('next_index', 'bigint', (c) => c.notNull())
    .execute();

  // Append-only guards. They stop mistakes and casual edits; a database superuser can still drop
  // them, which is why `keygrade log verify` and the witnesses recompute everything.
  if (dialect === 'postgres') {
    await sql`CREATE FUNCTION keygrade_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'KG001'; END $$`.execute(db);
    for (const t of ['log_entry', 'log_checkpoint', 'log_cosignature']) {
      await sql.raw(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION keygrade_append_only()`).execute(db);
      await sql.raw(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION keygrade_append_only()`).execute(db);
    }
  } else {
    for (const t of ['log_entry', 'log_checkpoint', 'log_cosignature']) {
      await sql.raw(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, 'table ${t} is append-only'); END`).execute(db);
      await sql.raw(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, 'table ${t} is append-only'); END`).execute(db);
    }
  }
}
