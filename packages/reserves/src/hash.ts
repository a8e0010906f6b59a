/**
 * The hashes of the liabilities tree (docs/design FORMATS.md, "Proof of reserves"):
 *
 *   uidHash = SHA-256("keygrade-por-v1-uid" || salt || utf8(userId))
 *   leaf    = SHA-256(0x00 || snapshotId || index_u64 || uidHash || salt || balances[K] as u128 BE)
 *   node    = SHA-256(0x01 || hashL || sumsL[K] || hashR || sumsR[K])
 *
 * The 0x00 / 0x01 prefixes keep leaves and nodes apart (as RFC 9162 §2.1.1 does); putting both
 * children's sums under the parent hash closes Maxwell's flaw (Hu, Zhang & Guo 2018), where a
 * prover could show each child a different split of the parent's total.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8, writeU64 } from './bytes.js';

/** A SHA-256 function; the builder takes a faster one in node (node:crypto), the verifier uses @noble/hashes. */
export type Sha256 = (message: Uint8Array) => Uint8Array;

/** SHA-256 from @noble/hashes (audited, runs anywhere). */
export const nobleSha256: Sha256 = (m) => sha256(m);

/** Leaf domain tag. */
export const LEAF_PREFIX = 0x00;
/** Inner node domain tag. */
export const NODE_PREFIX = 0x01;
/** Domain tag of the user id hash. */
export const UID_TAG = utf8('keygrade-por-v1-uid');

/** Bytes of one asset's balance or sum (u128). */
export const AMOUNT_BYTES = 16;
/** Bytes of a salt, a snapshot id and every hash. */
export const HASH_BYTES = 32;

/** Length of a leaf hash's input for K assets. */
export function leafMessageLength(k: number): number {
  return 1 + 32 + 8 + 32 + 32 + AMOUNT_BYTES * k;
}

/** Length of a node hash's input for K assets. */
export function nodeMessageLength(k: number): number {
  return 1 + 2 * (HASH_BYTES + AMOUNT_BYTES * k);
}

/** The user id hash a customer recomputes from their id and the salt in their proof. */
export function uidHash(hash: Sha256, salt: Uint8Array, userId: Uint8Array): Uint8Array {
  const m = new Uint8Array(UID_TAG.length + 32 + userId.length);
  m.set(UID_TAG, 0);
  m.set(salt, UID_TAG.length);
  m.set(userId, UID_TAG.length + 32);
  return hash(m);
}

/** A leaf hash; `balances` holds K big-endian u128 values. */
export function leafHash(hash: Sha256, snapshotId: Uint8Array, index: number, uid: Uint8Array, salt: Uint8Array, balances: Uint8Array): Uint8Array {
  const m = new Uint8Array(1 + 32 + 8 + 32 + 32 + balances.length);
  m[0] = LEAF_PREFIX;
  m.set(snapshotId, 1);
  writeU64(m, 33, index);
  m.set(uid, 41);
  m.set(salt, 73);
  m.set(balances, 105);
  return hash(m);
}

/** An inner node hash; each side is its 32-byte hash followed by its K big-endian u128 sums. */
export function nodeHash(hash: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  const m = new Uint8Array(1 + left.length + right.length);
  m[0] = NODE_PREFIX;
  m.set(left, 1);
  m.set(right, 1 + left.length);
  return hash(m);
}
