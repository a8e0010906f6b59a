import { openCatalog } from '@keygrade/catalog/node';
import { complianceWebhookOptions, runComplianceMonitor } from '@keygrade/server';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'monitor',
  summary: 'Re-evaluate every assessment now (continuous compliance): record level changes with their reasons, audit, notify, send webhooks.',
  description:
    'Does what the server does each night: lapsed evidence makes answers fall back to not in place, the level drops (or recovers), each change is written to the audit log, owners and security leads are notified in the app and the organization webhook receives a signed event. With --at, evaluates on that day as a simulation: nothing is written or sent. Webhooks to private or loopback addresses need KEYGRADE_WEBHOOKS_ALLOW_PRIVATE=1.',
  args: [],
  options: {
    at: { type: 'string', value: '<YYYY-MM-DD>', description: 'simulate another day (nothing is written or sent)' },
    db: DB_OPTION,
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['keygrade monitor', 'keygrade monitor --at 2027-03-10', 'keygrade monitor --db postgres://keygrade@db/keygrade --json'],
};

const levelName = (l: number) => (l === 0 ? 'uncertified' : `Level ${['I', 'II', 'III'][l - 1]}`);

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const at = values.at as string | undefined;
  if (at !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(at)) throw usage('--at must be a calendar date written YYYY-MM-DD');
  return withInstance(io, values.db as string | undefined, async (i) => {
    if (at === undefined) await i.ensureAuditLog();
    const who = i.who();
    const result = await runComplianceMonitor(
      { db: i.db, master: i.master(), catalog: openCatalog(), now: () => io.now(), ...complianceWebhookOptions(io.env as NodeJS.ProcessEnv) },
      { actor: who.actor, requestId: who.requestId, ...(at !== undefined ? { at } : {}) },
    );
    if (values.json) {
      out(io, JSON.stringify(result, null, 2));
      return 0;
    }
    out(io, `${result.simulated ? 'Simulated' : 'Evaluated'} ${result.assessments.length} assessment${result.assessments.length === 1 ? '' : 's'} on ${result.day}${result.simulated ? ' (nothing written or sent)' : ''}.`);
    for (const a of result.assessments) {
      const move = a.level === a.previousLevel ? `${levelName(a.level)}, unchanged` : `${levelName(a.previousLevel)} -> ${levelName(a.level)}`;
      out(io, `  ${a.systemName} (${a.edition}, ${a.assessmentId}): ${a.error ? `not evaluated: ${a.error}` : move}${a.nextLapse ? `; next lapse ${a.nextLapse}` : ''}`);
      for (const e of a.events) out(io, `    ${e.message}`);
    }
    for (const w of result.webhooks) out(io, `  webhook of ${w.orgId}: ${w.status}`);
    if (!result.simulated && result.notified > 0) out(io, `  ${result.notified} notification${result.notified === 1 ? '' : 's'} created`);
    return 0;
  });
}
