import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnv1a } from './accounts.js';
import { utf8 } from './bytes.js';
import { ReservesError } from './errors.js';
import { emitStoreIndex, parseStoreMeta, ProofStore, storeMeta, type StoreFile } from './store.js';
import { buildLiabilitiesTree } from './tree.js';
import { verifyProof } from './verify.js';
import { seeded, snapshot, table } from './test-util.js';

function memoryStore(rows: [string, bigint[]][], seed = 1) {
  const files = new Map<StoreFile, Uint8Array[]>();
  const emit = (f: StoreFile, b: Uint8Array) => files.set(f, [...(files.get(f) ?? []), b.slice()]);
  const tree = buildLiabilitiesTree(table(rows), { random: seeded(seed), onLevel: (_l, records) => emit('nodes.bin', records) });
  emitStoreIndex(tree, emit);
  const flat = new Map([...files].map(([f, parts]) => [f, Buffer.concat(parts)]));
  const store = new ProofStore(parseStoreMeta(JSON.parse(JSON.stringify(storeMeta(tree)))), (f, o, n) => {
    const b = flat.get(f)!;
    assert.ok(o + n <= b.length, `read past the end of ${f}`);
    return b.subarray(o, o + n);
  });
  return { tree, store };
}

test('the store serves every account the same proof as the in-memory tree', () => {
  const rows: [string, bigint[]][] = Array.from({ length: 300 }, (_, i) => [`acct-${i}-ü`, [BigInt(i), BigInt(i * i)]]);
  const { tree, store } = memoryStore(rows);
  for (const [id] of rows) assert.deepEqual(store.proofFor(id), tree.proofFor(id), id);
  assert.equal(store.find('nobody'), -1);
  assert.throws(() => store.proofFor('nobody'), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_NOT_FOUND');
  const padding = [...tree.leafAccount.keys()].find((p) => tree.leafAccount[p]! >= rows.length)!;
  assert.throws(() => store.proofAt(padding), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_NOT_FOUND');
});

test('the store tells apart ids whose lookup fingerprints collide', () => {
  // u31992 and u605430 share an FNV-1a 32-bit hash (found by search; see the assertion).
  assert.equal(fnv1a(utf8('u31992'), 0, 6), fnv1a(utf8('u605430'), 0, 7));
  const { tree, store } = memoryStore([['u31992', [1n, 0n]], ['u605430', [2n, 0n]], ['x', [3n, 0n]]]);
  assert.equal(store.proofFor('u605430').balances[0], '2');
  assert.equal(store.proofFor('u31992').balances[0], '1');
  assert.deepEqual(store.proofFor('u605430'), tree.proofFor('u605430'));
});

test('store proofs verify against the signed manifest', () => {
  const rows: [string, bigint[]][] = [['a', [1n, 2n]], ['b', [3n, 4n]]];
  const { manifest } = snapshot(rows, { seed: 7 });
  const { store } = memoryStore(rows, 7);
  assert.equal(verifyProof(store.proofFor('b'), manifest).valid, true);
  assert.throws(() => parseStoreMeta({ scheme: 'other' }), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_BAD_STORE');
});
