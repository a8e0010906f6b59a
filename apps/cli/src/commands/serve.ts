import { closeOnSignals, startServer } from '@keygrade/server';
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
  },
  description:
    'Configuration comes from the environment: KEYGRADE_DATABASE_URL (postgres://… for PostgreSQL), KEYGRADE_DATA_DIR (default ./data), KEYGRADE_MASTER_KEY (else data/master.key is created), KEYGRADE_LOG_ORIGIN (the origin prefix of checkpoints), KEYGRADE_HOST, KEYGRADE_PORT.',
  examples: ['keygrade serve', 'KEYGRADE_DATABASE_URL=postgres://keygrade@db/keygrade keygrade serve --host 0.0.0.0', 'keygrade serve --port 0 --quiet'],
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
  const running = await startServer(config, { logger: values.quiet ? false : { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] } });
  out(io, `Keygrade is serving on ${running.url} (database: ${running.db.location})`);
  out(io, `  API description: ${running.url}/api/openapi.json`);
  closeOnSignals(running, (m) => err(io, m));
  await new Promise(() => undefined); // until a signal ends the process
  return 0;
}
