import { getHead, listLogs, witnessStatus } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log list',
  summary: 'List the logs of this instance with their size, pending entries and witnesses.',
  args: [],
  options: { db: DB_OPTION, json: { type: 'boolean', description: 'print JSON' } },
  examples: ['keygrade log list', 'keygrade log list --json'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  return withInstance(io, values.db as string | undefined, async ({ db }) => {
    const rows = [];
    for (const l of await listLogs(db.kysely)) {
      const head = await getHead(db.kysely, l.name);
      rows.push({ ...l, size: head.size, pending: l.nextIndex - head.size, witnesses: await witnessStatus(db.kysely, l.name, io.now()) });
    }
    if (values.json) {
      out(io, JSON.stringify({ logs: rows }, null, 2));
      return 0;
    }
    if (rows.length === 0) out(io, 'No logs yet. The server creates keygrade-audit on its first start; `keygrade log create <name>` adds one.');
    for (const r of rows) {
      out(io, `${r.name}  (${r.kind})  ${r.size} entries${r.pending ? `, ${r.pending} pending` : ''}`);
      out(io, `  origin ${r.origin}`);
      out(io, `  key    ${r.publicKey}`);
      for (const w of r.witnesses) out(io, `  witness ${w.name}: ${w.status}${w.cosignedSize === null ? '' : ` (cosigned size ${w.cosignedSize} at ${w.cosignedAt}, ${w.lagEntries} behind)`}`);
    }
    return 0;
  });
}
