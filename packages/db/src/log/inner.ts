/**
 * Inner node hashes of a tile, stored beside it so an inclusion proof is a lookup instead of
 * re-hashing up to 255 nodes per tile level (measured: ~2.8 ms per proof on a 1,000,000-entry log
 * without them, with the portable hasher). A tile holds hashes of tree level 8L; its inner nodes
 * are the complete subtrees of tile-local levels 1..7: 128 + 64 + … + 2 = 254 slots of 32 bytes,
 * zero where a subtree is not complete yet. Derived data: `keygrade log verify` recomputes it.
 */
import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TreeHasher, type HashReader, type NodeId } from '@keygrade/tlog';
import { DbError } from '../errors.js';
import type { Database } from '../schema.js';

export const INNER_SLOTS = 254;


/**
 * SHA-256 of `m` written into `out` at `at`, with node's one-shot hash returning the digest as a
 * latin1 string (char code = byte): on Node 20 that is about twice as fast as a Buffer digest,
 * whose allocation costs more than hashing a short message.
 */
export function sha256Into(m: Uint8Array, out: Uint8Array, at = 0): Uint8Array {
  const s = hash('sha256', m, 'binary'); // 'binary' is node's name for latin1
  for (let i = 0; i < 32; i++) out[at + i] = s.charCodeAt(i);
  return out;
}

/** The tree hasher on node's native SHA-256: same results as the portable one, about 2x faster in bulk. */
export class NativeTreeHasher extends TreeHasher {
  /** One message buffer for node hashes: 0x01 ‖ left ‖ right. */
  readonly #pair = new Uint8Array(65);
  override leaf(entry: Uint8Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
    return fastLeafHash(entry, out);
  }
  override node(left: Uint8Array, right: Uint8Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
    const m = this.#pair;
    m[0] = 1;
    m.set(left, 1);
    m.set(right, 33);
    return sha256Into(m, out);
  }
  override nodeOfPair(pair: Uint8Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
    const m = this.#pair;
    m[0] = 1;
    m.set(pair, 1);
    return sha256Into(m, out);
  }
}
/** RFC 9162 leaf hash with node's native SHA-256 (several times faster than the portable one for bulk work). */
export function fastLeafHash(entry: Uint8Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
  // One-shot crypto.hash (Node >= 20.12) over 0x00 ‖ entry: about a quarter faster than createHash.
  const m = new Uint8Array(entry.length + 1);
  m.set(entry, 1);
  return sha256Into(m, out);
}
const OFFSET = [0, 0, 128, 192, 224, 240, 248, 252, 254];

/** The inner hashes of a tile of `width` hashes (width * 32 bytes of data). */
export function tileInner(data: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(INNER_SLOTS * 32);
  let below = data.subarray(0, width * 32);
  let count = width;
  const m = new Uint8Array(65);
  m[0] = 1;
  for (let k = 1; k <= 7; k++) {
    count = Math.floor(count / 2);
    for (let p = 0; p < count; p++) {
      m.set(below.subarray(2 * p * 32, 2 * p * 32 + 64), 1);
      sha256Into(m, out, (OFFSET[k]! + p) * 32);
    }
    below = out.subarray(OFFSET[k]! * 32, (OFFSET[k]! + count) * 32);
  }
  return out;
}

/**
 * A HashReader over the stored tiles and their inner hashes of one log, for the tree of `size`:
 * one query for all tiles a proof needs, no hashing.
 */
export function storedHashReader(k: Kysely<Database>, log: string, size: number): HashReader {
  return {
    async readHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]> {
      const where = nodes.map((n) => {
        const L = Math.floor(n.level / 8);
        const kk = n.level - 8 * L;
        return { n, L, kk, tile: Math.floor((n.index * 2 ** kk) / 256), pos: n.index % (256 >> kk) };
      });
      const keys = [...new Map(where.map((w) => [`${w.L}/${w.tile}`, { level: w.L, idx: w.tile }])).values()];
      const rows = keys.length === 0 ? [] : await k
        .selectFrom('log_tile')
        .select(['level', 'idx', 'width', 'data', 'inner'])
        .where('log', '=', log)
        .where((eb) => eb.or(keys.map((t) => eb.and([eb('level', '=', t.level), eb('idx', '=', t.idx)]))))
        .execute();
      const byKey = new Map(rows.map((r) => [`${r.level}/${Number(r.idx)}`, r]));
      return where.map((w) => {
        const row = byKey.get(`${w.L}/${w.tile}`);
        const need = (w.pos + 1) * 2 ** w.kk;
        if (!row || row.width < need) throw new DbError('LOG_NOT_FOUND', `log ${log}: tile ${w.L}/${w.tile} is missing or too short for node ${w.n.level}/${w.n.index} (size ${size})`);
        if (w.kk === 0) return new Uint8Array(row.data.subarray(w.pos * 32, w.pos * 32 + 32));
        if (!row.inner) throw new DbError('LOG_NOT_FOUND', `log ${log}: tile ${w.L}/${w.tile} has no inner hashes`);
        const at = (OFFSET[w.kk]! + w.pos) * 32;
        return new Uint8Array(row.inner.subarray(at, at + 32));
      });
    },
  };
}
