/**
 * Reading a log for serving and proofs: the signed checkpoint, tiles and entry bundles per C2SP
 * tlog-tiles, inclusion and consistency proofs from the stored tiles, and filtered entry queries.
 */
import type { Kysely } from 'kysely';
import { encodeEntryBundle, proveConsistency, proveInclusion, type Tile } from '@keygrade/tlog';
import { storedHashReader } from './inner.js';
import { DbError } from '../errors.js';
import type { Database } from '../schema.js';

export interface Head {
  size: number;
  root: Uint8Array;
  checkpoint: string;
  updatedAt: string;
}

export async function getHead(k: Kysely<Database>, log: string): Promise<Head> {
  const h = await k.selectFrom('log_head').selectAll().where('log', '=', log).executeTakeFirst();
  if (!h) throw new DbError('LOG_UNKNOWN', `there is no log named "${log}"`);
  return { size: Number(h.size), root: new Uint8Array(h.root), checkpoint: h.checkpoint, updatedAt: h.updated_at };
}

/** The bytes of a tile as C2SP serves them (the first `width` hashes), or undefined when the tree has not reached it. */
export async function readTile(k: Kysely<Database>, log: string, tile: Tile): Promise<Uint8Array | undefined> {
  const row = await k.selectFrom('log_tile').select(['width', 'data']).where('log', '=', log).where('level', '=', tile.level).where('idx', '=', tile.index).executeTakeFirst();
  if (!row || row.width < tile.width) return undefined;
  return new Uint8Array(row.data.subarray(0, tile.width * 32));
}

/** Entries `[index*256, index*256+width)` as a C2SP entry bundle, or undefined beyond the integrated size. */
export async function readEntryBundle(k: Kysely<Database>, log: string, index: number, width: number, size: number): Promise<Uint8Array | undefined> {
  const first = index * 256;
  if (first + width > size) return undefined;
  const rows = await k.selectFrom('log_entry').select(['idx', 'data']).where('log', '=', log).where('idx', '>=', first).where('idx', '<', first + width).orderBy('idx').execute();
  if (rows.length !== width) throw new DbError('LOG_NOT_FOUND', `log ${log}: entries ${first}..${first + width - 1} are incomplete in the database`);
  return encodeEntryBundle(rows.map((r) => new Uint8Array(r.data)));
}

export async function readEntry(k: Kysely<Database>, log: string, index: number): Promise<Uint8Array | undefined> {
  const row = await k.selectFrom('log_entry').select('data').where('log', '=', log).where('idx', '=', index).executeTakeFirst();
  return row ? new Uint8Array(row.data) : undefined;
}

/** The inclusion proof of entry `index` in the tree of `size` entries (default: the current head). */
export async function inclusionProof(k: Kysely<Database>, log: string, index: number, size?: number): Promise<{ index: number; size: number; proof: Uint8Array[]; head: Head }> {
  const head = await getHead(k, log);
  const n = size ?? head.size;
  if (!Number.isSafeInteger(index) || index < 0 || index >= n || n > head.size) {
    throw new DbError('LOG_INDEX_OUT_OF_RANGE', `entry ${index} is not in log ${log} at size ${n} (the log has ${head.size} integrated entries)`);
  }
  const proof = await proveInclusion(index, n, storedHashReader(k, log, n));
  return { index, size: n, proof, head };
}

export async function consistencyProof(k: Kysely<Database>, log: string, size1: number, size2: number): Promise<Uint8Array[]> {
  const head = await getHead(k, log);
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2 || size2 > head.size) {
    throw new DbError('LOG_INDEX_OUT_OF_RANGE', `no consistency proof from ${size1} to ${size2}: log ${log} has ${head.size} integrated entries`);
  }
  return proveConsistency(size1, size2, storedHashReader(k, log, size2));
}

/** The latest cosigned checkpoints of each witness at exactly `size`. */
export async function cosignaturesAt(k: Kysely<Database>, log: string, size: number): Promise<{ witness: string; note: string; cosignedAt: string }[]> {
  const rows = await k.selectFrom('log_cosignature').select(['witness', 'note', 'cosigned_at']).where('log', '=', log).where('size', '=', size).orderBy('witness').execute();
  return rows.map((r) => ({ witness: r.witness, note: r.note, cosignedAt: r.cosigned_at }));
}

export interface EntryFilter {
  from?: number | undefined;
  to?: number | undefined;
  type?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  clientId?: string | undefined;
  limit?: number | undefined;
}

export interface StoredEntry {
  index: number;
  clientId: string | null;
  receivedAt: string;
  data: Uint8Array;
}

/** Entries matching a filter, in index order. Filters use the indexed copies; results carry the hashed bytes. */
export async function queryEntries(k: Kysely<Database>, log: string, f: EntryFilter): Promise<StoredEntry[]> {
  let q = k.selectFrom('log_entry').select(['idx', 'client_id', 'received_at', 'data']).where('log', '=', log);
  if (f.from !== undefined) q = q.where('idx', '>=', f.from);
  if (f.to !== undefined) q = q.where('idx', '<', f.to);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (f.since !== undefined) q = q.where('ts', '>=', f.since);
  if (f.until !== undefined) q = q.where('ts', '<', f.until);
  if (f.clientId !== undefined) q = q.where('client_id', '=', f.clientId);
  const rows = await q.orderBy('idx').limit(f.limit ?? 1000).execute();
  return rows.map((r) => ({ index: Number(r.idx), clientId: r.client_id, receivedAt: r.received_at, data: new Uint8Array(r.data) }));
}
