import { addRule, audited } from '@keygrade/db';
import { parse as parseYaml } from 'yaml';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { readInput } from '../files.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log rule add',
  summary: 'Add a monitoring rule to a log: bursts, activity outside permitted hours, missing heartbeats.',
  args: ['<log>', '<name>'],
  options: {
    db: DB_OPTION,
    rule: { type: 'string', value: '<json>', description: 'the rule as JSON (or use --file)' },
    file: { type: 'string', value: '<rule.yaml>', description: 'the rule as a YAML or JSON file' },
  },
  description: [
    'Rule kinds (match compares top-level fields of the entry; a trailing * matches a prefix):',
    '  {"kind":"burst","match":{"action":"auth.login","result":"failed"},"threshold":5,"windowSeconds":60}',
    '  {"kind":"outside-hours","match":{"type":"key-usage"},"from":"08:00","to":"18:00","days":[1,2,3,4,5],"utcOffsetMinutes":60}',
    '  {"kind":"heartbeat-gap","match":{"type":"heartbeat"},"maxGapSeconds":300}',
    'The server evaluates rules every second; alerts appear in `keygrade log alerts`, GET /api/logs/<log>/alerts and the KEYGRADE_ALERT_WEBHOOK.',
  ].join('\n'),
  examples: [
    'keygrade log rule add keygrade-audit failed-sign-ins --rule \'{"kind":"burst","match":{"action":"auth.login","result":"failed"},"threshold":5,"windowSeconds":60}\'',
    'keygrade log rule add acme-events night-signing --file rules/night-signing.yaml',
  ],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  if ((values.rule === undefined) === (values.file === undefined)) throw usage('give the rule with exactly one of --rule <json> or --file <rule.yaml>');
  let def: unknown;
  const source = values.rule !== undefined ? '--rule' : (values.file as string);
  try {
    def = values.rule !== undefined ? JSON.parse(values.rule as string) : parseYaml(readInput(io, values.file as string));
  } catch (e) {
    throw usage(`${source}: not valid ${values.rule !== undefined ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  return withInstance(io, values.db as string | undefined, async ({ db, who, ensureAuditLog }) => {
    await ensureAuditLog();
    const r = await audited(db.kysely, who(), 'log.rule.add', `log:${positionals[0]!}`, (trx) => addRule(trx, positionals[0]!, positionals[1]!, def, io.now()), (x) => ({ id: x.id, name: x.name, definition: x.definition }));
    out(io, `Rule ${r.name} (${r.definition.kind}) added to ${r.log}: ${r.id}`);
    return 0;
  });
}
