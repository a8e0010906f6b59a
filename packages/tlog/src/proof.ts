/**
 * Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
 *
 * Every function fails closed with a TlogError: sizes and indexes must be safe integers, all
 * hashes 32 bytes, proofs exactly as long as the sizes call for. Instead of walking the RFC's
 * loop bit by bit, a proof is split into its "inner" part (the siblings below the point where
 * the leaf's path leaves the tree's right edge) and its "border" part (the left siblings on the
 * right edge), which fixes the expected length up front. Sizes up to 2^53 - 1 are exact: the
 * bit arithmetic is done with division, not 32-bit operators.
 */
import { TlogError } from './errors.js';
import { checkHash, TreeHasher } from './hash.js';
import { bitAt, bitLength, bytesEqual, checkCount, popCount, toHex, trailingZeros, xor } from './util.js';

/** Number of inner and border hashes in the inclusion proof of `index` in a tree of `size`. */
function decompose(index: number, size: number): { inner: number; border: number } {
  const inner = bitLength(xor(index, size - 1));
  const border = popCount(Math.floor(index / 2 ** inner));
  return { inner, border };
}

/**
 * Length of the inclusion proof of leaf `index` in a tree of `size` (RFC 9162 §2.1.3.1).
 * @example inclusionProofLength(1, 5) // 3
 */
export function inclusionProofLength(index: number, size: number): number {
  checkIndex(index, size);
  const { inner, border } = decompose(index, size);
  return inner + border;
}

/**
 * Length of the consistency proof between sizes 0 < size1 < size2 (RFC 9162 §2.1.4.1);
 * 0 when size1 = size2.
 */
export function consistencyProofLength(size1: number, size2: number): number {
  checkSizes(size1, size2);
  if (size1 === size2) return 0;
  const { start, inner, border } = consistencyShape(size1, size2);
  return start + inner + border;
}

function checkIndex(index: number, size: number): void {
  checkCount(index, 'index');
  checkCount(size, 'tree size');
  if (index >= size) throw new TlogError('TLOG_INDEX_OUT_OF_RANGE', `leaf index ${index} is not below tree size ${size}`);
}

function checkSizes(size1: number, size2: number): void {
  checkCount(size1, 'size1');
  checkCount(size2, 'size2');
  if (size1 > size2) throw new TlogError('TLOG_SIZE_ORDER', `size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0) {
    // RFC 9162 defines no proof from the empty tree; the transparency-dev vectors reject it.
    // Every tree extends the empty tree, so a caller that accepts that (C2SP tlog-witness does)
    // handles size1 = 0 itself.
    throw new TlogError('TLOG_CONSISTENCY_FROM_EMPTY', 'consistency proof from tree size 0 is undefined; handle the empty tree before verifying');
  }
}

function checkProofHashes(proof: readonly Uint8Array[]): void {
  if (!Array.isArray(proof)) throw new TlogError('TLOG_INVALID_ARGUMENT', 'proof must be an array of hashes');
  for (let i = 0; i < proof.length; i++) checkHash(proof[i], `proof[${i}]`);
}

/**
 * Recomputes the root a leaf's inclusion proof leads to (RFC 9162 §2.1.3.2), after checking
 * the index, the hash lengths and the proof length. Use it when the root is not known yet;
 * otherwise call verifyInclusion.
 */
export function rootFromInclusionProof(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Uint8Array {
  checkIndex(index, size);
  checkHash(leafHash, 'leaf hash');
  checkProofHashes(proof);
  const { inner, border } = decompose(index, size);
  if (proof.length !== inner + border) {
    throw new TlogError('TLOG_PROOF_LENGTH', `inclusion proof for leaf ${index} in tree size ${size} must have ${inner + border} hashes, got ${proof.length}`);
  }
  const hasher = new TreeHasher();
  let r = leafHash;
  let out: Uint8Array | undefined;
  for (let i = 0; i < proof.length; i++) {
    const p = proof[i]!;
    // Below `inner` the index bit says on which side the sibling is; above it, every sibling
    // is a left sibling on the right edge of the tree.
    const siblingIsLeft = i >= inner || bitAt(index, i) === 1;
    out ??= new Uint8Array(32);
    r = siblingIsLeft ? hasher.node(p, r, out) : hasher.node(r, p, out);
  }
  return out ? r : r.slice();
}

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` with root `root`
 * (RFC 9162 §2.1.3.2). Returns nothing; throws a TlogError (TLOG_INDEX_OUT_OF_RANGE,
 * TLOG_HASH_LENGTH, TLOG_PROOF_LENGTH, TLOG_ROOT_MISMATCH, TLOG_INVALID_ARGUMENT) on failure.
 *
 * @example
 * verifyInclusion(leafHash(entry), 1, 5, proof, root);
 */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): void {
  checkIndex(index, size);
  checkHash(root, 'root');
  const got = rootFromInclusionProof(leafHash, index, size, proof);
  if (!bytesEqual(got, root)) {
    throw new TlogError('TLOG_ROOT_MISMATCH', `inclusion proof for leaf ${index} in tree size ${size} leads to root ${toHex(got)}, expected ${toHex(root)}`);
  }
}

/**
 * Shape of the consistency proof between 0 < size1 < size2: `start` is 1 when the proof opens
 * with the hash of the largest full subtree of the old tree (absent when size1 is a power of
 * two, its root then being that subtree), followed by `inner` and `border` hashes for the path
 * of that subtree's node inside the new tree.
 */
function consistencyShape(size1: number, size2: number): { level: number; node: number; start: number; inner: number; border: number } {
  const level = trailingZeros(size1);
  const node = Math.floor((size1 - 1) / 2 ** level);
  const { inner, border } = decompose(node, Math.floor((size2 - 1) / 2 ** level) + 1);
  return { level, node, start: node === 0 ? 0 : 1, inner, border };
}

/**
 * Verifies that the tree of `size2` with `root2` extends the tree of `size1` with `root1`
 * (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots. size1 = 0 is refused
 * with TLOG_CONSISTENCY_FROM_EMPTY: the caller decides what "consistent with the empty tree"
 * means. Other failures: TLOG_SIZE_ORDER, TLOG_HASH_LENGTH, TLOG_PROOF_EMPTY, TLOG_PROOF_LENGTH,
 * TLOG_ROOT_MISMATCH, TLOG_INVALID_ARGUMENT.
 *
 * @example
 * verifyConsistency(oldSize, newSize, proof, oldRoot, newRoot);
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  checkSizes(size1, size2);
  checkHash(root1, 'root1');
  checkHash(root2, 'root2');
  checkProofHashes(proof);
  if (size1 === size2) {
    if (proof.length !== 0) throw new TlogError('TLOG_PROOF_LENGTH', `sizes are equal (${size1}) but the consistency proof has ${proof.length} hashes`);
    if (!bytesEqual(root1, root2)) throw new TlogError('TLOG_ROOT_MISMATCH', `sizes are equal (${size1}) but the roots differ`);
    return;
  }
  if (proof.length === 0) throw new TlogError('TLOG_PROOF_EMPTY', `consistency proof from size ${size1} to ${size2} is empty`);
  const { node, start, inner, border } = consistencyShape(size1, size2);
  if (proof.length !== start + inner + border) {
    throw new TlogError('TLOG_PROOF_LENGTH', `consistency proof from size ${size1} to ${size2} must have ${start + inner + border} hashes, got ${proof.length}`);
  }
  const hasher = new TreeHasher();
  const seed = start === 0 ? root1 : proof[0]!;
  // r1 rebuilds the old root from the seed, r2 the new root. Right siblings below the split
  // point only exist in the new tree, so only r2 takes them.
  let r1 = seed;
  let r2 = seed;
  const o1 = new Uint8Array(32);
  const o2 = new Uint8Array(32);
  for (let i = 0; i < inner + border; i++) {
    const p = proof[start + i]!;
    if (i >= inner || bitAt(node, i) === 1) {
      r1 = hasher.node(p, r1, o1);
      r2 = hasher.node(p, r2, o2);
    } else {
      r2 = hasher.node(r2, p, o2);
    }
  }
  if (!bytesEqual(r1, root1)) throw new TlogError('TLOG_ROOT_MISMATCH', `consistency proof from size ${size1} to ${size2} does not lead to root1`);
  if (!bytesEqual(r2, root2)) throw new TlogError('TLOG_ROOT_MISMATCH', `consistency proof from size ${size1} to ${size2} does not lead to root2`);
}
