import { AUDIT_LOG, cosignaturesAt, inclusionProof } from '@keygrade/db';
import { formatTlogProof } from '@keygrade/tlog';
import { mergeCosignatures } from '@keygrade/server';
import type { CommandSpec, Parsed } from '../command.js';
import { ExitError, EXIT, usage } from '../exit.js';
import { writeOutput } from '../files.js';
import { withInstance } from '../instance.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log proof',
  summary: 'Write the offline inclusion proof (C2SP .tlog-proof) of one log entry.',
  args: ['<index>'],
  options: {
    url: { type: 'string', value: '<server>', description: 'ask a running server, e.g. http://localhost:8080' },
    db: { type: 'string', value: '<path-or-url>', description: 'read the database directly' },
    log: { type: 'string', value: '<name>', description: `which log (default ${AUDIT_LOG})`, default: AUDIT_LOG },
    output: { type: 'string', short: 'o', value: '<file.tlog-proof>', description: 'where to write the proof (default: stdout)' },
  },
  examples: ['keygrade log proof 42 --log acme-events -o entry-42.tlog-proof', 'keygrade log proof 42 --url http://localhost:8080 --log acme-events -o entry-42.tlog-proof'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const index = Number(positionals[0]);
  if (!Number.isSafeInteger(index) || index < 0) throw usage(`<index> must be a non-negative whole number (got "${positionals[0]!}")`);
  const log = values.log as string;
  let text: string;
  if (values.url !== undefined) {
    const url = `${(values.url as string).replace(/\/+$/, '')}/api/logs/${encodeURIComponent(log)}/proof/${index}?format=tlog-proof`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new ExitError(EXIT.usage, `cannot reach ${url}: ${(e as Error).message}`);
    }
    text = await res.text();
    if (!res.ok) throw new ExitError(EXIT.usage, `${url}: HTTP ${res.status} — ${text.slice(0, 300)}`);
  } else {
    text = await withInstance(io, values.db as string | undefined, async ({ db }) => {
      const p = await inclusionProof(db.kysely, log, index);
      const cosigs = await cosignaturesAt(db.kysely, log, p.size);
      return formatTlogProof({ index, proof: p.proof, checkpoint: mergeCosignatures(p.head.checkpoint, cosigs.map((c) => c.note)) });
    });
  }
  if (writeOutput(io, values.output as string | undefined, text)) out(io, `Wrote the inclusion proof of entry ${index} of ${log} to ${values.output as string}`);
  return 0;
}
