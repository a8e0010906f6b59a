/**
 * RFC 9162 §2.1 Merkle tree hashing over SHA-256.
 *
 * - leaf hash  = SHA-256(0x00 || entry)
 * - node hash  = SHA-256(0x01 || left || right)
 * - empty tree = SHA-256("")
 * - MTH(D[n]) for n > 1 splits at k, the largest power of two below n (§2.1.1).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { TlogError } from './errors.js';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

type Sha256 = ReturnType<typeof sha256.create>;

/**
 * A SHA-256 hasher for tree hashing that reuses one noble instance instead of allocating one
 * per hash (measured about 1.4x faster than the one-shot `sha256(...)` for 65-byte node inputs).
 * Not shareable across concurrent code paths that interleave calls; create one per task.
 *
 * @example
 * const h = new TreeHasher();
 * const root = h.node(h.leaf(a), h.leaf(b));
 */
export class TreeHasher {
  readonly #fresh: Sha256 = sha256.create();
  readonly #work: Sha256 = sha256.create();

  /** RFC 9162 leaf hash SHA-256(0x00 || entry). Writes into `out` (32 bytes) when given. */
  leaf(entry: Uint8Array, out: Uint8Array = new Uint8Array(HASH_SIZE)): Uint8Array {
    const w = this.#fresh._cloneInto(this.#work);
    w.update(LEAF_PREFIX).update(entry).digestInto(out);
    return out;
  }

  /** RFC 9162 node hash SHA-256(0x01 || left || right). Writes into `out` (32 bytes) when given. */
  node(left: Uint8Array, right: Uint8Array, out: Uint8Array = new Uint8Array(HASH_SIZE)): Uint8Array {
    const w = this.#fresh._cloneInto(this.#work);
    w.update(NODE_PREFIX).update(left).update(right).digestInto(out);
    return out;
  }

  /**
   * Node hash of two adjacent hashes: SHA-256(0x01 || pair) where `pair` is the 64 bytes
   * left || right (e.g. a view into tile data). `out` may overlap `pair`.
   */
  nodeOfPair(pair: Uint8Array, out: Uint8Array = new Uint8Array(HASH_SIZE)): Uint8Array {
    const w = this.#fresh._cloneInto(this.#work);
    w.update(NODE_PREFIX).update(pair).digestInto(out);
    return out;
  }
}

/** RFC 9162 leaf hash: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_PREFIX).update(entry).digest();
}

/**
 * RFC 9162 interior node hash: SHA-256(0x01 || left || right). Takes any bytes, as the RFC
 * defines it; the proof verifiers check that tree hashes are 32 bytes before they get here.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}

/** Root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** Throws TLOG_HASH_LENGTH unless `h` is a 32-byte Uint8Array. `what` names it in the message. */
export function checkHash(h: unknown, what: string): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array)) throw new TlogError('TLOG_HASH_LENGTH', `${what} must be a Uint8Array`);
  if (h.length !== HASH_SIZE) throw new TlogError('TLOG_HASH_LENGTH', `${what} is ${h.length} bytes, expected ${HASH_SIZE}`);
}

/**
 * MTH(D[n]) from the leaf hashes of a whole tree, for any n (RFC 9162 §2.1.1).
 * Hashes level by level, carrying an unpaired rightmost node up unchanged, which gives the
 * same tree as splitting at the largest power of two below n. n - 1 node hashes; O(n) memory.
 *
 * @example
 * rootOf([leafHash(a), leafHash(b), leafHash(c)]); // = node(node(la, lb), lc)
 */
export function rootOf(leafHashes: readonly Uint8Array[]): Uint8Array {
  const n = leafHashes.length;
  if (n === 0) return emptyRoot();
  leafHashes.forEach((h, i) => checkHash(h, `leaf hash ${i}`));
  if (n === 1) return leafHashes[0]!.slice();
  const hasher = new TreeHasher();
  // Pair level 0 into a fresh array, then fold in place on our own copies.
  const level: Uint8Array[] = new Array<Uint8Array>(Math.ceil(n / 2));
  for (let i = 0; i + 1 < n; i += 2) level[i / 2] = hasher.node(leafHashes[i]!, leafHashes[i + 1]!);
  if (n % 2 === 1) level[(n - 1) / 2] = leafHashes[n - 1]!.slice();
  let width = level.length;
  while (width > 1) {
    let j = 0;
    for (let i = 0; i + 1 < width; i += 2) hasher.node(level[i]!, level[i + 1]!, level[j++]!);
    if (width % 2 === 1) level[j++] = level[width - 1]!;
    width = j;
  }
  return level[0]!;
}
