/**
 * Running the server: open and migrate the database, make sure Keygrade's own audit log exists,
 * start the sequencer, listen, and shut down gracefully on SIGINT/SIGTERM (stop accepting, finish
 * in-flight requests, let the sequencer finish its pass, close the database).
 */
import { HttpCalendar } from '@keygrade/attest/external';
import { Stamper } from './domain/stamper.js';
import { AUDIT_LOG, MasterKey, REGISTRY_LOG, Monitor, Sequencer, ensureLog, logOrigin, migrateToLatest, openDatabase, type Db, type Notifier } from '@keygrade/db';
import { readFileSync } from 'node:fs';
import { buildApp, type App } from './app.js';
import { EvidenceStore } from './domain/evidence-store.js';
import { openCatalog } from '@keygrade/catalog/node';
import { seedDemo, type DemoAccount } from './demo.js';
import type { Config } from './config.js';
import { startComplianceSchedule, type WebhookOptions } from './routes/compliance.js';

export { runComplianceMonitor, signWebhookBody, SIGNATURE_HEADER, type MonitorResult, type MonitorOptions, type MonitorDeps } from './routes/compliance.js';

/** Compliance webhooks to private, loopback or link-local addresses are refused unless KEYGRADE_WEBHOOKS_ALLOW_PRIVATE=1. */
export function complianceWebhookOptions(env: NodeJS.ProcessEnv = process.env): WebhookOptions {
  return { allowPrivateWebhooks: env.KEYGRADE_WEBHOOKS_ALLOW_PRIVATE === '1' };
}

export interface Running {
  app: App;
  db: Db;
  url: string;
  close(): Promise<void>;
  /** The demo account, when started with `demo`. */
  demo?: DemoAccount;
}

export function masterKeyFor(config: Pick<Config, 'masterKey' | 'masterKeyFile'>): MasterKey {
  return config.masterKey ? MasterKey.fromString(config.masterKey, 'KEYGRADE_MASTER_KEY') : MasterKey.fromFile(config.masterKeyFile);
}

export async function startServer(
  config: Config,
  opts: { logger?: boolean | object; onListening?: (url: string) => void; /** Seed the example exchange from this assessment file. */ demo?: string } = {},
): Promise<Running> {
  const db = await openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const master = masterKeyFor(config);
  await ensureLog(db, master, { name: AUDIT_LOG, origin: logOrigin(config.logOrigin, AUDIT_LOG), kind: 'audit', description: 'Every action taken in this Keygrade instance' }, new Date());
  await ensureLog(db, master, { name: REGISTRY_LOG, origin: logOrigin(config.logOrigin, REGISTRY_LOG), kind: 'registry', description: 'Certificate issuances, state changes and auditor keys of the public registry' }, new Date());
  const catalog = openCatalog();
  const demo = opts.demo ? await seedDemo(db, catalog, opts.demo, new Date()) : undefined;
  let sequencer: Sequencer | undefined;
  const compliance = complianceWebhookOptions();
  const appDeps = {
    catalog,
    db,
    master,
    config,
    logger: opts.logger ?? true,
    pokeSequencer: () => sequencer?.poke(),
    sequencerActive: () => sequencer?.active ?? false,
    evidence: new EvidenceStore(config.evidenceDir, config.evidenceMaxBytes),
    accounts: { secureCookies: config.secureCookies },
    trustProxy: config.trustProxy,
    ...(config.cjkFont ? { cjkFont: new Uint8Array(readFileSync(config.cjkFont)) } : {}),
    // Read by routes/compliance.ts (on-demand evaluation and the webhook test).
    compliance,
  };
  const app = await buildApp(appDeps);
  if (config.sequencer) {
    sequencer = new Sequencer(db, master, { onError: (e) => app.log.error({ err: e }, 'sequencer pass failed') });
    sequencer.start();
  }
  // Monitoring rules run next to the sequencer (one instance evaluates them; alerts go to the
  // log, the database (for the UI and API) and the webhook).
  const notify: Notifier = async (a) => {
    app.log.warn({ alert: a }, 'monitoring alert');
    if (!config.alertWebhook) return;
    try {
      await fetch(config.alertWebhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'log.alert', ...a }), signal: AbortSignal.timeout(10_000) });
    } catch (e) {
      app.log.error({ err: e }, 'alert webhook failed');
    }
  };
  const monitor = new Monitor(db.kysely, { notify });
  let monitoring = false;
  const monitorTimer = setInterval(() => {
    if (monitoring || !(sequencer?.active ?? false)) return;
    monitoring = true;
    monitor
      .run(new Date())
      .catch((e: unknown) => app.log.error({ err: e }, 'monitoring pass failed'))
      .finally(() => (monitoring = false));
  }, 1000);
  monitorTimer.unref();
  // The registry's checkpoints are stamped into Bitcoin through the configured calendars (none: off).
  const stamper = new Stamper(db, REGISTRY_LOG, {
    calendars: config.otsCalendars.map((uri) => new HttpCalendar(uri)),
    onError: (e) => app.log.error({ err: e }, 'stamping pass failed'),
    onPass: (p) => {
      if (p.stamped !== undefined || p.completed.length > 0) app.log.info({ stamped: p.stamped, completed: p.completed, calendars: p.outcomes }, 'registry checkpoint stamps');
    },
  });
  if (config.sequencer) stamper.start();
  // Continuous compliance: every assessment re-evaluated nightly by the instance that holds the sequencer lease.
  const complianceSchedule = startComplianceSchedule({ db, master, catalog, log: app.log, ...compliance }, { active: () => sequencer?.active ?? false });
  const address = await app.listen({ host: config.host, port: config.port });
  opts.onListening?.(address);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(monitorTimer);
      complianceSchedule.stop();
      stamper.stop();
      await app.close();
      await sequencer?.stop();
      await db.close();
    })());
  return { app, db, url: address, close, ...(demo ? { demo } : {}) };
}

/** Closes cleanly on the first SIGINT/SIGTERM; a second signal exits at once. */
export function closeOnSignals(r: Pick<Running, 'close'>, log: (msg: string) => void = () => undefined): void {
  let seen = false;
  const handler = (sig: NodeJS.Signals) => {
    if (seen) process.exit(130);
    seen = true;
    log(`${sig}: shutting down`);
    r.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
