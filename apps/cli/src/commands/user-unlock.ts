import { audited, findUserByEmail, unlockUser } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'user unlock',
  summary: 'Lift the sign-in lockout of an account (after 5 failed sign-ins in 15 minutes).',
  args: ['<email>'],
  options: { db: DB_OPTION },
  examples: ['keygrade user unlock ada@example.com'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const email = positionals[0]!.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw usage(`"${positionals[0]!}" is not an email address`);
  return withInstance(io, values.db as string | undefined, async ({ db, who, ensureAuditLog }) => {
    const user = await findUserByEmail(db.kysely, email);
    if (!user) throw usage(`no account with the email ${email} (see keygrade user list)`);
    await ensureAuditLog();
    await audited(db.kysely, who(), 'user.unlock', `user:${user.id}`, (trx) => unlockUser(trx, email));
    out(io, `Account ${email} unlocked${user.locked_until && user.locked_until > io.now().toISOString() ? '' : ' (it was not locked)'}.`);
    return 0;
  });
}
