import type { Kysely } from 'kysely';

/**
 * A revision counter per assessment, raised in the same transaction as every change to its answers
 * or evidence links, so servers can cache what they compute from them (scorecard, checklist) keyed
 * by (assessment, revision) and never serve a stale one, even with several instances.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assessment').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
