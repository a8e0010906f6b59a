import { addWitness, audited } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log add-witness',
  summary: 'Register a witness of a log by its cosignature verifier key (from `keygrade witness keygen`).',
  args: ['<log>', '<witness-vkey>'],
  options: { db: DB_OPTION },
  examples: ['keygrade log add-witness keygrade-audit witness-1.example+1a2b3c4d+BAbc…'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  return withInstance(io, values.db as string | undefined, async ({ db, who, ensureAuditLog }) => {
    await ensureAuditLog();
    const w = await audited(db.kysely, who(), 'log.witness.add', `log:${positionals[0]!}`, (trx) => addWitness(trx, positionals[0]!, positionals[1]!, io.now()), () => ({ key: positionals[1]! }));
    out(io, `Witness ${w.name} registered for ${positionals[0]!}; its cosignatures will be accepted and served with the checkpoint.`);
    return 0;
  });
}
