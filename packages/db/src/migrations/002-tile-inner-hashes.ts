import type { Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/** Inner node hashes stored with each tile, so inclusion proofs need no hashing (see log/inner.ts). */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('log_tile').addColumn('inner', dialect === 'postgres' ? 'bytea' : 'blob').execute();
}
