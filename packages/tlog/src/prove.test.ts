import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { emptyRoot, rootOf } from './hash.js';
import { verifyConsistency, verifyInclusion } from './proof.js';
import { MemoryTree, planConsistency, planInclusion, planTreeHash, proveConsistency, proveInclusion, treeHash, type HashReader, type NodeId } from './prove.js';
import { leaves, refPath, refSubproof, tlogCode } from './test-util.js';

/** A reader over a leaf list that computes node hashes from scratch and records each call. */
function recordingReader(ls: readonly Uint8Array[], size: number): HashReader & { calls: NodeId[][] } {
  const calls: NodeId[][] = [];
  return {
    calls,
    readHashes(nodes) {
      calls.push([...nodes]);
      return Promise.resolve(
        nodes.map((n) => {
          const start = n.index * 2 ** n.level;
          const end = start + 2 ** n.level;
          // Only full subtrees inside the tree may be asked for.
          assert.ok(end <= size, `node (${n.level}, ${n.index}) reaches beyond tree size ${size}`);
          return rootOf(ls.slice(start, end));
        }),
      );
    },
  };
}

test('property: generated proofs equal the RFC 9162 reference, with one readHashes call of full subtrees', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 150 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.integer({ min: 1, max: n }))),
      async ([n, i, m]) => {
        const ls = leaves(n);
        let r = recordingReader(ls, n);
        assert.deepEqual(await proveInclusion(i, n, r), refPath(i, ls));
        assert.ok(r.calls.length <= 1);
        r = recordingReader(ls, n);
        assert.deepEqual(await proveConsistency(m, n, r), m === n ? [] : refSubproof(m, ls, true));
        assert.ok(r.calls.length <= 1);
        r = recordingReader(ls, n);
        assert.deepEqual(await treeHash(n, r), rootOf(ls));
        assert.equal(r.calls.length, 1);
      },
    ),
    { numRuns: 200 },
  );
});

test('property: any tree is consistent with each of its earlier sizes (MemoryTree proofs verify)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 130 }), fc.nat(255), (n, salt) => {
      const t = new MemoryTree();
      const ls = leaves(n, salt);
      t.appendAll(ls);
      const root = t.root();
      assert.deepEqual(root, rootOf(ls));
      for (let m = 1; m <= n; m++) {
        assert.deepEqual(t.root(m), rootOf(ls.slice(0, m)));
        verifyConsistency(m, n, t.consistencyProof(m), t.root(m), root);
      }
      for (let i = 0; i < n; i++) verifyInclusion(ls[i]!, i, n, t.inclusionProof(i), root);
    }),
    { numRuns: 25 },
  );
});

test('MemoryTree: proofs for earlier sizes, async reader use, and bounds', async () => {
  const ls = leaves(21);
  const t = new MemoryTree();
  assert.deepEqual(t.root(), emptyRoot());
  assert.equal(t.appendAll(ls.slice(0, 10)), 0);
  assert.equal(t.append(ls[10]!), 10);
  t.appendAll(ls.slice(11));
  assert.equal(t.size, 21);
  assert.deepEqual(t.inclusionProof(3, 13), refPath(3, ls.slice(0, 13)));
  assert.deepEqual(t.consistencyProof(5, 13), refSubproof(5, ls.slice(0, 13), true));
  assert.deepEqual(await proveInclusion(3, 13, t), refPath(3, ls.slice(0, 13)));
  assert.deepEqual(await treeHash(21, t), rootOf(ls));
  assert.throws(() => t.root(22), tlogCode('TLOG_INDEX_OUT_OF_RANGE'));
  assert.throws(() => t.inclusionProof(21), tlogCode('TLOG_INDEX_OUT_OF_RANGE'));
  assert.throws(() => t.node({ level: 5, index: 0 }), tlogCode('TLOG_INDEX_OUT_OF_RANGE'));
  await assert.rejects(t.readHashes([{ level: 2, index: 5 }]), tlogCode('TLOG_INDEX_OUT_OF_RANGE'));
  assert.throws(() => t.append(new Uint8Array(31)), tlogCode('TLOG_HASH_LENGTH'));
  // Appended hashes are copied.
  const h = ls[0]!.slice();
  const u = new MemoryTree();
  u.append(h);
  h.fill(0);
  assert.deepEqual(u.root(), ls[0]);
});

test('plans ask only for full subtrees, and the right ones for a large tree', () => {
  // Size 2^40 + 5 = a 2^40 subtree, then 4 + 1 leaves.
  const size = 2 ** 40 + 5;
  assert.deepEqual(planTreeHash(size).nodes, [
    { level: 40, index: 0 },
    { level: 2, index: 2 ** 38 },
    { level: 0, index: 2 ** 40 + 4 },
  ]);
  const p = planInclusion(2 ** 40 + 4, size);
  assert.deepEqual(p.nodes, [
    { level: 2, index: 2 ** 38 },
    { level: 40, index: 0 },
  ]);
  assert.equal(planConsistency(0, size).nodes.length, 0);
  assert.equal(planConsistency(size, size).nodes.length, 0);
  assert.throws(() => planConsistency(6, 5), tlogCode('TLOG_SIZE_ORDER'));
  assert.throws(() => planInclusion(5, 5), tlogCode('TLOG_INDEX_OUT_OF_RANGE'));
});

test('a reader that returns the wrong number or size of hashes is refused', async () => {
  const bad = (hashes: Uint8Array[]): HashReader => ({ readHashes: () => Promise.resolve(hashes) });
  await assert.rejects(proveInclusion(0, 8, bad([])), tlogCode('TLOG_HASH_READER'));
  await assert.rejects(proveInclusion(0, 8, bad([new Uint8Array(32), new Uint8Array(32), new Uint8Array(31)])), tlogCode('TLOG_HASH_READER'));
});
