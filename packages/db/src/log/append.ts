/**
 * Appending entries to a log inside the caller's transaction, so an action and its log entry
 * commit together or not at all. Entries are numbered as they are written: the log row is locked
 * first (an UPDATE on both dialects), so numbers are contiguous and commit in order, and the
 * sequencer only has to integrate what it can see.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { DbError } from '../errors.js';
import type { Database } from '../schema.js';

/** The largest entry: C2SP entry bundles prefix each entry with a 16-bit length. */
export const MAX_ENTRY_BYTES = 65535;
/** The most entries one append call takes. */
export const MAX_BATCH_ENTRIES = 1000;
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

export interface NewEntry {
  /** The bytes that are hashed into the log (canonical JSON for Keygrade's own entries). */
  data: Uint8Array;
  /** A client's own id for the event: appending the same id again returns the first index. */
  clientId?: string | undefined;
  /** Copies of fields of `data`, used only to filter queries. */
  type?: string | undefined;
  actor?: string | undefined;
  ts?: string | undefined;
}

export interface Appended {
  index: number;
  /** True when an entry with the same client id and the same bytes was already in the log. */
  duplicate: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/** Checks a batch before anything is written; every problem is reported with the entry's position. */
export function validateBatch(entries: readonly NewEntry[]): void {
  if (entries.length === 0) throw new DbError('LOG_BATCH_INVALID', 'the batch is empty');
  if (entries.length > MAX_BATCH_ENTRIES) throw new DbError('LOG_BATCH_INVALID', `the batch has ${entries.length} entries; at most ${MAX_BATCH_ENTRIES} per call`);
  const problems: { path: string; message: string }[] = [];
  entries.forEach((e, i) => {
    if (e.data.length > MAX_ENTRY_BYTES) problems.push({ path: `entries[${i}]`, message: `entry is ${e.data.length} bytes; the limit is ${MAX_ENTRY_BYTES}` });
    if (e.clientId !== undefined && !CLIENT_ID.test(e.clientId)) problems.push({ path: `entries[${i}].clientId`, message: 'client id must be 1-128 printable ASCII characters without spaces' });
  });
  if (problems.length > 0) {
    const tooLarge = problems.some((p) => p.message.includes('limit'));
    throw new DbError(tooLarge ? 'LOG_ENTRY_TOO_LARGE' : 'LOG_BATCH_INVALID', `${problems.length} entr${problems.length === 1 ? 'y is' : 'ies are'} not acceptable; nothing was written`, { problems });
  }
}

/**
 * Appends `entries` to `log` in the transaction `trx` and returns each entry's index. A replayed
 * client id with the same bytes returns the earlier index; with other bytes the whole batch fails
 * (LOG_CLIENT_ID_CONFLICT) and the caller's transaction must roll back.
 */
/**
 * The entries of `log` with these client ids. On PostgreSQL, one probe of the unique
 * (log, client_id) index per id, forced by LATERAL … LIMIT 1: with stale statistics (a log that
 * grew quickly, or a server with autovacuum off) the planner otherwise reads every entry of the
 * log through the (log, ts) index for each batch, and appends slow down as the log grows.
 */
async function entriesByClientId(trx: Kysely<Database>, log: string, ids: string[]): Promise<{ client_id: string | null; idx: number | string; data: Uint8Array }[]> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ client_id: string; idx: string; data: Uint8Array }>`
      SELECT e.client_id, e.idx, e.data FROM unnest(${ids}::text[]) AS c(id)
      CROSS JOIN LATERAL (SELECT client_id, idx, data FROM log_entry WHERE log = ${log} AND client_id = c.id LIMIT 1) e`.execute(trx);
    return rows;
  }
  return trx.selectFrom('log_entry').select(['client_id', 'idx', 'data']).where('log', '=', log).where('client_id', 'in', ids).execute();
}

export async function appendEntries(trx: Kysely<Database>, log: string, entries: readonly NewEntry[], receivedAt: string): Promise<Appended[]> {
  validateBatch(entries);
  const locked = await trx.updateTable('log').set((eb) => ({ next_index: eb.ref('next_index') })).where('name', '=', log).returning('next_index').executeTakeFirst();
  if (!locked) throw new DbError('LOG_UNKNOWN', `there is no log named "${log}"`);
  let next = Number(locked.next_index);

  const ids = [...new Set(entries.flatMap((e) => (e.clientId === undefined ? [] : [e.clientId])))];
  const known = new Map<string, { idx: number; data: Uint8Array }>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await entriesByClientId(trx, log, ids.slice(i, i + 500))) known.set(r.client_id!, { idx: Number(r.idx), data: r.data });
  }

  const results: Appended[] = [];
  const rows: Database['log_entry'][] = [];
  const problems: { path: string; message: string }[] = [];
  entries.forEach((e, i) => {
    const prior = e.clientId === undefined ? undefined : known.get(e.clientId);
    if (prior) {
      if (!sameBytes(prior.data, e.data)) problems.push({ path: `entries[${i}].clientId`, message: `client id "${e.clientId}" was already used for entry ${prior.idx} with different content` });
      results.push({ index: prior.idx, duplicate: true });
      return;
    }
    const idx = next++;
    if (e.clientId !== undefined) known.set(e.clientId, { idx, data: e.data });
    rows.push({ log, idx, data: e.data, client_id: e.clientId ?? null, type: e.type ?? null, actor: e.actor ?? null, ts: e.ts ?? null, received_at: receivedAt });
    results.push({ index: idx, duplicate: false });
  });
  if (problems.length > 0) throw new DbError('LOG_CLIENT_ID_CONFLICT', 'a client id in the batch was already used with different content; nothing was written', { problems });

  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('log_entry').values(rows.slice(i, i + 500)).execute();
  if (rows.length > 0) await trx.updateTable('log').set({ next_index: next }).where('name', '=', log).execute();
  return results;
}
