/**
 * Proof generation over a store of full-subtree node hashes (RFC 9162 §2.1.3.1, §2.1.4.1).
 *
 * A tree is stored as the hashes of its *full* subtrees: node { level, index } covers leaves
 * [index·2^level, (index+1)·2^level). Every proof hash is either such a node or the hash of a
 * right-edge range [start, size), which is the right fold of the full subtrees that make it
 * up. A plan lists the nodes a proof needs, so a database or tile store can fetch all of them
 * in one round trip, and then assembles the proof from the fetched hashes.
 */
import { TlogError } from './errors.js';
import { checkHash, emptyRoot, HASH_SIZE, TreeHasher } from './hash.js';
import { bitLength, checkCount, splitPoint, trailingZeros } from './util.js';

/** A full subtree of the tree: covers leaves [index·2^level, (index+1)·2^level). Level 0 = leaf hashes. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Reads stored node hashes in one batch. `readHashes(nodes)` resolves to one 32-byte hash per
 * requested node, in the same order. Only full subtrees are ever requested.
 */
export interface HashReader {
  readHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]>;
}

/**
 * What a proof needs, and how to put it together: fetch `nodes` (one batch), then call
 * `assemble` with their hashes in the same order.
 */
export interface ProofPlan<T> {
  readonly nodes: readonly NodeId[];
  assemble(hashes: readonly Uint8Array[]): T;
}

/** Throws TLOG_INVALID_ARGUMENT unless `node` is a valid NodeId (level 0..63, safe index). */
export function checkNodeId(node: NodeId, what = 'node'): void {
  checkCount(node?.level, `${what}.level`);
  checkCount(node.index, `${what}.index`);
  if (node.level > 63) throw new TlogError('TLOG_INVALID_ARGUMENT', `${what}.level must be at most 63, got ${node.level}`);
  if ((node.index + 1) * 2 ** node.level > Number.MAX_SAFE_INTEGER + 1) {
    throw new TlogError('TLOG_INVALID_ARGUMENT', `${what} (level ${node.level}, index ${node.index}) ends beyond leaf 2^53`);
  }
}

/** The full subtrees that make up leaves [start, end), left to right (start aligned as in the RFC splits). */
function rangeNodes(start: number, end: number, out: NodeId[]): void {
  let cur = start;
  while (cur < end) {
    // Largest power of two that fits in what is left and keeps the node aligned at cur.
    let level = bitLength(end - cur) - 1;
    if (cur > 0) level = Math.min(level, trailingZeros(cur));
    const len = 2 ** level;
    out.push({ level, index: cur / len });
    cur += len;
  }
}

type Range = readonly [start: number, end: number];

/** Proof hashes as leaf ranges, deepest first: the RFC 9162 PATH(m, D[n]) siblings. */
function inclusionRanges(index: number, size: number): Range[] {
  const out: Range[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
    }
  }
  return out.reverse();
}

/** Proof hashes as leaf ranges, deepest first: RFC 9162 SUBPROOF(m, D[n], true). */
function consistencyRanges(size1: number, size2: number): Range[] {
  const out: Range[] = [];
  let lo = 0;
  let hi = size2;
  let whole = true; // b in the RFC: the subtree is a whole old tree, whose root the verifier has
  for (;;) {
    if (size1 - lo === hi - lo) {
      if (!whole) out.push([lo, hi]);
      break;
    }
    const k = splitPoint(hi - lo);
    if (size1 - lo <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
      whole = false;
    }
  }
  return out.reverse();
}

/** Builds a plan that fetches every range's nodes and folds each range into one hash. */
function planRanges(ranges: readonly Range[]): ProofPlan<Uint8Array[]> {
  const nodes: NodeId[] = [];
  const counts: number[] = [];
  for (const [s, e] of ranges) {
    const before = nodes.length;
    rangeNodes(s, e, nodes);
    counts.push(nodes.length - before);
  }
  return {
    nodes,
    assemble(hashes) {
      checkReadHashes(hashes, nodes.length);
      const hasher = new TreeHasher();
      const out: Uint8Array[] = [];
      let at = 0;
      for (const c of counts) {
        // Right fold: MTH of a right-edge range splits at its largest full subtree first.
        let h = hashes[at + c - 1]!;
        for (let j = at + c - 2; j >= at; j--) h = hasher.node(hashes[j]!, h);
        out.push(c === 1 ? h.slice() : h);
        at += c;
      }
      return out;
    },
  };
}

function checkReadHashes(hashes: readonly Uint8Array[], want: number): void {
  if (!Array.isArray(hashes) || hashes.length !== want) {
    throw new TlogError('TLOG_HASH_READER', `hash reader returned ${Array.isArray(hashes) ? hashes.length : typeof hashes} hashes, expected ${want}`);
  }
  for (let i = 0; i < want; i++) {
    const h = hashes[i];
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new TlogError('TLOG_HASH_READER', `hash reader returned a ${h instanceof Uint8Array ? `${h.length}-byte` : 'non-byte'} value for node ${i}`);
    }
  }
}

/** Plan for MTH of the first `size` leaves (the root of the tree at that size). */
export function planTreeHash(size: number): ProofPlan<Uint8Array> {
  checkCount(size, 'tree size');
  if (size === 0) {
    return {
      nodes: [],
      assemble(hashes) {
        checkReadHashes(hashes, 0);
        return emptyRoot();
      },
    };
  }
  const p = planRanges([[0, size]]);
  return { nodes: p.nodes, assemble: (hashes) => p.assemble(hashes)[0]! };
}

/** Plan for the inclusion proof of leaf `index` in the tree of `size` (RFC 9162 §2.1.3.1). */
export function planInclusion(index: number, size: number): ProofPlan<Uint8Array[]> {
  checkCount(index, 'index');
  checkCount(size, 'tree size');
  if (index >= size) throw new TlogError('TLOG_INDEX_OUT_OF_RANGE', `leaf index ${index} is not below tree size ${size}`);
  return planRanges(inclusionRanges(index, size));
}

/**
 * Plan for the consistency proof from `size1` to `size2` (RFC 9162 §2.1.4.1). Empty when the
 * sizes are equal or size1 is 0 (the RFC defines no proof from the empty tree; nothing is needed).
 */
export function planConsistency(size1: number, size2: number): ProofPlan<Uint8Array[]> {
  checkCount(size1, 'size1');
  checkCount(size2, 'size2');
  if (size1 > size2) throw new TlogError('TLOG_SIZE_ORDER', `size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0 || size1 === size2) return planRanges([]);
  return planRanges(consistencyRanges(size1, size2));
}

async function run<T>(plan: ProofPlan<T>, reader: HashReader): Promise<T> {
  const hashes = plan.nodes.length === 0 ? [] : await reader.readHashes(plan.nodes);
  return plan.assemble(hashes);
}

/** Root hash of the first `size` leaves, read from `reader` in one batch. */
export function treeHash(size: number, reader: HashReader): Promise<Uint8Array> {
  return run(planTreeHash(size), reader);
}

/**
 * Inclusion proof of leaf `index` in the tree of `size`, deepest hash first, read from
 * `reader` in one batch. Verify with verifyInclusion.
 */
export function proveInclusion(index: number, size: number, reader: HashReader): Promise<Uint8Array[]> {
  return run(planInclusion(index, size), reader);
}

/** Consistency proof from `size1` to `size2`, read from `reader` in one batch. Verify with verifyConsistency. */
export function proveConsistency(size1: number, size2: number, reader: HashReader): Promise<Uint8Array[]> {
  return run(planConsistency(size1, size2), reader);
}

/**
 * An in-memory tree of leaf hashes that stores every full-subtree hash (about 2 hashes per
 * leaf). For tests, small logs and caches; implements HashReader, so the async provers work
 * on it, and has synchronous shortcuts.
 *
 * @example
 * const t = new MemoryTree();
 * t.append(leafHash(entry));
 * verifyInclusion(leafHash(entry), 0, t.size, t.inclusionProof(0), t.root());
 */
export class MemoryTree implements HashReader {
  /** levels[L][i] = hash of node { level: L, index: i }. */
  readonly #levels: Uint8Array[][] = [[]];
  readonly #hasher = new TreeHasher();

  /** Number of leaves. */
  get size(): number {
    return this.#levels[0]!.length;
  }

  /** Appends one leaf hash (copied) and returns its index. */
  append(leafHash: Uint8Array): number {
    checkHash(leafHash, 'leaf hash');
    const index = this.size;
    let h: Uint8Array = leafHash.slice();
    let level = 0;
    let i = index;
    this.#levels[0]!.push(h);
    // Each time a node completes a pair, their parent becomes a full subtree.
    while (i % 2 === 1) {
      const row = this.#levels[level]!;
      h = this.#hasher.node(row[i - 1]!, h);
      level++;
      i = (i - 1) / 2;
      (this.#levels[level] ??= []).push(h);
    }
    return index;
  }

  /** Appends leaf hashes in order; returns the index of the first. */
  appendAll(leafHashes: Iterable<Uint8Array>): number {
    const first = this.size;
    for (const h of leafHashes) this.append(h);
    return first;
  }

  /** Hash of a full subtree node (a copy); throws TLOG_INDEX_OUT_OF_RANGE if the tree does not hold it yet. */
  node(node: NodeId): Uint8Array {
    return this.#node(node).slice();
  }

  #node(node: NodeId): Uint8Array {
    checkNodeId(node);
    const h = this.#levels[node.level]?.[node.index];
    if (!h) throw new TlogError('TLOG_INDEX_OUT_OF_RANGE', `node (level ${node.level}, index ${node.index}) is not a full subtree of a tree of size ${this.size}`);
    return h;
  }

  /** HashReader: hashes (copies) of full subtree nodes, in order. */
  readHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]> {
    try {
      return Promise.resolve(nodes.map((n) => this.node(n)));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  #run<T>(plan: ProofPlan<T>): T {
    // assemble copies what it returns, so the stored hashes can go in as they are.
    return plan.assemble(plan.nodes.map((n) => this.#node(n)));
  }

  #checkSize(size: number): void {
    checkCount(size, 'tree size');
    if (size > this.size) throw new TlogError('TLOG_INDEX_OUT_OF_RANGE', `tree size ${size} is beyond the ${this.size} leaves held`);
  }

  /** Root of the tree at `size` (default: now). */
  root(size: number = this.size): Uint8Array {
    this.#checkSize(size);
    return this.#run(planTreeHash(size));
  }

  /** Inclusion proof of leaf `index` in the tree at `size` (default: now). */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#checkSize(size);
    return this.#run(planInclusion(index, size));
  }

  /** Consistency proof from `size1` to `size2` (default: now). */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.#checkSize(size2);
    return this.#run(planConsistency(size1, size2));
  }
}
