import { AUDIT_LOG, getLog, queryEntries } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log tail',
  summary: 'Show the latest entries of a log (and keep following with --follow).',
  args: [],
  options: {
    db: { type: 'string', value: '<path-or-url>', description: 'SQLite file or postgres:// URL (default: the instance database)' },
    log: { type: 'string', value: '<name>', description: `which log (default ${AUDIT_LOG})`, default: AUDIT_LOG },
    lines: { type: 'string', short: 'n', value: '<n>', description: 'how many entries (default 20)', default: '20' },
    follow: { type: 'boolean', short: 'f', description: 'keep printing new entries until interrupted' },
    json: { type: 'boolean', description: 'one JSON object per line (NDJSON)' },
  },
  examples: ['keygrade log tail', 'keygrade log tail --log acme-events -n 100 --json', 'keygrade log tail -f'],
};

function show(io: Io, json: boolean, e: { index: number; receivedAt: string; data: Uint8Array }): void {
  const text = new TextDecoder().decode(e.data);
  if (json) {
    let entry: unknown = text;
    try {
      entry = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    out(io, JSON.stringify({ index: e.index, receivedAt: e.receivedAt, entry }));
  } else out(io, `${String(e.index).padStart(8)}  ${e.receivedAt}  ${text}`);
}

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const n = Number(values.lines);
  if (!Number.isInteger(n) || n < 1 || n > 100000) throw usage(`--lines must be 1-100000 (got "${values.lines as string}")`);
  const log = values.log as string;
  return withInstance(io, values.db as string | undefined, async ({ db }) => {
    let next = Math.max(0, (await getLog(db.kysely, log)).nextIndex - n);
    for (;;) {
      const rows = await queryEntries(db.kysely, log, { from: next, limit: 1000 });
      for (const r of rows) show(io, values.json === true, r);
      if (rows.length > 0) next = rows.at(-1)!.index + 1;
      if (!values.follow) return 0;
      if (rows.length < 1000) await new Promise((r) => setTimeout(r, 500));
    }
  });
}
