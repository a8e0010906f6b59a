import { audited, createLogIn, logOrigin, type LogKind } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log create',
  summary: 'Create a tamper-evident log for a custodian\'s own application events.',
  args: ['<name>'],
  options: {
    db: DB_OPTION,
    description: { type: 'string', value: '<text>', description: 'what the log records' },
    kind: { type: 'string', value: '<kind>', description: 'custodian (default: events appended through the API) or registry', choices: ['custodian', 'registry'], default: 'custodian' },
    json: { type: 'boolean', description: 'print the log as JSON' },
  },
  examples: ['keygrade log create acme-events --description "Deposits, withdrawals and admin actions"', 'keygrade log create acme-events --db postgres://keygrade@localhost/keygrade'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  return withInstance(io, values.db as string | undefined, async ({ db, config, master, who, ensureAuditLog }) => {
    const name = positionals[0]!;
    await ensureAuditLog();
    const opts = { name, origin: logOrigin(config.logOrigin, name), kind: values.kind as LogKind, description: (values.description as string | undefined) ?? '' };
    const log = await audited(db.kysely, who(), 'log.create', `log:${name}`, (trx) => createLogIn(trx, master(), opts, io.now()), (l) => ({ origin: l.origin, kind: l.kind, publicKey: l.publicKey }));
    if (values.json) out(io, JSON.stringify(log, null, 2));
    else {
      out(io, `Created log ${log.name}`);
      out(io, `  origin:       ${log.origin}`);
      out(io, `  verifier key: ${log.publicKey}`);
      out(io, '');
      out(io, 'Publish the verifier key: anyone checking checkpoints, proofs or the log itself needs it.');
      out(io, `Next: keygrade token create --name ${name}-writer --scope log:append:${name},log:read:${name}`);
    }
    return 0;
  });
}
