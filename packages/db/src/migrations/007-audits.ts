import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/**
 * CCSS audits on the platform (issue 5): accredited auditors, engagements with their members,
 * testing per requirement, records (information produced by the entity, samples, remediation items)
 * and the peer-review threads. The engagement's validated document (packages/audit `Engagement`,
 * with the conflict declarations) is kept as JSON; the columns beside it are what queries filter on.
 * Review messages are append-only, guarded by triggers like the log tables.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('auditor')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('app_user.id'))
    .addColumn('firm_id', 'text', (c) => c.notNull())
    .addColumn('firm_name', 'text', (c) => c.notNull())
    .addColumn('accredited_from', 'text', (c) => c.notNull())
    .addColumn('accredited_until', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('engagement')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('system_id', 'text', (c) => c.notNull().references('system.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('source_assessment_id', 'text', (c) => c.references('assessment.id'))
    .addColumn('follows_id', 'text', (c) => c.references('engagement.id'))
    .addColumn('holidays', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('review_assigned_on', 'text')
    .addColumn('queries_raised_on', 'text')
    .addColumn('reviewer_signed_off_at', 'text')
    .addColumn('signed_off_at', 'text')
    .addColumn('conclusion', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('engagement_org').on('engagement').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('engagement_system').on('engagement').columns(['system_id', 'created_at']).execute();
  await db.schema
    .createTable('engagement_member')
    .addColumn('engagement_id', 'text', (c) => c.notNull().references('engagement.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('engagement_member_pk', ['engagement_id', 'user_id', 'role'])
    .execute();
  await db.schema.createIndex('engagement_member_user').on('engagement_member').columns(['user_id', 'engagement_id']).execute();
  await db.schema
    .createTable('engagement_test')
    .addColumn('engagement_id', 'text', (c) => c.notNull().references('engagement.id'))
    .addColumn('requirement_id', 'text', (c) => c.notNull())
    .addColumn('claimed', 'text')
    .addColumn('techniques', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text')
    .addColumn('comparable_control', 'text')
    .addColumn('relies_on', 'text')
    .addColumn('justification', 'text')
    .addColumn('rationale', 'text')
    .addColumn('auditor_notes', 'text')
    .addColumn('evidence_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('engagement_test_pk', ['engagement_id', 'requirement_id'])
    .execute();
  await db.schema
    .createTable('engagement_record')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('engagement_id', 'text', (c) => c.notNull().references('engagement.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('requirement_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('engagement_record_kind').on('engagement_record').columns(['engagement_id', 'kind', 'created_at']).execute();
  await db.schema
    .createTable('review_message')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('engagement_id', 'text', (c) => c.notNull().references('engagement.id'))
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('requirement_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('review_message_engagement').on('review_message').columns(['engagement_id', 'id']).execute();
  if (dialect === 'postgres') {
    await sql.raw(`CREATE TRIGGER review_message_append_only BEFORE UPDATE OR DELETE ON review_message FOR EACH ROW EXECUTE FUNCTION keygrade_append_only()`).execute(db);
  } else {
    await sql.raw(`CREATE TRIGGER review_message_no_update BEFORE UPDATE ON review_message BEGIN SELECT RAISE(ABORT, 'table review_message is append-only'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER review_message_no_delete BEFORE DELETE ON review_message BEGIN SELECT RAISE(ABORT, 'table review_message is append-only'); END`).execute(db);
  }
}
