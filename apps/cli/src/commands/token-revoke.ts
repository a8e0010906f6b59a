import { audited, revokeToken } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'token revoke',
  summary: 'Revoke an API token at once (by the id shown by `keygrade token list`).',
  args: ['<id>'],
  options: { db: DB_OPTION },
  examples: ['keygrade token revoke 3f9a1c2b7d4e5f60'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const id = positionals[0]!;
  if (!/^[0-9a-f]{16}$/.test(id)) throw usage(`"${id}" is not a token id (16 hex digits, see keygrade token list)`);
  return withInstance(io, values.db as string | undefined, async ({ db, who, ensureAuditLog }) => {
    await ensureAuditLog();
    await audited(db.kysely, who(), 'token.revoke', `token:${id}`, async (trx) => {
      if (!(await revokeToken(trx, id, io.now()))) throw usage(`no active token with id ${id}`);
    });
    out(io, `Token ${id} revoked.`);
    return 0;
  });
}
