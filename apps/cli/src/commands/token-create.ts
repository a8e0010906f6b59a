import { audited, createToken } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { err, out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'token create',
  summary: 'Create an API token for automation (shown once; only its hash is stored).',
  args: [],
  options: {
    db: DB_OPTION,
    name: { type: 'string', value: '<name>', description: 'what the token is for (required)' },
    scope: { type: 'string', value: '<scopes>', description: 'comma-separated: log:append:<log>, log:read:<log>, log:read:* (required)' },
    expires: { type: 'string', value: '<days>', description: 'days until the token expires (default 90; 0 = never)', default: '90' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  examples: ['keygrade token create --name acme-writer --scope log:append:acme-events,log:read:acme-events', 'keygrade token create --name witness-1 --scope log:read:* --expires 365'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  if (!values.name) throw usage('--name is required: say what the token is for');
  if (!values.scope) throw usage('--scope is required, e.g. --scope log:append:acme-events');
  const days = Number(values.expires);
  if (!Number.isInteger(days) || days < 0 || days > 3650) throw usage(`--expires must be a number of days 0-3650 (got "${values.expires as string}")`);
  return withInstance(io, values.db as string | undefined, async ({ db, who, ensureAuditLog }) => {
    const expiresAt = days === 0 ? undefined : new Date(io.now().getTime() + days * 86_400_000);
    const scopes = (values.scope as string).split(',').map((s) => s.trim()).filter(Boolean);
    await ensureAuditLog();
    // The audit entry names the token and its scopes; the secret never leaves this process.
    const { token, info } = await audited(db.kysely, who(), 'token.create', `token:${values.name as string}`, (trx) => createToken(trx, { name: values.name as string, scopes, expiresAt }, io.now()), (r) => ({ id: r.info.id, scopes: r.info.scopes, expiresAt: r.info.expiresAt }));
    if (values.json) out(io, JSON.stringify({ token, ...info }, null, 2));
    else {
      out(io, token);
      err(io, `Token ${info.id} "${info.name}" with ${info.scopes.join(', ')}${info.expiresAt ? `, expires ${info.expiresAt}` : ', never expires'}.`);
      err(io, 'Store it now: it is not shown again. Send it as "Authorization: Bearer <token>".');
    }
    return 0;
  });
}
