import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { emptyRoot, HASH_SIZE, leafHash, nodeHash, rootOf, TreeHasher } from './hash.js';
import { fromHex, leaves, NO_VECTORS, readJson, refRoot, tlogCode, toHex, vectorsDir } from './test-util.js';

interface TreeConstants {
  leaves: { index: number; input_hex: string; leaf_hash_hex: string }[];
  node_hashes: { levels: string[][] };
  roots: { tree_size: number; root_hex: string }[];
  hasher_unit_values: { desc: string; hex: string }[];
}

function constants(): TreeConstants | undefined {
  const d = vectorsDir();
  return d ? (readJson(join(d, 'rfc9162', 'tree-constants.json')) as TreeConstants) : undefined;
}

test('tree-constants.json: leaf hashes of the 8 reference leaves', (t) => {
  const c = constants();
  if (!c) return t.skip(NO_VECTORS);
  for (const l of c.leaves) assert.equal(toHex(leafHash(fromHex(l.input_hex))), l.leaf_hash_hex, `leaf ${l.index}`);
});

test('tree-constants.json: node hashes per level and roots for sizes 0..8', (t) => {
  const c = constants();
  if (!c) return t.skip(NO_VECTORS);
  const ls = c.leaves.map((l) => leafHash(fromHex(l.input_hex)));
  c.node_hashes.levels.forEach((row, level) => {
    row.forEach((h, i) => assert.equal(toHex(rootOf(ls.slice(i * 2 ** level, (i + 1) * 2 ** level))), h, `level ${level} node ${i}`));
  });
  assert.equal(c.roots.length, 9);
  for (const r of c.roots) assert.equal(toHex(rootOf(ls.slice(0, r.tree_size))), r.root_hex, `root of size ${r.tree_size}`);
});

test('tree-constants.json: hasher unit values (empty root, leaf, node of raw bytes)', (t) => {
  const c = constants();
  if (!c) return t.skip(NO_VECTORS);
  const [empty, leafEmpty, leafL123456, nodeN] = c.hasher_unit_values;
  const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
  assert.equal(toHex(emptyRoot()), empty!.hex);
  assert.equal(toHex(leafHash(new Uint8Array(0))), leafEmpty!.hex);
  assert.equal(toHex(leafHash(ascii('L123456'))), leafL123456!.hex);
  assert.equal(toHex(nodeHash(ascii('N123'), ascii('N456'))), nodeN!.hex);
});

test('empty root is SHA-256 of the empty string (figure from FIPS 180-4 examples)', () => {
  assert.equal(toHex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(emptyRoot().length, HASH_SIZE);
});

test('TreeHasher reuse gives the same hashes as the one-shot functions, into given buffers too', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 20 }), (entries) => {
      const h = new TreeHasher();
      let acc = new Uint8Array(32);
      for (const e of entries) {
        const l = h.leaf(e);
        assert.deepEqual(l, leafHash(e));
        assert.deepEqual(l, sha256(Uint8Array.of(0, ...e)));
        const want = nodeHash(acc, l);
        const out = new Uint8Array(32);
        assert.equal(h.node(acc, l, out), out);
        assert.deepEqual(out, want);
        // Output into one of the inputs is allowed (inputs are consumed before the digest).
        h.node(acc, l, acc);
        assert.deepEqual(acc, want);
        acc = out;
        // The pair form hashes two adjacent hashes in one buffer, also in place.
        const pair = Uint8Array.of(...acc, ...l);
        assert.deepEqual(h.nodeOfPair(pair), nodeHash(acc, l));
        h.nodeOfPair(pair, pair.subarray(0, 32));
        assert.deepEqual(pair.subarray(0, 32), nodeHash(acc, l));
      }
    }),
  );
});

test('rootOf equals the recursive RFC 9162 MTH for every size up to 300', () => {
  const ls = leaves(300);
  for (let n = 1; n <= 300; n++) assert.deepEqual(rootOf(ls.slice(0, n)), refRoot(ls.slice(0, n)), `size ${n}`);
  assert.deepEqual(rootOf([]), emptyRoot());
});

test('rootOf does not modify its input and copies a single leaf', () => {
  const ls = leaves(7);
  const before = ls.map((l) => l.slice());
  rootOf(ls);
  assert.deepEqual(ls, before);
  const one = rootOf([ls[0]!]);
  assert.notEqual(one, ls[0]);
  assert.deepEqual(one, ls[0]);
});

test('rootOf refuses leaf hashes that are not 32 bytes', () => {
  assert.throws(() => rootOf([new Uint8Array(32), new Uint8Array(31)]), tlogCode('TLOG_HASH_LENGTH'));
});
