import { AUDIT_LOG, verifyLog, type VerifyReport } from '@keygrade/db';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { HttpLog } from '../external/http-log.js';
import { withInstance } from '../instance.js';
import { err, out, type Io } from '../io.js';
import { verifyRemoteLog } from '../log-remote.js';
import { progressBar } from '../progress.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'log verify',
  summary: 'Re-verify a whole log: every entry, every tile, the checkpoint signature and cosignatures.',
  args: [],
  options: {
    url: { type: 'string', value: '<server>', description: 'verify through the server\'s C2SP endpoints, e.g. http://localhost:8080' },
    db: { type: 'string', value: '<path-or-url>', description: 'verify the database directly (SQLite file or postgres:// URL)' },
    log: { type: 'string', value: '<name>', description: `which log (default ${AUDIT_LOG})`, default: AUDIT_LOG },
    vkey: { type: 'string', value: '<key>', description: 'the log\'s verifier key as published (required with --url; recommended with --db)' },
    'witness-key': { type: 'string', value: '<keys>', description: 'comma-separated witness verifier keys whose cosignatures must verify' },
    json: { type: 'boolean', description: 'print the report as JSON' },
    ...ATTACH_OPTIONS,
    // One --token for both servers (usually the same Keygrade server): it needs the scopes of each use.
    token: { type: 'string', value: '<token>', description: 'API token (default $KEYGRADE_TOKEN): with --url it needs log:read; with --attach, org:read and answer:write' },
  },
  examples: [
    'keygrade log verify --db data/keygrade.sqlite --log keygrade-audit',
    'keygrade log verify --url http://localhost:8080 --log acme-events --vkey "$(cat acme.vkey)" --token "$KEYGRADE_TOKEN"',
    'keygrade log verify --db postgres://keygrade@db/keygrade --log acme-events --json',
  ],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const url = values.url as string | undefined;
  const db = values.db as string | undefined;
  if (url !== undefined && db !== undefined) throw usage('give either --url or --db, not both');
  const log = values.log as string;
  const witnessKeys = values['witness-key'] === undefined ? undefined : (values['witness-key'] as string).split(',').map((s) => s.trim()).filter(Boolean);
  const bar = progressBar(io, `verifying ${log}`);
  let report: VerifyReport;
  if (url !== undefined) {
    if (values.vkey === undefined) throw usage('--vkey is required with --url: a log can only be verified against a key you got from somewhere else');
    const remote = new HttpLog(url, log, { token: (values.token as string | undefined) ?? io.env.KEYGRADE_TOKEN });
    report = await verifyRemoteLog(remote, log, values.vkey as string, { witnessKeys, onProgress: (d, t) => bar.update(d, t) });
  } else {
    report = await withInstance(io, db, ({ db: handle }) => verifyLog(handle.kysely, log, { publicKey: values.vkey as string | undefined, witnessKeys, onProgress: (d, t) => bar.update(d, t) }));
  }
  bar.done();
  if (values.json) out(io, JSON.stringify(report, null, 2));
  else {
    out(io, `${report.ok ? 'OK' : 'FAILED'}: log ${report.log}, ${report.size} entries in the signed checkpoint`);
    out(io, `  ${report.entries} entries re-hashed, ${report.tiles} tiles and ${report.checkpoints} checkpoints compared${report.pending ? `, ${report.pending} entries pending integration` : ''}`);
    for (const c of report.cosignatures) out(io, `  witness ${c.witness}: cosignature on size ${c.size} ${c.ok === null ? 'not checked (no key for this witness; pass --witness-key)' : c.ok ? 'verifies' : 'does NOT verify'}`);
    if (report.firstBadIndex !== undefined) out(io, `  first bad index: ${report.firstBadIndex}`);
    for (const p of report.problems) out(io, `  - ${p.message}`);
    if (url === undefined && values.vkey === undefined) err(io, 'note: checked against the key stored in the database; pass --vkey with the published key to rule out a swapped key');
  }
  return attachResult(io, spec, { values, positionals }, report, report.ok ? EXIT.ok : EXIT.checkFailed);
}
