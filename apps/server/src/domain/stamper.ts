/**
 * Anchoring the registry in Bitcoin (issue 6 item 3): the stamper takes the registry log's latest
 * signed checkpoint at most once per interval, makes a pending OpenTimestamps proof of its text
 * (packages/attest `checkpointDigest`), submits it to the configured calendars, and on every pass
 * asks the calendars to upgrade the pending proofs until they reach a Bitcoin block. Calendars sit
 * behind the `Calendar` interface: with none configured, stamping is off (a deployment without
 * network), and a calendar that cannot be reached leaves the proof pending for the next pass.
 */
import { randomBytes } from 'node:crypto';
import {
  checkpointDigest,
  createPendingTimestampFile,
  parseTimestampFile,
  serializeTimestampFile,
  submitToCalendars,
  toHex,
  upgradeTimestampFile,
  type Calendar,
  type Timestamp,
} from '@keygrade/attest';
import { getHead, type Db } from '@keygrade/db';

export interface StamperOptions {
  calendars: readonly Calendar[];
  /** Least time between two new stamps (default one hour): one stamp covers every entry before it. */
  intervalMs?: number;
  now?: () => Date;
}

export interface StampPass {
  /** The checkpoint size stamped in this pass, if any. */
  stamped?: number;
  /** Sizes whose proofs reached a Bitcoin attestation in this pass. */
  completed: number[];
  /** What each calendar answered, for the logs. */
  outcomes: { uri: string; status: string; message?: string | undefined }[];
}

const hasBitcoin = (t: Timestamp): boolean => t.branches.some((b) => (b.kind === 'attestation' ? b.attestation.kind === 'bitcoin' : hasBitcoin(b.next)));

/** One pass of the stamper over one log: stamp the latest checkpoint if due, upgrade pending proofs. */
export async function stampPass(db: Db, log: string, opts: StamperOptions): Promise<StampPass> {
  const k = db.kysely;
  const now = (opts.now ?? (() => new Date()))();
  const out: StampPass = { completed: [], outcomes: [] };
  if (opts.calendars.length === 0) return out;
  const uris = opts.calendars.map((c) => c.uri);

  const head = await getHead(k, log);
  const last = await k.selectFrom('checkpoint_stamp').select(['size', 'created_at']).where('log', '=', log).orderBy('size', 'desc').limit(1).executeTakeFirst();
  const due = head.size > 0 && (!last || (head.size > Number(last.size) && now.getTime() - Date.parse(last.created_at) >= (opts.intervalMs ?? 3_600_000)));
  if (due) {
    const digest = checkpointDigest(head.checkpoint);
    const pending = createPendingTimestampFile(digest, { nonce: new Uint8Array(randomBytes(16)), calendars: uris });
    const submitted = await submitToCalendars(pending, opts.calendars);
    out.outcomes.push(...submitted.outcomes);
    const at = now.toISOString();
    await k
      .insertInto('checkpoint_stamp')
      .values({ log, size: head.size, checkpoint: head.checkpoint, digest: toHex(digest), ots: serializeTimestampFile(submitted.file), status: statusOf(submitted.file.timestamp, submitted.outcomes), created_at: at, updated_at: at })
      .onConflict((oc) => oc.columns(['log', 'size']).doNothing())
      .execute();
    out.stamped = head.size;
  }

  // Stamps no calendar accepted yet (no network then) are submitted again; pending ones upgraded.
  const open = await k.selectFrom('checkpoint_stamp').select(['size', 'ots', 'status']).where('log', '=', log).where('status', 'in', ['unsubmitted', 'pending']).orderBy('size').execute();
  for (const row of open) {
    if (Number(row.size) === out.stamped && row.status === 'unsubmitted') continue; // just tried
    const file = parseTimestampFile(new Uint8Array(row.ots));
    let r = row.status === 'unsubmitted' ? await submitToCalendars(file, opts.calendars) : await upgradeTimestampFile(file, opts.calendars);
    if (row.status === 'unsubmitted' && r.outcomes.some((o) => o.status === 'submitted')) {
      out.outcomes.push(...r.outcomes);
      r = await upgradeTimestampFile(r.file, opts.calendars);
    }
    out.outcomes.push(...r.outcomes);
    const status = row.status === 'unsubmitted' ? statusOf(r.file.timestamp, r.outcomes.some((o) => o.status === 'upgraded') ? [{ status: 'submitted' }] : out.outcomes) : hasBitcoin(r.file.timestamp) ? 'complete' : 'pending';
    if (status === row.status && !r.outcomes.some((o) => o.status === 'upgraded' || o.status === 'submitted')) continue;
    await k.updateTable('checkpoint_stamp').set({ ots: serializeTimestampFile(r.file), status, updated_at: now.toISOString() }).where('log', '=', log).where('size', '=', row.size).execute();
    if (status === 'complete') out.completed.push(Number(row.size));
  }
  return out;
}

/** complete (a Bitcoin attestation), pending (a calendar accepted it), unsubmitted (no calendar did yet). */
function statusOf(t: Timestamp, outcomes: readonly { status: string }[]): 'complete' | 'pending' | 'unsubmitted' {
  if (hasBitcoin(t)) return 'complete';
  return outcomes.some((o) => o.status === 'submitted') ? 'pending' : 'unsubmitted';
}

export interface StampRow {
  size: number;
  digest: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export async function listStamps(db: Db, log: string): Promise<StampRow[]> {
  const rows = await db.kysely.selectFrom('checkpoint_stamp').select(['size', 'digest', 'status', 'created_at', 'updated_at']).where('log', '=', log).orderBy('size', 'desc').limit(1000).execute();
  return rows.map((r) => ({ size: Number(r.size), digest: r.digest, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at }));
}

export async function getStamp(db: Db, log: string, size: number): Promise<{ ots: Uint8Array; checkpoint: string; status: string } | undefined> {
  const r = await db.kysely.selectFrom('checkpoint_stamp').select(['ots', 'checkpoint', 'status']).where('log', '=', log).where('size', '=', size).executeTakeFirst();
  return r ? { ots: new Uint8Array(r.ots), checkpoint: r.checkpoint, status: r.status } : undefined;
}

/** The smallest stamped checkpoint that covers `index` (size > index), if any. */
export async function stampCovering(db: Db, log: string, index: number): Promise<StampRow | undefined> {
  const r = await db.kysely.selectFrom('checkpoint_stamp').select(['size', 'digest', 'status', 'created_at', 'updated_at']).where('log', '=', log).where('size', '>', index).orderBy('size').limit(1).executeTakeFirst();
  return r ? { size: Number(r.size), digest: r.digest, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at } : undefined;
}

/** Runs `stampPass` every `everyMs` until stopped; errors go to `onError`, never stop the loop. */
export class Stamper {
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  constructor(
    private readonly db: Db,
    private readonly log: string,
    private readonly opts: StamperOptions & { everyMs?: number; onError?: (e: unknown) => void; onPass?: (p: StampPass) => void },
  ) {}

  start(): void {
    if (this.#timer || this.opts.calendars.length === 0) return;
    const tick = async () => {
      if (this.#running) return;
      this.#running = true;
      try {
        this.opts.onPass?.(await stampPass(this.db, this.log, this.opts));
      } catch (e) {
        this.opts.onError?.(e);
      } finally {
        this.#running = false;
      }
    };
    this.#timer = setInterval(() => void tick(), this.opts.everyMs ?? 600_000);
    this.#timer.unref();
    void tick();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
