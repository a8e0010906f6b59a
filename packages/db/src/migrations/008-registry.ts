import type { Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/**
 * The public registry (issue 6): auditors' signing keys with their history, certificates issued
 * from signed-off audits (the unsigned statement while signatures are collected, then the DSSE
 * envelope and its registry-log index), and lifecycle events. Every issuance, state change and
 * key registration is also an entry of the registry log (`keygrade-registry`).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('auditor_key')
    .addColumn('keyid', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .addColumn('log_index', 'bigint')
    .execute();
  await db.schema.createIndex('auditor_key_user').on('auditor_key').columns(['user_id', 'added_at']).execute();
  await db.schema
    .createTable('certificate')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('engagement_id', 'text', (c) => c.notNull().unique().references('engagement.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('system_id', 'text', (c) => c.notNull().references('system.id'))
    .addColumn('organization_name', 'text', (c) => c.notNull())
    .addColumn('system_name', 'text', (c) => c.notNull())
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('auditor_firm', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('report_sha256', 'text', (c) => c.notNull())
    .addColumn('signatures', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('envelope', 'text')
    .addColumn('certificate_sha256', 'text')
    .addColumn('log_index', 'bigint')
    .addColumn('supersedes', 'text')
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certificate_system').on('certificate').columns(['system_id', 'issued_at']).execute();
  await db.schema.createIndex('certificate_published').on('certificate').columns(['published', 'issued_at']).execute();
  await db.schema
    .createTable('certificate_event')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('certificate_id', 'text', (c) => c.notNull().references('certificate.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('supersedes', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('log_index', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certificate_event_at').on('certificate_event').columns(['at', 'id']).execute();
}
