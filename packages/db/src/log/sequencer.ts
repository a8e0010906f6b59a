/**
 * The sequencer: integrates appended entries into the Merkle tree, stores the changed tiles and
 * signs a new checkpoint, all in one transaction per pass. Exactly one sequencer runs per
 * deployment: on PostgreSQL it holds an advisory lock on a dedicated connection; on SQLite it holds
 * a lease row (a single file has a single writer anyway, the lease keeps a second process idle).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { TileBuilder, formatCheckpoint, partialTilesForSize, signNote, type TileData } from '@keygrade/tlog';
import type { Db } from '../connect.js';
import { DbError } from '../errors.js';
import type { Database } from '../schema.js';
import type { MasterKey } from '../secrets.js';
import { NativeTreeHasher, fastLeafHash, tileInner } from './inner.js';
import { logSigner } from './logs.js';

const LOCK_KEY = 0x6b677371; // "kgsq": the advisory lock id of the sequencer
const LEASE_MS = 5000;

export interface SequencerOptions {
  /** How often to look for pending entries (default 200 ms; a checkpoint follows within a second). */
  intervalMs?: number;
  /** The most entries integrated in one pass (default 20,000). */
  batchLimit?: number;
  now?: () => Date;
  /** Called after each pass that grew a log. */
  onCheckpoint?: (e: { log: string; size: number; integrated: number }) => void;
  onError?: (e: unknown) => void;
}

export interface PassResult {
  log: string;
  size: number;
  integrated: number;
}

/** Reads the rightmost (partial) tile of every level for a tree of `size` entries. */
export async function rightmostTiles(k: Kysely<Database>, log: string, size: number): Promise<TileData[]> {
  const out: TileData[] = [];
  for (const t of partialTilesForSize(size)) {
    const row = await k.selectFrom('log_tile').select(['data', 'width']).where('log', '=', log).where('level', '=', t.level).where('idx', '=', t.index).executeTakeFirst();
    if (!row || row.width < t.width) throw new DbError('LOG_NOT_FOUND', `log ${log}: tile ${t.level}/${t.index} is missing or short; run \`keygrade log verify\``);
    out.push({ tile: t, data: new Uint8Array(row.data.subarray(0, t.width * 32)) });
  }
  return out;
}

/** One integration pass over one log on the connection `k`. */
export async function integrateLog(k: Kysely<Database>, master: MasterKey, log: string, opts: { batchLimit?: number; now?: () => Date } = {}): Promise<PassResult> {
  const head = await k.selectFrom('log_head').selectAll().where('log', '=', log).executeTakeFirst();
  if (!head) throw new DbError('LOG_UNKNOWN', `there is no log named "${log}"`);
  const size = Number(head.size);
  const rows = await k
    .selectFrom('log_entry')
    .select(['idx', 'data'])
    .where('log', '=', log)
    .where('idx', '>=', size)
    .orderBy('idx')
    .limit(opts.batchLimit ?? 20_000)
    .execute();
  if (rows.length === 0) return { log, size, integrated: 0 };
  const leaves: Uint8Array[] = [];
  for (const [i, r] of rows.entries()) {
    // Entries commit in index order, so what is visible is contiguous; stop at any hole.
    if (Number(r.idx) !== size + i) break;
    leaves.push(fastLeafHash(r.data));
  }
  const builder = TileBuilder.resume(size, await rightmostTiles(k, log, size), undefined, { hasher: new NativeTreeHasher() });
  builder.append(leaves);
  const newSize = size + leaves.length;
  const root = builder.root();
  const logRow = await k.selectFrom('log').select(['origin']).where('name', '=', log).executeTakeFirstOrThrow();
  const signer = await logSigner(k, master, log);
  const note = signNote(formatCheckpoint({ origin: logRow.origin, size: newSize, root }), [signer]);
  const at = (opts.now ?? (() => new Date()))().toISOString();
  const changed = builder.takeChangedTiles();
  await k.transaction().execute(async (trx) => {
    for (const { tile, data } of changed) {
      const inner = tileInner(data, tile.width);
      await trx
        .insertInto('log_tile')
        .values({ log, level: tile.level, idx: tile.index, width: tile.width, data, inner })
        .onConflict((oc) => oc.columns(['log', 'level', 'idx']).doUpdateSet({ width: tile.width, data, inner }))
        .execute();
    }
    await trx.insertInto('log_checkpoint').values({ log, size: newSize, root, note, created_at: at }).execute();
    const moved = await trx.updateTable('log_head').set({ size: newSize, root, checkpoint: note, updated_at: at }).where('log', '=', log).where('size', '=', size).executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new DbError('LOG_SEQUENCER_LOCKED', `log ${log} was advanced by someone else during this pass`);
  });
  return { log, size: newSize, integrated: leaves.length };
}

/** Integrates every log once. */
export async function integrateAll(k: Kysely<Database>, master: MasterKey, opts: { batchLimit?: number; now?: () => Date } = {}): Promise<PassResult[]> {
  const logs = await k.selectFrom('log').select('name').where('kind', '!=', 'mirror').orderBy('name').execute();
  const out: PassResult[] = [];
  for (const { name } of logs) {
    let r: PassResult;
    do {
      r = await integrateLog(k, master, name, opts);
      if (r.integrated > 0) out.push(r);
    } while (r.integrated >= (opts.batchLimit ?? 20_000));
  }
  return out;
}

async function tryLease(k: Kysely<Database>, holder: string, nowMs: number): Promise<boolean> {
  await k
    .insertInto('sequencer_lease')
    .values({ name: 'sequencer', holder, expires_at: nowMs + LEASE_MS })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: nowMs + LEASE_MS })
        .where((eb) => eb.or([eb('sequencer_lease.expires_at', '<', nowMs), eb('sequencer_lease.holder', '=', holder)])),
    )
    .execute();
  const row = await k.selectFrom('sequencer_lease').select('holder').where('name', '=', 'sequencer').executeTakeFirst();
  return row?.holder === holder;
}

/**
 * Runs the sequencer until `stop()`. While another process holds the sequencer lock this one
 * waits and retries, so a standby takes over when the active one dies.
 */
export class Sequencer {
  readonly #db: Db;
  readonly #master: MasterKey;
  readonly #opts: SequencerOptions;
  readonly #holder = randomUUID();
  #stopping = false;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #active = false;

  constructor(db: Db, master: MasterKey, opts: SequencerOptions = {}) {
    this.#db = db;
    this.#master = master;
    this.#opts = opts;
  }

  /** True while this process holds the sequencer lock. */
  get active(): boolean {
    return this.#active;
  }

  start(): void {
    if (this.#running) return;
    this.#stopping = false;
    this.#running = this.#db.dialect === 'postgres' ? this.#runPostgres() : this.#runSqlite();
  }

  /** Asks for a pass now instead of at the next interval (e.g. right after an append). */
  poke(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
    this.#running = undefined;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.#wake = done;
    });
  }

  async #pass(k: Kysely<Database>): Promise<void> {
    try {
      for (const r of await integrateAll(k, this.#master, { batchLimit: this.#opts.batchLimit, now: this.#opts.now })) this.#opts.onCheckpoint?.(r);
    } catch (e) {
      this.#opts.onError?.(e);
    }
  }

  async #runSqlite(): Promise<void> {
    const k = this.#db.kysely;
    const now = () => (this.#opts.now ?? (() => new Date()))().getTime();
    while (!this.#stopping) {
      try {
        this.#active = await tryLease(k, this.#holder, now());
      } catch (e) {
        this.#active = false;
        this.#opts.onError?.(e);
      }
      if (this.#active) await this.#pass(k);
      await this.#sleep(this.#active ? (this.#opts.intervalMs ?? 200) : LEASE_MS / 2);
    }
    if (this.#active) await k.deleteFrom('sequencer_lease').where('name', '=', 'sequencer').where('holder', '=', this.#holder).execute().catch(() => undefined);
    this.#active = false;
  }

  async #runPostgres(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.#db.kysely.connection().execute(async (conn) => {
          const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${LOCK_KEY}) as ok`.execute(conn);
          if (!got.rows[0]?.ok) return;
          this.#active = true;
          try {
            while (!this.#stopping) {
              await this.#pass(conn);
              await this.#sleep(this.#opts.intervalMs ?? 200);
            }
          } finally {
            this.#active = false;
            await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(conn).catch(() => undefined);
          }
        });
      } catch (e) {
        this.#active = false;
        this.#opts.onError?.(e);
      }
      if (!this.#stopping) await this.#sleep(LEASE_MS / 2);
    }
  }
}
