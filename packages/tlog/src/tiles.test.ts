import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HASH_SIZE } from './hash.js';
import { MemoryTree, proveConsistency, proveInclusion, treeHash } from './prove.js';
import { leaves, tlogCode } from './test-util.js';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  parseTilePath,
  partialTilesForSize,
  tileForNode,
  tileHashReader,
  tilePath,
  tilesForSize,
  tileWidthAt,
  type Tile,
} from './tiles.js';

test('tile paths: figures from C2SP tlog-tiles', () => {
  // "index 1234067 will be encoded as x001/x234/067"
  assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
  assert.equal(tilePath({ level: 0, index: 1234, width: 5 }), 'tile/0/x001/234.p/5');
  assert.equal(tilePath({ level: 3, index: 0, width: 256 }), 'tile/3/000');
  assert.equal(tilePath({ level: 1, index: 1000, width: 255 }), 'tile/1/x001/000.p/255');
  assert.equal(entriesPath(1234067), 'tile/entries/x001/x234/067');
  assert.equal(entriesPath(7, 9), 'tile/entries/007.p/9');
  assert.throws(() => tilePath({ level: 0, index: 0, width: 0 }), tlogCode('TLOG_INVALID_ARGUMENT'));
  assert.throws(() => tilePath({ level: 0, index: 0, width: 257 }), tlogCode('TLOG_INVALID_ARGUMENT'));
  assert.throws(() => tilePath({ level: 64, index: 0, width: 1 }), tlogCode('TLOG_INVALID_ARGUMENT'));
});

test('property: parseTilePath inverts tilePath and entriesPath', () => {
  fc.assert(
    fc.property(fc.nat(63), fc.maxSafeNat(), fc.integer({ min: 1, max: 256 }), (level, index, width) => {
      assert.deepEqual(parseTilePath(tilePath({ level, index, width })), { kind: 'hashes', tile: { level, index, width } });
      assert.deepEqual(parseTilePath(entriesPath(index, width)), { kind: 'entries', index, width });
    }),
  );
});

test('parseTilePath rejects every non-canonical form', () => {
  for (const p of [
    '/tile/0/000',
    'tile/0/000/',
    'tile/00/000',
    'tile/01/000',
    'tile/64/000',
    'tile/0/0',
    'tile/0/0001',
    'tile/0/x000/001',
    'tile/0/x001',
    'tile/0/001/002',
    'tile/0/X001/002',
    'tile/0/000.p/0',
    'tile/0/000.p/007',
    'tile/0/000.p/256',
    'tile/0/000.p/999',
    'tile/0/000.p/',
    'tile/entries/000.p/256',
    'tile/entries/x000/000',
    'tile/data/000',
    'tile/-1/000',
    'tile/0/x009/x007/x199/x254/x740/x993/000',
  ]) {
    assert.throws(() => parseTilePath(p), tlogCode('TLOG_TILE_PATH'), p);
  }
});

test('tilesForSize: the 70,000 and 256 examples of C2SP tlog-tiles', () => {
  const count = (tiles: Tile[], level: number, full: boolean): Tile[] => tiles.filter((t) => t.level === level && (t.width === 256) === full);
  const t = tilesForSize(70000);
  assert.equal(count(t, 0, true).length, 273);
  assert.deepEqual(count(t, 0, false), [{ level: 0, index: 273, width: 112 }]);
  assert.equal(count(t, 1, true).length, 1);
  assert.deepEqual(count(t, 1, false), [{ level: 1, index: 1, width: 17 }]);
  assert.deepEqual(count(t, 2, false), [{ level: 2, index: 0, width: 1 }]);
  assert.equal(t.length, 273 + 1 + 1 + 1 + 1);
  assert.deepEqual(tilesForSize(256), [
    { level: 0, index: 0, width: 256 },
    { level: 1, index: 0, width: 1 },
  ]);
  assert.deepEqual(partialTilesForSize(70000), [
    { level: 0, index: 273, width: 112 },
    { level: 1, index: 1, width: 17 },
    { level: 2, index: 0, width: 1 },
  ]);
  assert.deepEqual(tilesForSize(0), []);
  assert.deepEqual(partialTilesForSize(65536), [{ level: 2, index: 0, width: 1 }]);
});

test('property: tilesForSize(new, old) is exactly the tiles that differ between the two trees', () => {
  fc.assert(
    fc.property(fc.nat(200000), fc.nat(200000), (a, b) => {
      const [old, size] = a <= b ? [a, b] : [b, a];
      const key = (t: Tile): string => `${t.level}/${t.index}/${t.width}`;
      const before = new Set(tilesForSize(old).map(key));
      const want = tilesForSize(size).filter((t) => !before.has(key(t)));
      assert.deepEqual(tilesForSize(size, old), want);
    }),
    { numRuns: 60 },
  );
});

test('tileForNode: where nodes live', () => {
  assert.deepEqual(tileForNode({ level: 0, index: 300 }), { tile: { level: 0, index: 1, width: 256 }, offset: 44, count: 1 });
  assert.deepEqual(tileForNode({ level: 9, index: 3 }), { tile: { level: 1, index: 0, width: 256 }, offset: 6, count: 2 });
  assert.deepEqual(tileForNode({ level: 8, index: 0 }, 256), { tile: { level: 1, index: 0, width: 1 }, offset: 0, count: 1 });
  assert.deepEqual(tileForNode({ level: 7, index: 1 }, 256), { tile: { level: 0, index: 0, width: 256 }, offset: 128, count: 128 });
  assert.deepEqual(tileForNode({ level: 2, index: 27 }, 112), { tile: { level: 0, index: 0, width: 112 }, offset: 108, count: 4 });
  assert.throws(() => tileForNode({ level: 3, index: 14 }, 119), tlogCode('TLOG_INDEX_OUT_OF_RANGE'));
  assert.equal(tileWidthAt(1, 1, 70000), 17);
  assert.equal(tileWidthAt(1, 2, 70000), 0);
});

// One tree of 70,000 leaves; its full subtrees serve every smaller size too.
const N = 70000;
const tree = new MemoryTree();
tree.appendAll(leaves(N));

/** Tile data straight from the tree's node hashes, independently of the tile builder. */
function tileData(t: Tile): Uint8Array {
  const out = new Uint8Array(t.width * HASH_SIZE);
  for (let i = 0; i < t.width; i++) out.set(tree.node({ level: 8 * t.level, index: t.index * 256 + i }), i * HASH_SIZE);
  return out;
}

function fetcher(log: Tile[][] = [], tamper?: (t: Tile, d: Uint8Array) => Uint8Array) {
  return (tiles: readonly Tile[]): Promise<Uint8Array[]> => {
    log.push([...tiles]);
    return Promise.resolve(tiles.map((t) => (tamper ? tamper(t, tileData(t)) : tileData(t))));
  };
}

test('property: tileHashReader proofs equal MemoryTree proofs, with and without root checks', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: N }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1), fc.integer({ min: 1, max: size }), fc.boolean())),
      async ([size, i, m, verify]) => {
        const calls: Tile[][] = [];
        const r = tileHashReader(size, fetcher(calls), verify ? { root: tree.root(size) } : {});
        assert.deepEqual(await proveInclusion(i, size, r), tree.inclusionProof(i, size));
        assert.deepEqual(await proveConsistency(m, size, r), tree.consistencyProof(m, size));
        assert.deepEqual(await treeHash(size, r), tree.root(size));
        assert.ok(calls.length <= 3, 'one fetch per readHashes');
        for (const batch of calls) for (const t of batch) assert.equal(t.width, tileWidthAt(t.level, t.index, size));
      },
    ),
    { numRuns: 60 },
  );
});

test('tileHashReader with a root: authenticated tiles are kept, so later reads fetch less', async () => {
  const calls: Tile[][] = [];
  const r = tileHashReader(N, fetcher(calls), { root: tree.root(N) });
  await proveInclusion(5, N, r);
  // The level-0 tile, its parent chain (level 1, then partial level 2) and the partial tiles.
  assert.deepEqual(calls[0]!.map(tilePath).sort(), ['tile/0/000', 'tile/0/273.p/112', 'tile/1/000', 'tile/1/001.p/17', 'tile/2/000.p/1'].sort());
  await proveInclusion(6, N, r);
  assert.equal(calls.length, 1, 'nothing new to fetch');
  await proveInclusion(700, N, r);
  assert.deepEqual(calls[1]!.map(tilePath), ['tile/0/002']);
});

test('tileHashReader keeps up to cacheTiles tiles, trusted or not', async () => {
  for (const [cacheTiles, fetches] of [
    [undefined, 1],
    [0, 2],
  ] as const) {
    const calls: Tile[][] = [];
    const r = tileHashReader(N, fetcher(calls), cacheTiles === undefined ? {} : { cacheTiles });
    assert.deepEqual(await proveInclusion(9, N, r), tree.inclusionProof(9, N));
    assert.deepEqual(await proveInclusion(10, N, r), tree.inclusionProof(10, N));
    assert.equal(calls.length, fetches);
  }
  // With a root and a tiny cache, evicted tiles are fetched and authenticated again.
  const calls: Tile[][] = [];
  const r = tileHashReader(N, fetcher(calls), { root: tree.root(N), cacheTiles: 2 });
  for (const i of [5, 700, 69999, 5]) assert.deepEqual(await proveInclusion(i, N, r), tree.inclusionProof(i, N));
  assert.equal(calls.length, 4);
});

test('tileHashReader with a root rejects any changed tile, and wrong lengths always', async () => {
  const size = 70000;
  const root = tree.root(size);
  for (const target of ['tile/0/000', 'tile/0/273.p/112', 'tile/1/000', 'tile/1/001.p/17', 'tile/2/000.p/1']) {
    const r = tileHashReader(size, fetcher([], (t, d) => (tilePath(t) === target ? (d[d.length - 1]! ^= 1, d) : d)), { root });
    await assert.rejects(proveInclusion(5, size, r), tlogCode('TLOG_TILE_MISMATCH'), target);
  }
  const short = tileHashReader(size, fetcher([], (t, d) => d.subarray(32)));
  await assert.rejects(proveInclusion(5, size, short), tlogCode('TLOG_TILE_DATA'));
  const none = tileHashReader(size, () => Promise.resolve([]));
  await assert.rejects(proveInclusion(5, size, none), tlogCode('TLOG_TILE_DATA'));
  // A full tile served for a partial one (the tlog-tiles fallback) is accepted.
  const served: number[] = [];
  const fallback = tileHashReader(
    69000,
    fetcher([], (t, d) => {
      if (t.width === 256 || t.level > 0) return d;
      served.push(t.width);
      return tileData({ ...t, width: 256 });
    }),
    { root: tree.root(69000) },
  );
  assert.deepEqual(await proveInclusion(68999, 69000, fallback), tree.inclusionProof(68999, 69000));
  assert.deepEqual(served, [69000 % 256]);
});

test('property: entry bundles round trip', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 256 }), (entries) => {
      const data = encodeEntryBundle(entries);
      assert.deepEqual(decodeEntryBundle(data, entries.length), entries);
      assert.deepEqual(decodeEntryBundle(data), entries);
    }),
    { numRuns: 50 },
  );
});

test('entry bundles: limits and malformed input', () => {
  const big = new Uint8Array(65535);
  assert.equal(decodeEntryBundle(encodeEntryBundle([big]))[0]!.length, 65535);
  assert.throws(() => encodeEntryBundle([new Uint8Array(65536)]), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.throws(() => encodeEntryBundle([]), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.throws(() => encodeEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(1))), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.throws(() => decodeEntryBundle(Uint8Array.of(0)), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.throws(() => decodeEntryBundle(Uint8Array.of(0, 3, 1, 2)), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.throws(() => decodeEntryBundle(new Uint8Array(0)), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.throws(() => decodeEntryBundle(Uint8Array.of(0, 1, 9), 2), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.throws(() => decodeEntryBundle(new Uint8Array(2 * 257)), tlogCode('TLOG_ENTRY_BUNDLE'));
  assert.deepEqual(decodeEntryBundle(Uint8Array.of(0, 0, 0, 2, 7, 8)), [new Uint8Array(0), Uint8Array.of(7, 8)]);
});
