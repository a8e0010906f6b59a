import { listAlerts, listRules } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log alerts',
  summary: 'Show monitoring rules and the alerts they raised, newest first.',
  args: [],
  options: {
    db: DB_OPTION,
    log: { type: 'string', value: '<name>', description: 'only this log' },
    limit: { type: 'string', value: '<n>', description: 'how many alerts (default 50)', default: '50' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  examples: ['keygrade log alerts', 'keygrade log alerts --log acme-events --json'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw usage('--limit must be 1-10000');
  const log = values.log as string | undefined;
  return withInstance(io, values.db as string | undefined, async ({ db }) => {
    const rules = await listRules(db.kysely, log);
    const alerts = await listAlerts(db.kysely, log, limit);
    if (values.json) {
      out(io, JSON.stringify({ rules, alerts }, null, 2));
      return 0;
    }
    out(io, rules.length === 0 ? 'No monitoring rules. Add one with `keygrade log rule add`.' : `${rules.length} rule(s): ${rules.map((r) => `${r.log}/${r.name} (${r.definition.kind})`).join(', ')}`);
    if (alerts.length === 0) out(io, 'No alerts.');
    for (const a of alerts) out(io, `${a.raisedAt}  ${a.log}  ${a.message}${a.firstIndex === null ? '' : `  [entries ${a.firstIndex}..${a.lastIndex}]`}`);
    return 0;
  });
}
