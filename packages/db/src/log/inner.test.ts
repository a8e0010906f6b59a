import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TileBuilder, TreeHasher, leafHash, MemoryTree } from '@keygrade/tlog';
import { NativeTreeHasher, fastLeafHash, tileInner } from './inner.js';

test('property: the native hasher gives the same tiles and roots as the portable one', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 700 }), (entries) => {
      const a = new TileBuilder();
      const b = new TileBuilder({ hasher: new NativeTreeHasher() });
      a.append(entries.map((e) => leafHash(e)));
      b.append(entries.map((e) => fastLeafHash(e)));
      assert.deepEqual(b.root(), a.root());
      assert.deepEqual(b.takeChangedTiles(), a.takeChangedTiles());
    }),
    { numRuns: 40 },
  );
  const h = new TreeHasher();
  const n = new NativeTreeHasher();
  const x = new Uint8Array(32).fill(7);
  assert.deepEqual(n.node(x, x), h.node(x, x));
  assert.deepEqual(n.leaf(x), h.leaf(x));
});

test('inner hashes are the in-tile subtree nodes the proofs need', async () => {
  const entries = Array.from({ length: 300 }, (_, i) => new TextEncoder().encode(`e${i}`));
  const b = new TileBuilder();
  b.append(entries.map((e) => leafHash(e)));
  const tile0 = b.takeChangedTiles().find((t) => t.tile.level === 0 && t.tile.index === 0)!;
  const inner = tileInner(tile0.data, 256);
  const mem = new MemoryTree();
  mem.appendAll(entries.map((e) => leafHash(e)));
  // Level-k node p of tile 0 is stored at OFFSET[k] + p; check a few against the reference tree.
  const offset = [0, 0, 128, 192, 224, 240, 248, 252];
  for (const [k, p] of [[1, 0], [1, 127], [3, 5], [7, 1]] as const) {
    assert.deepEqual(inner.subarray((offset[k]! + p) * 32, (offset[k]! + p + 1) * 32), mem.node({ level: k, index: p }));
  }
});
