import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/**
 * Continuous compliance on the platform (issue 10): the registers of each organization (one row per
 * entry, the entry validated by @keygrade/compliance and kept as JSON, with an append-only history
 * of every version), the organization's validity settings, evidence links of an assessment's
 * requirements, the last evaluation of each assessment (what the nightly monitor compares with), the
 * reasons of every change it found, in-app notifications, and one webhook per organization whose
 * HMAC secret is sealed with the instance master key.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('compliance_entry')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('register', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .addColumn('retired_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compliance_entry_key').on('compliance_entry').columns(['org_id', 'register', 'entry_id']).unique().execute();

  await db.schema
    .createTable('compliance_entry_history')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('entry_uuid', 'text', (c) => c.notNull().references('compliance_entry.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('register', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compliance_entry_history_entry').on('compliance_entry_history').columns(['entry_uuid', 'version']).execute();

  await db.schema
    .createTable('compliance_settings')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('org.id'))
    .addColumn('validity', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('compliance_link')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessment.id'))
    .addColumn('requirement_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('evidence', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compliance_link_assessment').on('compliance_link').columns(['assessment_id', 'requirement_id']).execute();

  await db.schema
    .createTable('compliance_state')
    .addColumn('assessment_id', 'text', (c) => c.primaryKey().references('assessment.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('aspects', 'text', (c) => c.notNull())
    .addColumn('fell_back', 'text', (c) => c.notNull())
    .addColumn('next_lapse', 'text')
    .addColumn('evaluated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('compliance_event')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessment.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('aspect_id', 'text')
    .addColumn('requirement_id', 'text')
    .addColumn('from_level', 'integer')
    .addColumn('to_level', 'integer')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compliance_event_assessment').on('compliance_event').columns(['assessment_id', 'id']).execute();

  await db.schema
    .createTable('notification')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notification_user').on('notification').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('compliance_webhook')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('org.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_delivery_at', 'text')
    .addColumn('last_status', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  // The history of register entries is append-only, like the answer history and the log tables.
  if (dialect === 'postgres') {
    await sql.raw(`CREATE TRIGGER compliance_entry_history_append_only BEFORE UPDATE OR DELETE ON compliance_entry_history FOR EACH ROW EXECUTE FUNCTION keygrade_append_only()`).execute(db);
  } else {
    await sql.raw(`CREATE TRIGGER compliance_entry_history_no_update BEFORE UPDATE ON compliance_entry_history BEGIN SELECT RAISE(ABORT, 'table compliance_entry_history is append-only'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER compliance_entry_history_no_delete BEFORE DELETE ON compliance_entry_history BEGIN SELECT RAISE(ABORT, 'table compliance_entry_history is append-only'); END`).execute(db);
  }
}
