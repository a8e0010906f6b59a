import { listTokens } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'token list',
  summary: 'List API tokens (names, scopes, expiry; never the secrets).',
  args: [],
  options: { db: DB_OPTION, json: { type: 'boolean', description: 'print JSON' } },
  examples: ['keygrade token list', 'keygrade token list --json'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  return withInstance(io, values.db as string | undefined, async ({ db }) => {
    const tokens = await listTokens(db.kysely);
    if (values.json) out(io, JSON.stringify({ tokens }, null, 2));
    else if (tokens.length === 0) out(io, 'No API tokens. Create one with `keygrade token create`.');
    else for (const t of tokens) out(io, `${t.id}  ${t.name.padEnd(20)}  ${t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'never expires'}  ${t.scopes.join(',')}`);
    return 0;
  });
}
