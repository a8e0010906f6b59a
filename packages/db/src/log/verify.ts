/**
 * Full re-verification of a stored log: every entry is re-hashed, every stored tile and every
 * stored checkpoint is compared with the recomputed tree, and the latest checkpoint's signature
 * and its witnesses' cosignatures are checked. The report names the first bad index it can prove.
 */
import type { Kysely } from 'kysely';
import { TileBuilder, openCheckpoint, parseVerifierKey, parseWitnessVerifierKey, tilesForSize, type Tile } from '@keygrade/tlog';
import type { Database } from '../schema.js';
import { NativeTreeHasher, fastLeafHash, tileInner } from './inner.js';
import { getLog } from './logs.js';
import { cosignatureBy } from './witnesses.js';

export interface VerifyProblem {
  /** The first entry index the problem proves bad, when it can be named. */
  index?: number;
  message: string;
}

export interface VerifyReport {
  log: string;
  ok: boolean;
  size: number;
  entries: number;
  tiles: number;
  checkpoints: number;
  /** ok is null when no key is known for that witness (its cosignature was not checked). */
  cosignatures: { witness: string; size: number; ok: boolean | null }[];
  pending: number;
  firstBadIndex?: number;
  problems: VerifyProblem[];
}

export interface VerifyOptions {
  /** The log's verifier key as the user knows it (strongly recommended: the stored one may be swapped). */
  publicKey?: string;
  /** Witness verifier keys to check cosignatures with (default: the witnesses registered for the log). */
  witnessKeys?: string[];
  onProgress?: (done: number, total: number) => void;
  chunk?: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

export async function verifyLog(k: Kysely<Database>, name: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const log = await getLog(k, name);
  const problems: VerifyProblem[] = [];
  const report: VerifyReport = { log: name, ok: false, size: 0, entries: 0, tiles: 0, checkpoints: 0, cosignatures: [], pending: 0, problems };
  const vkey = opts.publicKey ?? log.publicKey;
  if (opts.publicKey !== undefined && opts.publicKey !== log.publicKey) problems.push({ message: 'the log key stored in the database differs from the key you gave; checking with yours' });

  const head = await k.selectFrom('log_head').selectAll().where('log', '=', name).executeTakeFirstOrThrow();
  let signedSize = Number(head.size);
  let signedRoot: Uint8Array = new Uint8Array(head.root);
  try {
    const cp = openCheckpoint(head.checkpoint, [parseVerifierKey(vkey)]);
    if (cp.checkpoint.size !== signedSize || !equal(cp.checkpoint.root, signedRoot)) problems.push({ message: `the stored head (size ${signedSize}) does not match its own signed checkpoint (size ${cp.checkpoint.size})` });
    if (cp.checkpoint.origin !== log.origin) problems.push({ message: `the checkpoint origin "${cp.checkpoint.origin}" is not the log's origin "${log.origin}"` });
    signedSize = cp.checkpoint.size;
    signedRoot = cp.checkpoint.root;
  } catch (e) {
    problems.push({ message: `the latest checkpoint does not verify with the log key: ${(e as Error).message}` });
  }
  report.size = signedSize;

  // Stored checkpoints, oldest first: the recomputed root at each size must match.
  const history = await k.selectFrom('log_checkpoint').select(['size', 'root']).where('log', '=', name).orderBy('size').execute();
  const marks: { size: number; root: Uint8Array }[] = history.map((h) => ({ size: Number(h.size), root: new Uint8Array(h.root) })).filter((h) => h.size <= signedSize);
  marks.push({ size: signedSize, root: signedRoot });
  let mark = 0;
  let lastGoodCheckpoint = 0;

  const builder = new TileBuilder({ hasher: new NativeTreeHasher() });
  const rebuilt = new Map<string, { tile: Tile; data: Uint8Array }>();
  const chunk = opts.chunk ?? 16384;
  let expected = 0;
  const badIndex = (i: number, message: string) => problems.push({ index: i, message });
  // Entries and their stored level-0 tiles for [start, end). The next chunk is fetched while the
  // current one is hashed, so on PostgreSQL the server's work overlaps ours.
  const fetchChunk = async (start: number, end: number) => {
    const [rows, tiles] = await Promise.all([
      k.selectFrom('log_entry').select(['idx', 'data']).where('log', '=', name).where('idx', '>=', start).where('idx', '<', end).orderBy('idx').execute(),
      k.selectFrom('log_tile').select(['idx', 'data']).where('log', '=', name).where('level', '=', 0).where('idx', '>=', Math.floor(start / 256)).where('idx', '<=', Math.floor((end - 1) / 256)).execute(),
    ]);
    const stored0 = new Map<number, Uint8Array>();
    for (const t of tiles) stored0.set(Number(t.idx), new Uint8Array(t.data));
    return { rows, stored0 };
  };
  let next = signedSize > 0 ? fetchChunk(0, Math.min(signedSize, chunk)) : undefined;
  while (expected < signedSize) {
    const end = Math.min(signedSize, expected + chunk);
    const { rows, stored0 } = await next!;
    next = end < signedSize ? fetchChunk(end, Math.min(signedSize, end + chunk)) : undefined;
    // A prefetch left unread when verification stops early must not surface as an unhandled rejection.
    next?.catch(() => undefined);
    const leaves: Uint8Array[] = [];
    for (const r of rows) {
      const idx = Number(r.idx);
      if (idx !== expected + leaves.length) {
        badIndex(expected + leaves.length, `entry ${expected + leaves.length} is missing`);
        break;
      }
      const h = fastLeafHash(r.data);
      const tile = stored0.get(Math.floor(idx / 256));
      const pos = (idx % 256) * 32;
      if (!tile || tile.length < pos + 32) badIndex(idx, `entry ${idx} has no stored leaf hash (tile 0/${Math.floor(idx / 256)} is missing or short)`);
      else if (!equal(tile.subarray(pos, pos + 32), h)) badIndex(idx, `entry ${idx} does not match the leaf hash stored when it was logged (altered, reordered or inserted)`);
      leaves.push(h);
    }
    if (problems.some((p) => p.index !== undefined)) {
      if (leaves.length < end - expected && !problems.some((p) => p.index === expected + leaves.length)) badIndex(expected + leaves.length, `entry ${expected + leaves.length} is missing`);
      break;
    }
    if (leaves.length < end - expected) {
      badIndex(expected + leaves.length, `entry ${expected + leaves.length} is missing`);
      break;
    }
    // Feed the builder up to each stored checkpoint inside this chunk and compare roots there.
    let fed = 0;
    while (fed < leaves.length) {
      while (mark < marks.length && marks[mark]!.size <= expected + fed) {
        checkMark(marks[mark]!);
        mark++;
      }
      const stop = mark < marks.length ? Math.min(leaves.length, marks[mark]!.size - expected) : leaves.length;
      builder.append(leaves.slice(fed, stop));
      fed = stop;
    }
    for (const c of builder.takeChangedTiles()) rebuilt.set(`${c.tile.level}/${c.tile.index}`, c);
    report.entries += leaves.length;
    expected = end;
    opts.onProgress?.(expected, signedSize);
  }
  function checkMark(m: { size: number; root: Uint8Array }) {
    if (builder.size !== m.size) return;
    report.checkpoints++;
    if (!equal(builder.root(), m.root)) {
      problems.push({ message: `checkpoint at size ${m.size} has root ${hex(m.root).slice(0, 16)}…, but the entries give ${hex(builder.root()).slice(0, 16)}…: an entry in ${lastGoodCheckpoint}..${m.size - 1} was changed` });
    } else lastGoodCheckpoint = m.size;
  }
  const entriesIntact = !problems.some((p) => p.index !== undefined);
  if (entriesIntact) {
    while (mark < marks.length && marks[mark]!.size <= builder.size) {
      checkMark(marks[mark]!);
      mark++;
    }
    // Every stored tile of the signed tree must equal the rebuilt one.
    for (const t of tilesForSize(signedSize)) {
      const mine = rebuilt.get(`${t.level}/${t.index}`);
      const row = await k.selectFrom('log_tile').select(['data', 'width', 'inner']).where('log', '=', name).where('level', '=', t.level).where('idx', '=', t.index).executeTakeFirst();
      report.tiles++;
      if (!row || row.width < t.width) problems.push({ message: `tile ${t.level}/${t.index} is missing or shorter than ${t.width} hashes` });
      else if (!mine || !equal(new Uint8Array(row.data).subarray(0, t.width * 32), mine.data.subarray(0, t.width * 32))) problems.push({ message: `stored tile ${t.level}/${t.index} differs from the tile recomputed from the entries` });
      else if (row.width === t.width && (!row.inner || !equal(new Uint8Array(row.inner), tileInner(mine.data, t.width)))) problems.push({ message: `the inner hashes stored with tile ${t.level}/${t.index} are wrong (proofs served from them would not verify)` });
    }
  }

  // Cosignatures on the latest checkpoint.
  const witnessKeys = opts.witnessKeys ?? (await k.selectFrom('log_witness').select('public_key').where('log', '=', name).execute()).map((w) => w.public_key);
  const cosigs = await k.selectFrom('log_cosignature').select(['witness', 'size', 'note']).where('log', '=', name).where('size', '=', signedSize).execute();
  const body = head.checkpoint.slice(0, head.checkpoint.indexOf('\n\n') + 1);
  for (const c of cosigs) {
    if (!c.note.startsWith(body)) {
      report.cosignatures.push({ witness: c.witness, size: Number(c.size), ok: false });
      problems.push({ message: `witness ${c.witness} cosigned a different tree of size ${Number(c.size)} than the current checkpoint: history was rewritten (split view)` });
      continue;
    }
    const keys = witnessKeys.map((wk) => parseWitnessVerifierKey(wk)).filter((w) => w.name === c.witness);
    if (keys.length === 0) {
      report.cosignatures.push({ witness: c.witness, size: Number(c.size), ok: null });
      continue;
    }
    const ok = cosignatureBy(c.note, keys) !== undefined;
    report.cosignatures.push({ witness: c.witness, size: Number(c.size), ok });
    if (!ok) problems.push({ message: `the cosignature of witness ${c.witness} on size ${Number(c.size)} does not verify` });
  }

  // Entries beyond the signed size must be the pending tail written through the append path.
  const tail = await k.selectFrom('log_entry').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('idx').as('max')]).where('log', '=', name).where('idx', '>=', signedSize).executeTakeFirst();
  report.pending = Number(tail?.n ?? 0);
  const maxIdx = tail?.max === null || tail?.max === undefined ? undefined : Number(tail.max);
  if (maxIdx !== undefined && (maxIdx >= log.nextIndex || report.pending !== maxIdx - signedSize + 1)) {
    problems.push({ index: Math.max(signedSize, Math.min(maxIdx, log.nextIndex)), message: `entries after the signed size were not written through the log (indexes ${signedSize}..${maxIdx}, next index ${log.nextIndex})` });
  }

  const indexed = problems.filter((p) => p.index !== undefined).map((p) => p.index!);
  if (indexed.length > 0) report.firstBadIndex = Math.min(...indexed);
  report.ok = problems.length === 0;
  return report;
}
