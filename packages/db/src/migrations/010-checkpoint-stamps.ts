import type { Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/** OpenTimestamps proofs of log checkpoints (issue 6): the registry anchors its checkpoints in Bitcoin. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('checkpoint_stamp')
    .addColumn('log', 'text', (c) => c.notNull().references('log.name'))
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('checkpoint', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('ots', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoint_stamp_pk', ['log', 'size'])
    .execute();
}
