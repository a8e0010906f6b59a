// Throughput of @keygrade/tlog hashing, tile building and proofs, against baselines in the
// same run. Run: node --conditions=keygrade-source --import tsx bench/tlog-primitives.ts [leaves]
import { createHash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  leafHash,
  nodeHash,
  proveInclusion,
  rootOf,
  TileBuilder,
  tileHashReader,
  TreeHasher,
  verifyConsistency,
  verifyInclusion,
  proveConsistency,
  treeHash,
  type Tile,
} from '@keygrade/tlog';

const N = Number(process.argv[2] ?? 1_000_000);

function time<T>(label: string, f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(9)} ms`);
  return [r, ms];
}

/** Best rate of several interleaved rounds, so one busy moment or JIT state does not decide. */
function rates(n: number, cases: Record<string, () => void>): Record<string, number> {
  const best: Record<string, number> = {};
  for (let round = 0; round < 5; round++) {
    for (const [label, f] of Object.entries(cases)) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) f();
      best[label] = Math.max(best[label] ?? 0, n / ((performance.now() - t0) / 1000));
    }
  }
  for (const [label, v] of Object.entries(best)) console.log(`${label.padEnd(58)} ${Math.round(v).toLocaleString('en').padStart(12)} hashes/s`);
  return best;
}

console.log(`node ${process.version}, ${N.toLocaleString('en')} leaves\n`);

// 1. Node and leaf hashing: one-shot noble vs a reused noble instance vs node:crypto (OpenSSL).
const l = new Uint8Array(32).fill(7);
const r = new Uint8Array(32).fill(9);
const buf65 = new Uint8Array(65);
buf65[0] = 1;
const h = new TreeHasher();
const out = new Uint8Array(32);
const M = 100_000;
const nodeRates = rates(M, {
  'node hash, noble one-shot sha256(0x01||l||r)': () => {
    buf65.set(l, 1);
    buf65.set(r, 33);
    sha256(buf65);
  },
  'node hash, nodeHash (sha256.create per hash)': () => void nodeHash(l, r),
  'node hash, TreeHasher (one reused noble instance)': () => void h.node(l, r, out),
  'node hash, node:crypto createHash (baseline, node only)': () => {
    buf65.set(l, 1);
    buf65.set(r, 33);
    createHash('sha256').update(buf65).digest();
  },
});
const v = Object.values(nodeRates);
console.log(`  TreeHasher / noble one-shot = ${(v[2]! / v[0]!).toFixed(2)}x; TreeHasher / node:crypto = ${(v[2]! / v[3]!).toFixed(2)}x`);
const entry = new TextEncoder().encode(JSON.stringify({ v: 1, ts: '2025-01-01T00:00:00Z', actor: 'user:1234', action: 'assessment.update', object: 'a/1', requestId: 'r-0001', result: 'ok', detailsHash: 'x'.repeat(64) }));
const withPrefix = Uint8Array.of(0, ...entry);
rates(M, {
  [`leaf hash of a ${entry.length}-byte entry, TreeHasher`]: () => void h.leaf(entry, out),
  [`leaf hash of a ${entry.length}-byte entry, one-shot leafHash`]: () => void leafHash(entry),
  [`leaf hash of a ${entry.length}-byte entry, node:crypto`]: () => void createHash('sha256').update(withPrefix).digest(),
});

// 2. A whole log: entries -> leaf hashes -> tiles -> root.
console.log('');
const entries = Array.from({ length: N }, (_, i) => {
  const e = entry.slice();
  e[10] = i & 255;
  e[11] = (i >>> 8) & 255;
  e[12] = (i >>> 16) & 255;
  return e;
});
const [leaves, leafMs] = time(`leaf hashes of ${N.toLocaleString('en')} entries (TreeHasher)`, () => entries.map((e) => h.leaf(e)));
const [built, buildMs] = time(`TileBuilder: ${N.toLocaleString('en')} leaf hashes in batches of 1000`, () => {
  const b = new TileBuilder();
  const tiles = new Map<string, Uint8Array>(); // latest data per tile position
  for (let i = 0; i < N; i += 1000) {
    b.append(leaves.slice(i, i + 1000));
    for (const td of b.takeChangedTiles()) tiles.set(`${td.tile.level}/${td.tile.index}`, td.data);
  }
  return { root: b.root(), tiles };
});
const [oneShotRoot, rootOfMs] = time('rootOf (reference MTH, level by level)', () => rootOf(leaves));
console.log(`  roots agree: ${built.root.every((x, i) => x === oneShotRoot[i])}; ${built.tiles.size} tiles stored; ${Math.round((2 * N) / ((leafMs + buildMs) / 1000)).toLocaleString('en')} hashes/s end to end`);
console.log(`  verify a ${N.toLocaleString('en')}-entry log from its entries (leaf hashes + tiles + root): ${(leafMs + buildMs).toFixed(0)} ms (rootOf alone ${rootOfMs.toFixed(0)} ms)`);

// 3. Proofs served from tiles, and their verification.
const fetch = (tiles: readonly Tile[]): Promise<Uint8Array[]> => Promise.resolve(tiles.map((t) => built.tiles.get(`${t.level}/${t.index}`)!));
const reader = tileHashReader(N, fetch);
const K = 2000;
const idx = Array.from({ length: K }, (_, i) => Math.floor((i * 7919 * 104729) % N));
let t0 = performance.now();
const proofs: Uint8Array[][] = [];
for (const i of idx) proofs.push(await proveInclusion(i, N, reader));
console.log(`${'inclusion proof from tiles (tileHashReader), per proof'.padEnd(58)} ${((performance.now() - t0) / K).toFixed(3).padStart(9)} ms`);
t0 = performance.now();
idx.forEach((i, k) => verifyInclusion(leaves[i]!, i, N, proofs[k]!, built.root));
console.log(`${'verifyInclusion, per proof'.padEnd(58)} ${((performance.now() - t0) / K).toFixed(3).padStart(9)} ms`);
const verified = tileHashReader(N, fetch, { root: built.root });
t0 = performance.now();
await proveInclusion(idx[0]!, N, verified);
console.log(`${'first inclusion proof with tiles checked against the root'.padEnd(58)} ${(performance.now() - t0).toFixed(3).padStart(9)} ms`);
const size1 = Math.floor(N / 3);
t0 = performance.now();
const cproof = await proveConsistency(size1, N, reader);
const t1 = performance.now();
const oldRoot = await treeHash(size1, reader);
const t2 = performance.now();
verifyConsistency(size1, N, cproof, oldRoot, built.root);
const t3 = performance.now();
console.log(`${'consistency proof from tiles'.padEnd(58)} ${(t1 - t0).toFixed(3).padStart(9)} ms`);
console.log(`${'tree hash at an older size from tiles'.padEnd(58)} ${(t2 - t1).toFixed(3).padStart(9)} ms`);
console.log(`${'verifyConsistency'.padEnd(58)} ${(t3 - t2).toFixed(3).padStart(9)} ms`);
