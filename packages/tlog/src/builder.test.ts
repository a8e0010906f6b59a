import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TileBuilder, treeHashFromTiles } from './builder.js';
import { emptyRoot, HASH_SIZE, rootOf } from './hash.js';
import { MemoryTree } from './prove.js';
import { leaves, tlogCode } from './test-util.js';
import { partialTilesForSize, tilesForSize, type Tile, type TileData } from './tiles.js';

const N = 70000;
const ls = leaves(N, 7);
const tree = new MemoryTree();
tree.appendAll(ls);

/** The tiles of the tree of `size`, built from scratch out of the tree's node hashes. */
function scratchTiles(size: number): Map<string, TileData> {
  const out = new Map<string, TileData>();
  for (const t of tilesForSize(size)) {
    const data = new Uint8Array(t.width * HASH_SIZE);
    for (let i = 0; i < t.width; i++) data.set(tree.node({ level: 8 * t.level, index: t.index * 256 + i }), i * HASH_SIZE);
    out.set(`${t.level}/${t.index}`, { tile: t, data });
  }
  return out;
}

const key = (t: Tile): string => `${t.level}/${t.index}`;

/** Appends ls[from..to) in the given batch sizes, collecting the latest version of every tile. */
function build(b: TileBuilder, from: number, to: number, batches: number[], seen = new Map<string, TileData>()): Map<string, TileData> {
  let at = from;
  let k = 0;
  while (at < to) {
    const n = Math.min(to - at, batches.length ? batches[k++ % batches.length]! : to - at);
    b.append(ls.slice(at, at + n));
    at += n;
    // Take after some batches only, so tiles that change twice between takes are covered too.
    if (k % 2 === 0 || at === to) for (const td of b.takeChangedTiles()) seen.set(key(td.tile), td);
  }
  return seen;
}

test('property: random batch splits give the tiles and root of a from-scratch build and of rootOf', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 8 }), (size, batches) => {
      const b = new TileBuilder();
      const got = build(b, 0, size, batches);
      assert.equal(b.size, size);
      assert.deepEqual(b.root(), size === 0 ? emptyRoot() : tree.root(size));
      assert.deepEqual(new Map([...got].sort()), new Map([...scratchTiles(size)].sort()));
    }),
    { numRuns: 40 },
  );
});

test('70,000 leaves in uneven batches: tiles and root match a one-shot build, rootOf and MemoryTree', () => {
  const one = new TileBuilder();
  one.append(ls);
  const oneShot = new Map(one.takeChangedTiles().map((td) => [key(td.tile), td]));
  const b = new TileBuilder();
  const split = build(b, 0, N, [1, 255, 256, 257, 4000, 3, 65536]);
  assert.deepEqual(new Map([...split].sort()), new Map([...oneShot].sort()));
  assert.deepEqual(new Map([...split].sort()), new Map([...scratchTiles(N)].sort()));
  assert.deepEqual(b.root(), rootOf(ls));
  assert.deepEqual(one.root(), tree.root());
});

test('property: resume from the partial tiles continues exactly like an uninterrupted build', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 1, max: 3000 }), (a, b, batch) => {
      const [mid, size] = a <= b ? [a, b] : [b, a];
      const first = new TileBuilder();
      first.append(ls.slice(0, mid));
      const partial = first.partialTiles();
      assert.deepEqual(partial.map((td) => td.tile), partialTilesForSize(mid));
      const resumed = TileBuilder.resume(mid, [...partial].reverse(), mid === 0 ? emptyRoot() : tree.root(mid));
      assert.deepEqual(resumed.takeChangedTiles(), [], 'nothing changed yet');
      const seen = build(resumed, mid, size, [batch]);
      const want = scratchTiles(size);
      for (const t of tilesForSize(size, mid)) assert.deepEqual(seen.get(key(t)), want.get(key(t)), `tile ${key(t)}`);
      assert.equal(seen.size, tilesForSize(size, mid).length, 'only tiles that changed');
      assert.deepEqual(resumed.root(), size === 0 ? emptyRoot() : tree.root(size));
      assert.deepEqual(treeHashFromTiles(size, resumed.partialTiles()), resumed.root());
    }),
    { numRuns: 30 },
  );
});

test('resume refuses tiles that do not fit the size or root', () => {
  const size = 70000;
  const b = new TileBuilder();
  b.append(ls);
  const tiles = b.partialTiles();
  assert.deepEqual(TileBuilder.resume(size, tiles, tree.root()).root(), tree.root());
  assert.throws(() => TileBuilder.resume(size, tiles.slice(1)), tlogCode('TLOG_BUILDER_STATE'));
  assert.throws(() => TileBuilder.resume(size, [...tiles, tiles[0]!]), tlogCode('TLOG_BUILDER_STATE'));
  assert.throws(() => TileBuilder.resume(size, [...tiles, { tile: { level: 0, index: 0, width: 256 }, data: new Uint8Array(8192) }]), tlogCode('TLOG_BUILDER_STATE'));
  assert.throws(() => TileBuilder.resume(size + 1, tiles), tlogCode('TLOG_BUILDER_STATE'));
  const shortData = tiles.map((td, i) => (i === 0 ? { ...td, data: td.data.subarray(32) } : td));
  assert.throws(() => TileBuilder.resume(size, shortData), tlogCode('TLOG_BUILDER_STATE'));
  const changed = tiles.map((td, i) => (i === 1 ? { ...td, data: td.data.map((x, j) => (j === 0 ? x ^ 1 : x)) } : td));
  assert.throws(() => TileBuilder.resume(size, changed, tree.root()), tlogCode('TLOG_BUILDER_STATE'));
  assert.throws(() => b.append([new Uint8Array(31)]), tlogCode('TLOG_HASH_LENGTH'));
  assert.equal(b.size, size, 'a refused batch appends nothing');
});

test('takeChangedTiles hands over each change once, lowest level first', () => {
  const b = new TileBuilder();
  b.append(ls.slice(0, 300));
  const first = b.takeChangedTiles();
  assert.deepEqual(first.map((td) => td.tile), [
    { level: 0, index: 0, width: 256 },
    { level: 0, index: 1, width: 44 },
    { level: 1, index: 0, width: 1 },
  ]);
  assert.deepEqual(b.takeChangedTiles(), []);
  b.append(ls.slice(300, 301));
  assert.deepEqual(b.takeChangedTiles().map((td) => td.tile), [{ level: 0, index: 1, width: 45 }]);
  b.append([]);
  assert.deepEqual(b.takeChangedTiles(), []);
});
