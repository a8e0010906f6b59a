/**
 * A witness of a Keygrade log. It runs as its own process (on another host in production),
 * pulls the log's checkpoint and entry bundles, recomputes the tree in its own database (a full
 * copy of the entries: the CCSS "audit data backed up to a separate server"), and cosigns only a
 * checkpoint that extends what it stored before. Anything else (a rewritten history, a log that
 * shrank, a signature that fails) raises an alarm that stays until an operator looks.
 */
import { sql } from 'kysely';
import { TileBuilder, cosignCheckpoint, emptyRoot, leafHash, openCheckpoint, parseVerifierKey, type WitnessSigner } from '@keygrade/tlog';
import { appendEntries, rightmostTiles, tileInner, type Db } from '@keygrade/db';
import type { HttpLog } from '../external/http-log.js';

export type AlarmKind = 'split-view' | 'rollback' | 'bad-signature' | 'unreachable' | 'lagging';

export interface Alarm {
  kind: AlarmKind;
  log: string;
  message: string;
  at: string;
}

export interface WitnessState {
  log: string;
  status: 'ok' | 'alarm' | 'lagging' | 'starting';
  verifiedSize: number;
  cosignedSize: number | null;
  lastCheckAt: string | null;
  lastOkAt: string | null;
  logSize: number | null;
  alarms: Alarm[];
}

export interface WitnessOptions {
  db: Db;
  remote: HttpLog;
  log: string;
  logKey: string;
  signer: WitnessSigner;
  now?: () => Date;
  /** Seconds without a successful check, or behind the log, before "lagging" (default 60). */
  lagSeconds?: number;
  onAlarm?: (a: Alarm) => void;
  /** Publish cosignatures to the log (default true). */
  publish?: boolean;
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

export class Witness {
  readonly #o: WitnessOptions;
  readonly #now: () => Date;
  readonly #origin: string;
  #state: WitnessState;
  #behindSince: number | null = null;

  constructor(o: WitnessOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => new Date());
    this.#origin = parseVerifierKey(o.logKey).name;
    this.#state = { log: o.log, status: 'starting', verifiedSize: 0, cosignedSize: null, lastCheckAt: null, lastOkAt: null, logSize: null, alarms: [] };
  }

  get state(): WitnessState {
    return structuredClone(this.#state);
  }

  /** Creates the local mirror of the log on first use and loads what was verified before. */
  async init(): Promise<void> {
    const k = this.#o.db.kysely;
    const found = await k.selectFrom('log').select(['public_key', 'kind']).where('name', '=', this.#o.log).executeTakeFirst();
    if (found && (found.kind !== 'mirror' || found.public_key !== this.#o.logKey)) {
      throw new Error(`the witness database already holds log "${this.#o.log}" with another key or kind; use a fresh --data folder`);
    }
    if (!found) {
      const at = this.#now().toISOString();
      await k.transaction().execute(async (trx) => {
        await trx.insertInto('log').values({ name: this.#o.log, origin: this.#origin, kind: 'mirror', description: 'witness copy', next_index: 0, public_key: this.#o.logKey, signing_key: new Uint8Array(0), created_at: at }).execute();
        await trx.insertInto('log_head').values({ log: this.#o.log, size: 0, root: emptyRoot(), checkpoint: '', updated_at: at }).execute();
      });
    }
    const head = await k.selectFrom('log_head').select(['size']).where('log', '=', this.#o.log).executeTakeFirstOrThrow();
    this.#state.verifiedSize = Number(head.size);
    const mine = await k.selectFrom('log_cosignature').select((eb) => eb.fn.max('size').as('size')).where('log', '=', this.#o.log).executeTakeFirst();
    this.#state.cosignedSize = mine?.size === null || mine?.size === undefined ? null : Number(mine.size);
  }

  #alarm(kind: AlarmKind, message: string): void {
    const a: Alarm = { kind, log: this.#o.log, message, at: this.#now().toISOString() };
    const repeated = this.#state.alarms.some((x) => x.kind === kind && x.message === message);
    if (!repeated) {
      this.#state.alarms.push(a);
      this.#o.onAlarm?.(a);
    }
    if (kind !== 'unreachable' && kind !== 'lagging') this.#state.status = 'alarm';
  }

  /** One round: fetch, verify, store, cosign. Never throws for the log's faults; it raises alarms. */
  async check(): Promise<WitnessState> {
    const now = this.#now();
    this.#state.lastCheckAt = now.toISOString();
    try {
      await this.#round();
      if (this.#state.status !== 'alarm') this.#state.status = 'ok';
      this.#state.lastOkAt = now.toISOString();
    } catch (e) {
      this.#alarm('unreachable', (e as Error).message);
    }
    const lag = (this.#o.lagSeconds ?? 60) * 1000;
    const lastOk = this.#state.lastOkAt ? Date.parse(this.#state.lastOkAt) : null;
    const stale = lastOk === null || now.getTime() - lastOk > lag;
    const behind = this.#behindSince !== null && now.getTime() - this.#behindSince > lag;
    if ((stale || behind) && this.#state.status !== 'alarm') {
      this.#state.status = 'lagging';
      this.#alarm('lagging', stale ? `no successful check for more than ${lag / 1000} s` : `behind the log for more than ${lag / 1000} s`);
    }
    return this.state;
  }

  async #round(): Promise<void> {
    const k = this.#o.db.kysely;
    const text = await this.#o.remote.checkpoint();
    let cp;
    try {
      cp = openCheckpoint(text, [parseVerifierKey(this.#o.logKey)]).checkpoint;
    } catch (e) {
      this.#alarm('bad-signature', `the checkpoint does not verify with the log key: ${(e as Error).message}`);
      return;
    }
    this.#state.logSize = cp.size;
    const head = await k.selectFrom('log_head').select(['size', 'root']).where('log', '=', this.#o.log).executeTakeFirstOrThrow();
    const mySize = Number(head.size);
    if (cp.size < mySize) {
      this.#alarm('rollback', `the log now says size ${cp.size}, but this witness already verified size ${mySize}`);
      return;
    }
    if (cp.size === mySize) {
      if (!equal(cp.root, new Uint8Array(head.root))) {
        this.#alarm('split-view', `the log signed a different root for size ${cp.size} than the one this witness verified: history was rewritten or two views exist`);
        return;
      }
      this.#behindSince = null;
      await this.#cosign(text, cp.size);
      return;
    }
    this.#behindSince ??= this.#now().getTime();
    // Fetch the new entries, bundle by bundle, and extend our own tree.
    const builder = TileBuilder.resume(mySize, await rightmostTiles(k, this.#o.log, mySize));
    const fresh: Uint8Array[] = [];
    for (let b = Math.floor(mySize / 256); b * 256 < cp.size; b++) {
      const width = Math.min(256, cp.size - b * 256);
      const entries = await this.#o.remote.entries(b, width);
      const skip = Math.max(0, mySize - b * 256);
      for (const e of entries.slice(skip)) fresh.push(e);
    }
    builder.append(fresh.map((e) => leafHash(e)));
    if (!equal(builder.root(), cp.root)) {
      this.#alarm('split-view', `the log's checkpoint at size ${cp.size} is not an extension of the ${mySize} entries this witness verified (or it served entries that do not hash to its root)`);
      return;
    }
    const at = this.#now().toISOString();
    const tiles = builder.takeChangedTiles();
    await k.transaction().execute(async (trx) => {
      for (let i = 0; i < fresh.length; i += 1000) await appendEntries(trx, this.#o.log, fresh.slice(i, i + 1000).map((data) => ({ data })), at);
      for (const { tile, data } of tiles) {
        const inner = tileInner(data, tile.width);
        await trx
          .insertInto('log_tile')
          .values({ log: this.#o.log, level: tile.level, idx: tile.index, width: tile.width, data, inner })
          .onConflict((oc) => oc.columns(['log', 'level', 'idx']).doUpdateSet({ width: tile.width, data, inner }))
          .execute();
      }
      await trx.insertInto('log_checkpoint').values({ log: this.#o.log, size: cp.size, root: cp.root, note: text, created_at: at }).onConflict((oc) => oc.columns(['log', 'size']).doNothing()).execute();
      await trx.updateTable('log_head').set({ size: cp.size, root: cp.root, checkpoint: text, updated_at: at }).where('log', '=', this.#o.log).execute();
    });
    this.#state.verifiedSize = cp.size;
    this.#behindSince = null;
    await this.#cosign(text, cp.size);
  }

  async #cosign(checkpointNote: string, size: number): Promise<void> {
    if (this.#state.cosignedSize !== null && this.#state.cosignedSize >= size) return;
    const body = checkpointNote.slice(0, checkpointNote.indexOf('\n\n') + 1);
    const line = cosignCheckpoint(body, this.#o.signer, Math.floor(this.#now().getTime() / 1000));
    const note = `${body}\n${line}`;
    if (this.#o.publish !== false) await this.#o.remote.postCosignature(note);
    await this.#o.db.kysely
      .insertInto('log_cosignature')
      .values({ log: this.#o.log, witness: this.#o.signer.name, size, note, cosigned_at: this.#now().toISOString(), received_at: this.#now().toISOString() })
      .onConflict((oc) => oc.columns(['log', 'witness', 'size']).doNothing())
      .execute();
    this.#state.cosignedSize = size;
  }
}

/** For tests and operators: how many entries the witness holds. */
export async function mirroredCount(db: Db, log: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from log_entry where log = ${log}`.execute(db.kysely);
  return Number(r.rows[0]?.n ?? 0);
}
