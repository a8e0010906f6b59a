/**
 * C2SP tlog-tiles: the tree served as static tiles of height 8 (256 hashes wide).
 *
 * Tile { level L, index N, width W } holds W consecutive hashes of tree level 8·L, starting at
 * hash N·256: at L = 0 the leaf hashes, above that the hashes of full tiles one level down.
 * Tree levels between multiples of 8 are not stored; they are recomputed by hashing inside a
 * tile. A tile of width < 256 is partial and only exists for tree sizes that end inside it.
 */
import { TlogError } from './errors.js';
import { checkHash, HASH_SIZE, TreeHasher } from './hash.js';
import { checkNodeId, planTreeHash, type HashReader, type NodeId } from './prove.js';
import { bytesEqual, checkCount, parseDecimal, toHex } from './util.js';

/** Tree levels per tile. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile (2^TILE_HEIGHT). */
export const TILE_WIDTH = 256;
/** Largest entry an entry bundle can hold (uint16 length prefix). */
export const MAX_ENTRY_SIZE = 65535;

/** A hash tile: `width` (1..256) hashes of tree level 8·`level`, from hash `index`·256. */
export interface Tile {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** A tile and its bytes (width·32 bytes of concatenated hashes). */
export interface TileData {
  readonly tile: Tile;
  readonly data: Uint8Array;
}

/** Where a node lives: `count` hashes from hash `offset` of `tile`, hashed up, give the node. */
export interface TileSlot {
  readonly tile: Tile;
  readonly offset: number;
  readonly count: number;
}

/** A parsed tile path: a hash tile, or an entry bundle (`tile/entries/...`). */
export type ParsedTilePath = { readonly kind: 'hashes'; readonly tile: Tile } | { readonly kind: 'entries'; readonly index: number; readonly width: number };

function checkWidth(width: number): void {
  checkCount(width, 'tile width', 1);
  if (width > TILE_WIDTH) throw new TlogError('TLOG_INVALID_ARGUMENT', `tile width must be 1..${TILE_WIDTH}, got ${width}`);
}

/** Throws TLOG_INVALID_ARGUMENT unless `tile` has level 0..63, a safe index and width 1..256. */
export function checkTile(tile: Tile): void {
  checkCount(tile?.level, 'tile level');
  if (tile.level > 63) throw new TlogError('TLOG_INVALID_ARGUMENT', `tile level must be 0..63, got ${tile.level}`);
  checkCount(tile.index, 'tile index');
  checkWidth(tile.width);
}

/** `N` as zero-padded 3-digit path elements, all but the last prefixed with `x` (1234067 → x001/x234/067). */
function encodeIndex(index: number): string {
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function widthSuffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/**
 * Path of a hash tile relative to the log prefix.
 * @example tilePath({ level: 0, index: 1234, width: 5 }) // 'tile/0/x001/234.p/5'
 */
export function tilePath(tile: Tile): string {
  checkTile(tile);
  return `tile/${tile.level}/${encodeIndex(tile.index)}${widthSuffix(tile.width)}`;
}

/**
 * Path of an entry bundle relative to the log prefix.
 * @example entriesPath(1234067) // 'tile/entries/x001/x234/067'
 */
export function entriesPath(index: number, width: number = TILE_WIDTH): string {
  checkCount(index, 'bundle index');
  checkWidth(width);
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`;
}

const PATH_RE = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a tile or entry-bundle path (relative to the log prefix, no leading slash). Strict:
 * accepts exactly the canonical form tilePath / entriesPath produce, so one resource has one
 * path. Rejects level > 63, a leading all-zero index element, width 0, `.p/256` and above.
 * Throws TLOG_TILE_PATH.
 */
export function parseTilePath(path: string): ParsedTilePath {
  const bad = (why: string): TlogError => new TlogError('TLOG_TILE_PATH', `tile path ${JSON.stringify(path)}: ${why}`);
  if (typeof path !== 'string') throw new TlogError('TLOG_TILE_PATH', 'tile path must be a string');
  const m = PATH_RE.exec(path);
  if (!m) throw bad('not of the form tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]');
  const [, lv, n, w] = m as unknown as [string, string, string, string | undefined];
  const groups = n.split('/');
  if (groups.length > 1 && groups[0] === 'x000') throw bad('index has a leading zero path element');
  const index = parseDecimal(groups.map((g) => g.replace('x', '')).join('').replace(/^0+(?=.)/, ''));
  if (index === undefined) throw bad('index is beyond 2^53');
  const width = w === undefined ? TILE_WIDTH : Number(w);
  if (w !== undefined && (width < 1 || width >= TILE_WIDTH)) throw bad(`partial width must be 1..${TILE_WIDTH - 1}`);
  if (lv === 'entries') return { kind: 'entries', index, width };
  const level = Number(lv);
  if (level > 63) throw bad('level must be 0..63');
  return { kind: 'hashes', tile: { level, index, width } };
}

/** Hashes stored at tile level `level` (tree level 8·level) for a tree of `size`. */
function hashesAtLevel(level: number, size: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** Width of tile (`level`, `index`) in the tree of `size`: 256 if full, 1..255 if partial, 0 if absent. */
export function tileWidthAt(level: number, index: number, size: number): number {
  checkCount(level, 'tile level');
  checkCount(index, 'tile index');
  checkCount(size, 'tree size');
  return Math.max(0, Math.min(TILE_WIDTH, hashesAtLevel(level, size) - index * TILE_WIDTH));
}

/**
 * The tiles of the tree of `size` at every level, level by level, left to right, that differ
 * from the tiles of the tree of `oldSize` (default 0: all of them). With oldSize these are the
 * tiles a mirror or witness fetches to catch up. O(size / 256) tiles when oldSize is 0.
 *
 * @example tilesForSize(70000) // 273 full + 1 partial (112) at level 0, 1 full + 1 partial (17) at level 1, 1 partial (1) at level 2
 */
export function tilesForSize(size: number, oldSize = 0): Tile[] {
  checkCount(size, 'tree size');
  checkCount(oldSize, 'old tree size');
  if (oldSize > size) throw new TlogError('TLOG_SIZE_ORDER', `old tree size ${oldSize} is larger than tree size ${size}`);
  const out: Tile[] = [];
  for (let level = 0; hashesAtLevel(level, size) > 0; level++) {
    const hNew = hashesAtLevel(level, size);
    const hOld = hashesAtLevel(level, oldSize);
    for (let index = Math.floor(hOld / TILE_WIDTH); index * TILE_WIDTH < hNew; index++) {
      const width = Math.min(TILE_WIDTH, hNew - index * TILE_WIDTH);
      const before = Math.max(0, Math.min(TILE_WIDTH, hOld - index * TILE_WIDTH));
      if (width > before) out.push({ level, index, width });
    }
  }
  return out;
}

/** The partial (rightmost, width < 256) tiles of the tree of `size`, lowest level first: what TileBuilder.resume needs. */
export function partialTilesForSize(size: number): Tile[] {
  checkCount(size, 'tree size');
  const out: Tile[] = [];
  for (let level = 0; hashesAtLevel(level, size) > 0; level++) {
    const h = hashesAtLevel(level, size);
    if (h % TILE_WIDTH !== 0) out.push({ level, index: Math.floor(h / TILE_WIDTH), width: h % TILE_WIDTH });
  }
  return out;
}

/**
 * The tile holding node `node` and where in it. With `size`, the tile's width is the width it
 * has in the tree of that size (and the node must be a full subtree of it); without, 256.
 *
 * @example tileForNode({ level: 9, index: 3 }) // { tile: { level: 1, index: 0, width: 256 }, offset: 6, count: 2 }
 */
export function tileForNode(node: NodeId, size?: number): TileSlot {
  checkNodeId(node);
  const level = Math.floor(node.level / TILE_HEIGHT);
  const count = 2 ** (node.level - level * TILE_HEIGHT);
  const first = node.index * count;
  const index = Math.floor(first / TILE_WIDTH);
  const offset = first % TILE_WIDTH;
  let width = TILE_WIDTH;
  if (size !== undefined) {
    width = tileWidthAt(level, index, size);
    if (offset + count > width) {
      throw new TlogError('TLOG_INDEX_OUT_OF_RANGE', `node (level ${node.level}, index ${node.index}) is not a full subtree of a tree of size ${size}`);
    }
  }
  return { tile: { level, index, width }, offset, count };
}

/** Fetches tiles in one batch: resolves to the data of each tile, in order. */
export type TileFetcher = (tiles: readonly Tile[]) => Promise<readonly Uint8Array[]>;

/** Options of tileHashReader. */
export interface TileHashReaderOptions {
  /**
   * Root of the tree at `size` (e.g. from a verified checkpoint). When given, every fetched tile
   * is authenticated before use: the reader also fetches the partial tiles of the tree (which
   * must hash to this root) and the parent tiles of every full tile up to a partial one (each
   * full tile must hash to the entry its parent holds for it). Without a root, tiles are
   * trusted as fetched.
   */
  readonly root?: Uint8Array;
  /**
   * How many tiles the reader keeps, with every subtree hash inside them, so later reads of the
   * same tiles neither fetch nor hash again (default 64, about 16 KiB each; 0 keeps none).
   */
  readonly cacheTiles?: number;
}

function tileKey(t: Tile): string {
  return `${t.level}/${t.index}`;
}

/**
 * Every full subtree inside a tile: levels[r] holds the floor(width / 2^r) hashes of height r
 * above the tile's own hashes (levels[0] = the tile data itself).
 */
function tileLevels(data: Uint8Array, width: number, hasher: TreeHasher): Uint8Array[] {
  const levels = [data];
  let cur = data;
  for (let n = Math.floor(width / 2); n > 0; n = Math.floor(n / 2)) {
    const next = new Uint8Array(n * HASH_SIZE);
    for (let i = 0; i < n; i++) hasher.nodeOfPair(cur.subarray(2 * i * HASH_SIZE, (2 * i + 2) * HASH_SIZE), next.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    levels.push(next);
    cur = next;
  }
  return levels;
}

function slotHash(levels: readonly Uint8Array[], slot: TileSlot): Uint8Array {
  const height = Math.log2(slot.count);
  const at = (slot.offset / slot.count) * HASH_SIZE;
  return levels[height]!.slice(at, at + HASH_SIZE);
}

/**
 * A HashReader over tiles for the tree of `size`: maps each requested node to its tile, fetches
 * the tiles it does not hold yet in one `fetchTiles` call, checks each tile's length
 * (width·32 bytes; a full tile is also accepted for a partial one, as tlog-tiles lets clients
 * fall back to it) and hashes up inside tiles for levels that are not multiples of 8. Pass
 * `options.root` to authenticate the tiles against a known root.
 *
 * @example
 * const reader = tileHashReader(cp.size, (tiles) => Promise.all(tiles.map((t) => get(tilePath(t)))), { root: cp.root });
 * const proof = await proveInclusion(index, cp.size, reader);
 */
export function tileHashReader(size: number, fetchTiles: TileFetcher, options: TileHashReaderOptions = {}): HashReader {
  checkCount(size, 'tree size');
  const root = options.root;
  if (root !== undefined) checkHash(root, 'root');
  const maxCached = options.cacheTiles ?? 64;
  checkCount(maxCached, 'cacheTiles');
  // Tiles held (authenticated, when there is a root), with their inner subtree hashes, oldest first.
  const held = new Map<string, Uint8Array[]>();

  function hold(k: string, levels: Uint8Array[]): void {
    held.delete(k);
    held.set(k, levels);
    while (held.size > maxCached) held.delete(held.keys().next().value!);
  }

  function tileAt(level: number, index: number): Tile {
    return { level, index, width: tileWidthAt(level, index, size) };
  }

  async function fetchChecked(tiles: readonly Tile[], hasher: TreeHasher): Promise<Map<string, Uint8Array[]>> {
    const out = new Map<string, Uint8Array[]>();
    if (tiles.length === 0) return out;
    const data = await fetchTiles(tiles);
    if (!Array.isArray(data) || data.length !== tiles.length) {
      throw new TlogError('TLOG_TILE_DATA', `tile fetcher returned ${Array.isArray(data) ? data.length : typeof data} tiles, expected ${tiles.length}`);
    }
    tiles.forEach((t, i) => {
      const d = data[i];
      const want = t.width * HASH_SIZE;
      if (!(d instanceof Uint8Array) || (d.length !== want && d.length !== TILE_WIDTH * HASH_SIZE)) {
        throw new TlogError('TLOG_TILE_DATA', `tile ${tilePath(t)} is ${d instanceof Uint8Array ? d.length : typeof d} bytes, expected ${want}`);
      }
      out.set(tileKey(t), tileLevels(d.length === want ? d : d.subarray(0, want), t.width, hasher));
    });
    return out;
  }

  /** Fetches what is missing of `want` (plus, with a root, what authenticates it) and checks it. */
  async function load(want: readonly Tile[], hasher: TreeHasher): Promise<Map<string, Uint8Array[]>> {
    const need = new Map<string, Tile>();
    const queue = want.filter((t) => !held.has(tileKey(t)));
    if (root !== undefined && queue.length > 0) {
      for (const t of partialTilesForSize(size)) queue.push(t);
    }
    while (queue.length > 0) {
      const t = queue.pop()!;
      const k = tileKey(t);
      if (need.has(k) || held.has(k)) continue;
      need.set(k, t);
      if (root !== undefined && t.width === TILE_WIDTH) queue.push(tileAt(t.level + 1, Math.floor(t.index / TILE_WIDTH)));
    }
    const fetched = await fetchChecked([...need.values()], hasher);
    const get = (t: Tile): Uint8Array[] => fetched.get(tileKey(t)) ?? held.get(tileKey(t))!;
    if (root !== undefined) {
      // When a partial tile was fetched, recompute the root from all of them.
      const plan = planTreeHash(size);
      const slots = plan.nodes.map((n) => tileForNode(n, size));
      if (slots.some((sl) => fetched.has(tileKey(sl.tile)))) {
        const got = plan.assemble(slots.map((sl) => slotHash(get(sl.tile), sl)));
        if (!bytesEqual(got, root)) throw new TlogError('TLOG_TILE_MISMATCH', `tiles give root ${toHex(got)} for tree size ${size}, expected ${toHex(root)}`);
      }
      // Full tiles: each must hash to the entry its parent tile holds for it.
      for (const t of need.values()) {
        if (t.width !== TILE_WIDTH) continue;
        const parent = get(tileAt(t.level + 1, Math.floor(t.index / TILE_WIDTH)))[0]!;
        const at = (t.index % TILE_WIDTH) * HASH_SIZE;
        if (!bytesEqual(get(t)[TILE_HEIGHT]!, parent.subarray(at, at + HASH_SIZE))) {
          throw new TlogError('TLOG_TILE_MISMATCH', `tile ${tilePath(t)} does not hash to the entry its parent tile holds for it`);
        }
      }
    }
    const out = new Map<string, Uint8Array[]>();
    for (const t of want) out.set(tileKey(t), get(t));
    for (const [k, levels] of fetched) hold(k, levels);
    return out;
  }

  return {
    async readHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]> {
      const slots = nodes.map((n) => tileForNode(n, size));
      const want = new Map<string, Tile>();
      for (const sl of slots) want.set(tileKey(sl.tile), sl.tile);
      const tiles = await load([...want.values()], new TreeHasher());
      return slots.map((sl) => slotHash(tiles.get(tileKey(sl.tile))!, sl));
    },
  };
}

/**
 * Encodes an entry bundle: each entry as a big-endian uint16 length and its bytes.
 * 1..256 entries of at most 65535 bytes each; throws TLOG_ENTRY_BUNDLE otherwise.
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) throw new TlogError('TLOG_ENTRY_BUNDLE', `an entry bundle holds 1..${TILE_WIDTH} entries, got ${entries.length}`);
  let total = 0;
  entries.forEach((e, i) => {
    if (!(e instanceof Uint8Array)) throw new TlogError('TLOG_ENTRY_BUNDLE', `entry ${i} is not a Uint8Array`);
    if (e.length > MAX_ENTRY_SIZE) throw new TlogError('TLOG_ENTRY_BUNDLE', `entry ${i} is ${e.length} bytes; entries are at most ${MAX_ENTRY_SIZE} bytes`);
    total += 2 + e.length;
  });
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >>> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Decodes an entry bundle (untrusted input). The entries are views into `data`, not copies.
 * With `width`, the bundle must hold exactly that many entries. Throws TLOG_ENTRY_BUNDLE with
 * the byte offset of the problem.
 */
export function decodeEntryBundle(data: Uint8Array, width?: number): Uint8Array[] {
  if (width !== undefined) checkWidth(width);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    if (out.length === TILE_WIDTH) throw new TlogError('TLOG_ENTRY_BUNDLE', `entry bundle has more than ${TILE_WIDTH} entries (extra data at byte ${at})`);
    if (at + 2 > data.length) throw new TlogError('TLOG_ENTRY_BUNDLE', `entry bundle ends inside the length prefix of entry ${out.length} at byte ${at}`);
    const len = (data[at]! << 8) | data[at + 1]!;
    if (at + 2 + len > data.length) {
      throw new TlogError('TLOG_ENTRY_BUNDLE', `entry ${out.length} at byte ${at} declares ${len} bytes but only ${data.length - at - 2} remain`);
    }
    out.push(data.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (out.length === 0) throw new TlogError('TLOG_ENTRY_BUNDLE', 'entry bundle is empty');
  if (width !== undefined && out.length !== width) throw new TlogError('TLOG_ENTRY_BUNDLE', `entry bundle has ${out.length} entries, expected ${width}`);
  return out;
}
