import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/**
 * Systems, self-assessments, answers with their full history, levels over time and evidence
 * (issue 4). References `org` and `app_user` from 003-accounts. Answer history is append-only,
 * guarded by triggers like the log tables.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('system')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('designation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('boundary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('wallets', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('assets', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('system_org').on('system').columns(['org_id', 'name']).unique().execute();
  await db.schema
    .createTable('assessment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull().references('system.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('target_level', 'integer')
    .addColumn('assessor', 'text')
    .addColumn('assessed_at', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessment_system').on('assessment').columns(['system_id', 'created_at']).execute();
  await db.schema
    .createTable('answer')
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessment.id'))
    .addColumn('requirement_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('justification', 'text')
    .addColumn('comparable_control', 'text')
    .addColumn('relies_on', 'text')
    .addColumn('evidence_refs', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('answer_pk', ['assessment_id', 'requirement_id'])
    .execute();
  await db.schema
    .createTable('answer_history')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessment.id'))
    .addColumn('requirement_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('justification', 'text')
    .addColumn('comparable_control', 'text')
    .addColumn('relies_on', 'text')
    .addColumn('evidence_refs', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('answer_history_req').on('answer_history').columns(['assessment_id', 'requirement_id', 'version']).unique().execute();
  await db.schema
    .createTable('level_point')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessment.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('level_point_assessment').on('level_point').columns(['assessment_id', 'id']).execute();
  await db.schema
    .createTable('evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('source_system', 'text')
    .addColumn('tool', 'text')
    .addColumn('parameters', 'text')
    .addColumn('owner', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_org').on('evidence').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('evidence_org_sha').on('evidence').columns(['org_id', 'sha256']).execute();
  await db.schema
    .createTable('answer_evidence')
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessment.id'))
    .addColumn('requirement_id', 'text', (c) => c.notNull())
    .addColumn('evidence_id', 'text', (c) => c.notNull().references('evidence.id'))
    .addColumn('linked_at', 'text', (c) => c.notNull())
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('answer_evidence_pk', ['assessment_id', 'requirement_id', 'evidence_id'])
    .execute();
  await db.schema.createIndex('answer_evidence_evidence').on('answer_evidence').column('evidence_id').execute();

  if (dialect === 'postgres') {
    await sql.raw(`CREATE TRIGGER answer_history_append_only BEFORE UPDATE OR DELETE ON answer_history FOR EACH ROW EXECUTE FUNCTION keygrade_append_only()`).execute(db);
    await sql.raw(`CREATE TRIGGER answer_history_no_truncate BEFORE TRUNCATE ON answer_history FOR EACH STATEMENT EXECUTE FUNCTION keygrade_append_only()`).execute(db);
  } else {
    await sql.raw(`CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history BEGIN SELECT RAISE(ABORT, 'table answer_history is append-only'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history BEGIN SELECT RAISE(ABORT, 'table answer_history is append-only'); END`).execute(db);
  }
}
