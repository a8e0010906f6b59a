/**
 * Incremental tile builder for a log sequencer (C2SP tlog-tiles layout).
 *
 * The builder holds, for each tile level, the rightmost tile of the tree (its hashes and the
 * full subtrees inside it), so appending n leaf hashes costs about n node hashes plus
 * O(log size) for the root, whatever the tree size. Every tile it reports is byte-identical to
 * the tile a from-scratch build of the same tree would give.
 */
import { TlogError } from './errors.js';
import { checkHash, emptyRoot, HASH_SIZE, TreeHasher } from './hash.js';
import { partialTilesForSize, tilePath, TILE_HEIGHT, TILE_WIDTH, type TileData } from './tiles.js';
import { bytesEqual, checkCount, toHex } from './util.js';

const FULL_BYTES = TILE_WIDTH * HASH_SIZE;

/** The rightmost tile of one tile level, with the full subtrees of its hashes (largest first). */
interface Edge {
  index: number;
  width: number;
  data: Uint8Array;
  /** Subtree hashes inside the tile, left to right; stackLevels[i] is the height of stack[i] above the tile's base. */
  stack: Uint8Array[];
  stackLevels: number[];
  dirty: boolean;
}

function newEdge(index: number): Edge {
  return { index, width: 0, data: new Uint8Array(FULL_BYTES), stack: [], stackLevels: [], dirty: false };
}

/** Options of TileBuilder. */
export interface TileBuilderOptions {
  /** The tree hasher to use (default: the portable @noble/hashes one). */
  readonly hasher?: TreeHasher;
}

/**
 * Builds C2SP tlog-tiles incrementally.
 *
 * @example
 * const b = TileBuilder.resume(size, await loadTiles(partialTilesForSize(size)));
 * b.append(newLeafHashes);
 * await store(b.takeChangedTiles(), b.size, b.root());
 */
export class TileBuilder {
  #size = 0;
  readonly #edges: Edge[] = [];
  #completed: TileData[] = [];
  #root: Uint8Array | undefined;
  readonly #hasher: TreeHasher;

  /**
   * An empty tree. Use TileBuilder.resume to continue an existing one. `options.hasher` swaps in
   * another SHA-256 implementation (e.g. node:crypto in a server) with identical results.
   */
  constructor(options: TileBuilderOptions = {}) {
    this.#hasher = options.hasher ?? new TreeHasher();
  }

  /**
   * Continues the tree of `size` from its partial tiles (exactly the tiles partialTilesForSize(size)
   * lists, with their data; order free). With `expectedRoot`, the rebuilt root must match it.
   * Throws TLOG_BUILDER_STATE when tiles are missing, extra, or of the wrong width or length,
   * or when the root differs.
   */
  static resume(size: number, partialTiles: readonly TileData[], expectedRoot?: Uint8Array, options: TileBuilderOptions = {}): TileBuilder {
    checkCount(size, 'tree size');
    const b = new TileBuilder(options);
    const want = partialTilesForSize(size);
    const given = new Map<string, TileData>();
    for (const td of partialTiles) {
      const k = `${td.tile.level}/${td.tile.index}`;
      if (given.has(k)) throw new TlogError('TLOG_BUILDER_STATE', `tile level ${td.tile.level} index ${td.tile.index} is given twice`);
      given.set(k, td);
    }
    for (const t of want) {
      const td = given.get(`${t.level}/${t.index}`);
      if (!td) throw new TlogError('TLOG_BUILDER_STATE', `tree size ${size} needs partial tile ${tilePath(t)}`);
      if (td.tile.width !== t.width) throw new TlogError('TLOG_BUILDER_STATE', `tile level ${t.level} index ${t.index} has width ${td.tile.width}, tree size ${size} needs ${t.width}`);
      if (!(td.data instanceof Uint8Array) || td.data.length !== t.width * HASH_SIZE) {
        throw new TlogError('TLOG_BUILDER_STATE', `tile ${tilePath(t)} data must be ${t.width * HASH_SIZE} bytes`);
      }
      given.delete(`${t.level}/${t.index}`);
    }
    if (given.size > 0) {
      const extra = [...given.values()][0]!.tile;
      throw new TlogError('TLOG_BUILDER_STATE', `tile level ${extra.level} index ${extra.index} is not a partial tile of tree size ${size}`);
    }
    for (let level = 0; Math.floor(size / TILE_WIDTH ** level) > 0; level++) {
      b.#edges.push(newEdge(Math.floor(size / TILE_WIDTH ** (level + 1))));
    }
    for (const t of want) {
      const data = partialTiles.find((td) => td.tile.level === t.level && td.tile.index === t.index)!.data;
      const edge = b.#edges[t.level]!;
      for (let i = 0; i < t.width; i++) b.#push(edge, data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
      edge.dirty = false;
    }
    b.#size = size;
    if (expectedRoot !== undefined) {
      checkHash(expectedRoot, 'expected root');
      const got = b.root();
      if (!bytesEqual(got, expectedRoot)) throw new TlogError('TLOG_BUILDER_STATE', `partial tiles give root ${toHex(got)} for tree size ${size}, expected ${toHex(expectedRoot)}`);
    }
    return b;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Adds one hash to the edge tile of its level, merging equal-height subtrees. Returns true when the tile became full. */
  #push(edge: Edge, h: Uint8Array): boolean {
    const at = edge.width * HASH_SIZE;
    edge.data.set(h, at);
    edge.width++;
    edge.dirty = true;
    let top: Uint8Array = edge.data.subarray(at, at + HASH_SIZE);
    let height = 0;
    const { stack, stackLevels } = edge;
    while (stack.length > 0 && stackLevels[stackLevels.length - 1] === height) {
      top = this.#hasher.node(stack.pop()!, top);
      stackLevels.pop();
      height++;
    }
    stack.push(top);
    stackLevels.push(height);
    return height === TILE_HEIGHT;
  }

  /**
   * Appends leaf hashes (32 bytes each) in order. Full tiles that complete and the partial
   * tiles that change are collected for takeChangedTiles.
   */
  append(leafHashes: readonly Uint8Array[]): void {
    for (let i = 0; i < leafHashes.length; i++) checkHash(leafHashes[i], `leaf hash ${i}`);
    if (this.#size + leafHashes.length > Number.MAX_SAFE_INTEGER) throw new TlogError('TLOG_INVALID_ARGUMENT', 'tree size would pass 2^53 - 1');
    for (const leaf of leafHashes) {
      let h = leaf;
      for (let level = 0; ; level++) {
        const edge = (this.#edges[level] ??= newEdge(0));
        if (!this.#push(edge, h)) break;
        // The tile is full: hand over its buffer, start the next tile, and carry its hash up.
        h = edge.stack[0]!;
        this.#completed.push({ tile: { level, index: edge.index, width: TILE_WIDTH }, data: edge.data });
        this.#edges[level] = newEdge(edge.index + 1);
      }
    }
    this.#size += leafHashes.length;
    if (leafHashes.length > 0) this.#root = undefined;
  }

  /** Root hash of the tree at its current size (cached until the next append). */
  root(): Uint8Array {
    if (this.#root) return this.#root.slice();
    // The subtrees of all edge tiles, top level first, are the tree's full subtrees left to
    // right; the root is their right fold (RFC 9162 §2.1.1 split at the largest power of two).
    const parts: Uint8Array[] = [];
    for (let level = this.#edges.length - 1; level >= 0; level--) parts.push(...this.#edges[level]!.stack);
    let r: Uint8Array;
    if (parts.length === 0) r = emptyRoot();
    else {
      r = parts[parts.length - 1]!.slice();
      for (let i = parts.length - 2; i >= 0; i--) this.#hasher.node(parts[i]!, r, r);
    }
    this.#root = r;
    return r.slice();
  }

  /** The partial tiles of the tree at its current size, lowest level first (copies): what resume needs. */
  partialTiles(): TileData[] {
    const out: TileData[] = [];
    this.#edges.forEach((e, level) => {
      if (e.width > 0 && e.width < TILE_WIDTH) out.push({ tile: { level, index: e.index, width: e.width }, data: e.data.slice(0, e.width * HASH_SIZE) });
    });
    return out;
  }

  /**
   * Every tile that changed since the last call (or since resume), ordered by level then index:
   * full tiles completed (width 256) and the current partial tiles that grew (their new width and
   * whole data). The data arrays belong to the caller.
   */
  takeChangedTiles(): TileData[] {
    const out = this.#completed;
    this.#completed = [];
    this.#edges.forEach((e, level) => {
      if (e.dirty && e.width > 0) out.push({ tile: { level, index: e.index, width: e.width }, data: e.data.slice(0, e.width * HASH_SIZE) });
      e.dirty = false;
    });
    return out.sort((a, b) => a.tile.level - b.tile.level || a.tile.index - b.tile.index);
  }
}

/**
 * Root of the tree of `size` from its partial tiles (see partialTilesForSize); the same as
 * `TileBuilder.resume(size, tiles).root()`.
 */
export function treeHashFromTiles(size: number, partialTiles: readonly TileData[]): Uint8Array {
  return TileBuilder.resume(size, partialTiles).root();
}

