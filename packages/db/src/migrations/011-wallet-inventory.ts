import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/**
 * Key inventories on the platform (issue 8): each system keeps the sites, devices, keys and backups
 * of its wallets as @keygrade/wallet validates them. Every import is a new version (append-only):
 * the merged inventory as JSON, the uploaded files as they were (YAML or CSV, so any version can be
 * downloaded again), who imported it and when. An inventory holds xpubs and locations, never
 * private keys or seeds: the server refuses those before anything reaches this table.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('wallet_inventory')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('system_id', 'text', (c) => c.notNull().references('system.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wallet_inventory_version').on('wallet_inventory').columns(['system_id', 'version']).unique().execute();

  if (dialect === 'postgres') {
    await sql.raw(`CREATE TRIGGER wallet_inventory_append_only BEFORE UPDATE OR DELETE ON wallet_inventory FOR EACH ROW EXECUTE FUNCTION keygrade_append_only()`).execute(db);
    await sql.raw(`CREATE TRIGGER wallet_inventory_no_truncate BEFORE TRUNCATE ON wallet_inventory FOR EACH STATEMENT EXECUTE FUNCTION keygrade_append_only()`).execute(db);
  } else {
    await sql.raw(`CREATE TRIGGER wallet_inventory_no_update BEFORE UPDATE ON wallet_inventory BEGIN SELECT RAISE(ABORT, 'table wallet_inventory is append-only'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER wallet_inventory_no_delete BEFORE DELETE ON wallet_inventory BEGIN SELECT RAISE(ABORT, 'table wallet_inventory is append-only'); END`).execute(db);
  }
}
