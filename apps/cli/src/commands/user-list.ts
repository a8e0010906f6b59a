import { listUsers } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'user list',
  summary: 'List the accounts of this instance: email, admin, MFA, lockout (never secrets).',
  args: [],
  options: { db: DB_OPTION, json: { type: 'boolean', description: 'print JSON' } },
  examples: ['keygrade user list', 'keygrade user list --json'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  return withInstance(io, values.db as string | undefined, async ({ db }) => {
    const now = io.now().toISOString();
    const users = (await listUsers(db.kysely)).map((u) => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, mfaEnabled: u.mfaEnabled, createdAt: u.createdAt, lockedUntil: u.lockedUntil && u.lockedUntil > now ? u.lockedUntil : null }));
    if (values.json) out(io, JSON.stringify({ users }, null, 2));
    else if (users.length === 0) out(io, 'No accounts yet. The first person to sign up in the web app becomes the instance admin.');
    else for (const u of users) out(io, `${u.email.padEnd(32)}  ${u.isAdmin ? 'admin' : '     '}  ${u.mfaEnabled ? 'mfa   ' : 'no-mfa'}  ${u.lockedUntil ? `locked until ${u.lockedUntil}` : 'active'}  ${u.name}`);
    return 0;
  });
}
