import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { migrateToLatest, openDatabase } from '@keygrade/db';
import { parseWitnessSignerKey } from '@keygrade/tlog';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { HttpLog } from '../external/http-log.js';
import { readInput } from '../files.js';
import { err, out, type Io } from '../io.js';
import { Witness, type Alarm } from '../witness/witness.js';

export const spec: CommandSpec = {
  name: 'witness run',
  summary: 'Run a witness: pull a log, recompute it, keep a full copy, cosign consistent checkpoints, alarm on anything else.',
  args: [],
  options: {
    'log-url': { type: 'string', value: '<server>', description: 'the log server, e.g. https://keygrade.example.com (required)' },
    log: { type: 'string', value: '<name>', description: 'the log to witness (default keygrade-audit)', default: 'keygrade-audit' },
    'log-key': { type: 'string', value: '<vkey>', description: 'the log\'s verifier key (required)' },
    key: { type: 'string', value: '<file.skey>', description: 'this witness\'s private key file from `keygrade witness keygen` (required)' },
    data: { type: 'string', value: '<dir>', description: 'where the witness keeps its copy (default ./witness-data)', default: 'witness-data' },
    token: { type: 'string', value: '<token>', description: 'API token with log:read for the entry bundles (default $KEYGRADE_TOKEN)' },
    interval: { type: 'string', value: '<seconds>', description: 'seconds between checks (default 1)', default: '1' },
    lag: { type: 'string', value: '<seconds>', description: 'alarm when no successful check or still behind after this long (default 60)', default: '60' },
    webhook: { type: 'string', value: '<url>', description: 'POST every alarm as JSON to this URL' },
    listen: { type: 'string', value: '<port>', description: 'serve GET /health (200 ok, 503 on alarm or lag) and GET /status on this port' },
    once: { type: 'boolean', description: 'check once and exit (0 ok, 1 alarm)' },
  },
  examples: [
    'keygrade witness keygen witness-1.example -o keys/',
    'keygrade witness run --log-url https://keygrade.example.com --log-key "$(cat audit.vkey)" --key keys/witness-1.example.skey --listen 9090',
  ],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  for (const k of ['log-url', 'log-key', 'key'] as const) if (values[k] === undefined) throw usage(`--${k} is required (see keygrade witness run --help)`);
  const interval = Number(values.interval);
  const lag = Number(values.lag);
  if (!(interval > 0 && interval <= 3600)) throw usage('--interval must be a number of seconds between 0 and 3600');
  if (!(lag > 0)) throw usage('--lag must be a positive number of seconds');
  const signer = parseWitnessSignerKey(readInput(io, values.key as string).trim());
  const dataDir = resolve(io.cwd, values.data as string);
  const db = await openDatabase(join(dataDir, 'witness.sqlite'));
  await migrateToLatest(db);
  const webhook = values.webhook as string | undefined;
  const onAlarm = (a: Alarm) => {
    err(io, JSON.stringify({ level: a.kind === 'unreachable' || a.kind === 'lagging' ? 'warn' : 'error', msg: 'witness alarm', ...a }));
    if (webhook) void fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'witness.alarm', witness: signer.name, ...a }), signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => err(io, `webhook failed: ${(e as Error).message}`));
  };
  const witness = new Witness({
    db,
    remote: new HttpLog(values['log-url'] as string, values.log as string, { token: (values.token as string | undefined) ?? io.env.KEYGRADE_TOKEN }),
    log: values.log as string,
    logKey: values['log-key'] as string,
    signer,
    lagSeconds: lag,
    onAlarm,
  });
  await witness.init();
  if (values.once) {
    const s = await witness.check();
    out(io, JSON.stringify(s, null, 2));
    await db.close();
    return s.status === 'ok' ? 0 : 1;
  }
  let server: ReturnType<typeof createServer> | undefined;
  if (values.listen !== undefined) {
    const port = Number(values.listen);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage('--listen must be a port number');
    server = createServer((req, res) => {
      const s = witness.state;
      const healthy = s.status === 'ok' || s.status === 'starting';
      res.writeHead(req.url === '/health' ? (healthy ? 200 : 503) : req.url === '/status' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(req.url === '/health' || req.url === '/status' ? JSON.stringify(s) : '{"error":"NOT_FOUND"}');
    });
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    const addr = server.address();
    out(io, `witness health on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/health`);
  }
  out(io, `witness ${signer.name} watching ${values.log as string} at ${values['log-url'] as string} (copy in ${dataDir})`);
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let lastSize = -1;
  while (!stopping) {
    const s = await witness.check();
    if (s.verifiedSize !== lastSize) {
      out(io, JSON.stringify({ level: 'info', msg: 'verified', size: s.verifiedSize, cosigned: s.cosignedSize, status: s.status }));
      lastSize = s.verifiedSize;
    }
    await new Promise((r) => setTimeout(r, interval * 1000));
  }
  server?.close();
  await db.close();
  return 0;
}
