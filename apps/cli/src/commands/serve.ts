import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeOnSignals, REDACT, startServer } from '@keygrade/server';
import type { CommandSpec, Parsed } from '../command.js';
import { configFor, DB_OPTION } from '../instance.js';
import { err, out, type Io } from '../io.js';
import { usage } from '../exit.js';

export const spec: CommandSpec = {
  name: 'serve',
  summary: 'Run the Keygrade server: the HTTP API, the C2SP log endpoints and the log sequencer.',
  args: [],
  options: {
    db: DB_OPTION,
    host: { type: 'string', value: '<address>', description: 'address to listen on (default: $KEYGRADE_HOST or 127.0.0.1)' },
    port: { type: 'string', value: '<port>', description: 'port to listen on (default: $KEYGRADE_PORT or 8080; 0 picks a free one)' },
    'no-sequencer': { type: 'boolean', description: 'do not integrate log entries here (another instance does)' },
    quiet: { type: 'boolean', description: 'no request logs' },
    demo: { type: 'boolean', description: 'seed the example exchange and a demo account (its password is printed)' },
    'demo-file': { type: 'string', value: '<assessment.yaml>', description: 'with --demo: the assessment file to seed (default: examples/acme-exchange/assessment.yaml)' },
  },
  description:
    'Configuration comes from the environment: KEYGRADE_DATABASE_URL (postgres://… for PostgreSQL), KEYGRADE_DATA_DIR (default ./data), KEYGRADE_MASTER_KEY (else data/master.key is created), KEYGRADE_LOG_ORIGIN (the origin prefix of checkpoints), KEYGRADE_HOST, KEYGRADE_PORT.',
  examples: ['keygrade serve', 'keygrade serve --demo', 'KEYGRADE_DATABASE_URL=postgres://keygrade@db/keygrade keygrade serve --host 0.0.0.0', 'keygrade serve --port 0 --quiet'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const config = configFor(io, values.db as string | undefined);
  if (values.host !== undefined) config.host = values.host as string;
  if (values.port !== undefined) {
    const p = Number(values.port);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw usage(`--port must be a port number 0-65535 (got "${values.port as string}")`);
    config.port = p;
  }
  if (values['no-sequencer']) config.sequencer = false;
  let demo: string | undefined;
  if (values.demo || values['demo-file'] !== undefined) {
    demo = values['demo-file'] !== undefined ? resolve(io.cwd, values['demo-file'] as string) : fileURLToPath(new URL('../../../../examples/acme-exchange/assessment.yaml', import.meta.url));
    if (!existsSync(demo)) throw usage(`the demo assessment file ${demo} does not exist; pass --demo-file <assessment.yaml>`);
  }
  const running = await startServer(config, { logger: values.quiet ? false : { level: config.logLevel, redact: REDACT }, ...(demo ? { demo } : {}) });
  const url = running.url.replace('://127.0.0.1:', '://localhost:');
  out(io, `Keygrade is serving on ${url} (database: ${running.db.location})`);
  out(io, `  Web app:          ${url}/`);
  out(io, `  API reference:    ${url}/api/docs  (OpenAPI: ${url}/api/openapi.json)`);
  if (running.demo) {
    out(io, `  Demo account:     ${running.demo.email}  password: ${running.demo.password}  (new at every --demo start)`);
  }
  const users = await running.db.kysely.selectFrom('app_user').select('id').limit(1).execute();
  if (running.demo) {
    out(io, '');
    out(io, `Sign in at ${url}/ with the demo account to see the example exchange (a security lead of "${running.demo.orgName}").`);
  } else if (users.length === 0) {
    out(io, '');
    out(io, 'First run:');
    out(io, `  1. Open ${url}/ and create your account. The first account becomes the instance administrator.`);
    out(io, '  2. Create an organization; as its owner you will set up two-factor authentication (any TOTP app).');
    out(io, '  3. Add a system, start an assessment against an edition, and answer the checklist.');
    out(io, '  Stop with Ctrl-C. Data lives in ./data (KEYGRADE_DATA_DIR); back up data/master.key separately.');
  }
  closeOnSignals(running, (m) => err(io, m));
  await new Promise(() => undefined); // until a signal ends the process
  return 0;
}
