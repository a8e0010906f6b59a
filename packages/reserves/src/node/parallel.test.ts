import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../bytes.js';
import { ReservesError } from '../errors.js';
import { buildLiabilitiesTree, hashLevelRange, type LiabilitiesTree } from '../tree.js';
import { emitStoreIndex, ProofStore, storeMeta, type StoreFile } from '../store.js';
import { AccountTable } from '../accounts.js';
import { ASSETS, seeded, table } from '../test-util.js';
import { manifestBody } from '../manifest.js';
import { verifyInclusion } from '../verify.js';
import { buildLiabilitiesTreeParallel, startHashingWorkers, type ParallelTreeOptions } from './parallel.js';
import { HASHING_MODES } from './test-modes.js';

for (const m of HASHING_MODES) {
  test(`[${m.name}] the parallel builder gives the same tree as the portable one (same seed)`, { skip: m.skip }, async () => {
    // Small jobs, so every level but the top ones is spread over several worker jobs.
    const rows: [string, bigint[]][] = Array.from({ length: 5000 }, (_, i) => [`acct-${i}`, [BigInt(i % 977), BigInt(i) * 3n]]);
    const t = table(rows);
    const seq = buildLiabilitiesTree(t, { random: seeded('par'), hash: (m) => hash('sha256', m, 'buffer') });
    let progress = 0;
    const par = await buildLiabilitiesTreeParallel(t, { native: m.native, random: seeded('par'), workers: 2, jobSize: 256, stageSize: 5, onProgress: (d) => (progress = d) });
    assert.equal(toHex(par.root), toHex(seq.root));
    assert.deepEqual(par.totals, seq.totals);
    assert.equal(progress, t.count + seq.levels!.reduce((n, l) => n + l.length / 64, 0), 'progress counts every hash');
    for (let l = 0; l <= seq.height; l++) assert.ok(Buffer.from(par.levels![l]!).equals(Buffer.from(seq.levels![l]!)), `level ${l}`);
    assert.deepEqual(par.proofFor('acct-1234'), seq.proofFor('acct-1234'));
  });

  test(`[${m.name}] a shared table gives the same tree too, and can release its balances`, { skip: m.skip }, async () => {
    const rows: [string, bigint[]][] = Array.from({ length: 3000 }, (_, i) => [`é-${i}`, [BigInt(i), 7n]]);
    const privateTable = table(rows);
    const sharedTable = new AccountTable(ASSETS, { shared: true });
    for (let a = 0; a < privateTable.count; a++) sharedTable.add(privateTable.id(a), privateTable.balances(a));
    const seq = buildLiabilitiesTree(privateTable, { random: seeded('shared') });
    const par = await buildLiabilitiesTreeParallel(sharedTable, { native: m.native, random: seeded('shared'), workers: 2, jobSize: 200, releaseBalances: true });
    assert.equal(toHex(par.root), toHex(seq.root));
    assert.equal(sharedTable.balancesReleased, true);
    assert.deepEqual(par.proofFor('é-2999'), seq.proofFor('é-2999'));
  });

  test(`[${m.name}] ids inline in a shared table's chunks (up to 24 bytes) and in the arena (longer) give the portable tree, whole levels and blocks alike`, { skip: m.skip }, async () => {
    // Lengths around the inline limit, multibyte characters, and ids up to the 1024-byte maximum.
    const lengths = [8, 23, 24, 25, 60, 1024];
    const idOf = (i: number) => {
      const base = `${i % 5 === 0 ? 'ü' : 'k'}${i}-`;
      return base + 'k'.repeat(lengths[i % 6]! - Buffer.byteLength(base));
    };
    const rows: [string, bigint[]][] = Array.from({ length: 2500 }, (_, i) => [idOf(i), [BigInt(i), BigInt(i % 13)]]);
    assert.ok(rows.some(([id]) => Buffer.byteLength(id) === 24) && rows.some(([id]) => Buffer.byteLength(id) === 25) && rows.some(([id]) => Buffer.byteLength(id) === 1024));
    const privateTable = table(rows);
    const seq = buildLiabilitiesTree(privateTable, { random: seeded('inline') });
    for (const blockLeaves of [1, 256]) {
      const sharedTable = new AccountTable(ASSETS, { shared: true });
      for (let a = 0; a < privateTable.count; a++) sharedTable.add(privateTable.id(a), privateTable.balances(a));
      const par = await buildLiabilitiesTreeParallel(sharedTable, { native: m.native, random: seeded('inline'), workers: 2, jobSize: 512, keepLevels: false, blockLeaves });
      assert.equal(toHex(par.root), toHex(seq.root), `blocks of ${blockLeaves}`);
    }
  });

  test(`[${m.name}] the parallel builder reports overflow like the portable one`, { skip: m.skip }, async () => {
    // 64 accounts of 2^127 each: any two real sibling leaves overflow on level 1, hashed by workers.
    const rows: [string, bigint[]][] = Array.from({ length: 64 }, (_, i) => [`a${i}`, [0n, 1n << 127n]]);
    await assert.rejects(buildLiabilitiesTreeParallel(table(rows), { native: m.native, random: seeded(1), workers: 2, jobSize: 4 }), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_OVERFLOW' && /ETH/.test(e.message));
  });

  test(`[${m.name}] four assets (96-byte records) give the same tree on worker threads, with padding leaves in every job`, { skip: m.skip }, async () => {
    const assets = [...ASSETS, { symbol: 'USDT', decimals: 6 }, { symbol: 'SOL', decimals: 9 }];
    const rows: [string, bigint[]][] = Array.from({ length: 1100 }, (_, i) => [`u${i}`, [BigInt(i), (1n << 126n) / 4096n + BigInt(i), 0n, 2n ** 64n - 1n + BigInt(i)]]);
    const t = table(rows, assets);
    const shared4 = new AccountTable(assets, { shared: true });
    for (let a = 0; a < t.count; a++) shared4.add(t.id(a), t.balances(a));
    const seq = buildLiabilitiesTree(t, { random: seeded('four') });
    const par = await buildLiabilitiesTreeParallel(shared4, { native: m.native, random: seeded('four'), workers: 2, jobSize: 16, stageSize: 3 });
    assert.equal(toHex(par.root), toHex(seq.root));
    for (let l = 0; l <= seq.height; l++) assert.ok(Buffer.from(par.levels![l]!).equals(Buffer.from(seq.levels![l]!)), `level ${l}`);
  });

  test(`[${m.name}] without kept levels, a level reuses the memory of the level two below only after its consumer is done with it`, { skip: m.skip }, async () => {
    const rows: [string, bigint[]][] = Array.from({ length: 4000 }, (_, i) => [`r${i}`, [BigInt(i), BigInt(4000 - i)]]);
    const t = table(rows);
    const seq = buildLiabilitiesTree(t, { random: seeded('reuse'), hash: (m) => hash('sha256', m, 'buffer') });
    // A slow asynchronous consumer (like the CLI's file writer) copies each level late: had the
    // builder overwritten a level before the consumer's promise settled, the copy would differ.
    const late: Uint8Array[] = [];
    const pending: Promise<void>[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const par = await buildLiabilitiesTreeParallel(t, { native: m.native,
      random: seeded('reuse'),
      workers: 2,
      jobSize: 64,
      keepLevels: false,
      onLevel: (l, records) => {
        buffers.add(records.buffer);
        const p = new Promise<void>((resolve) => setTimeout(() => {
          late[l] = records.slice();
          resolve();
        }, 20));
        pending.push(p);
        return p;
      },
    });
    await Promise.all(pending);
    assert.equal(toHex(par.root), toHex(seq.root));
    for (let l = 0; l <= seq.height; l++) assert.ok(Buffer.from(late[l]!).equals(Buffer.from(seq.levels![l]!)), `level ${l}`);
    // A synchronous consumer sees every level as it is handed over, and the worker levels share memory.
    const sync: Uint8Array[] = [];
    await buildLiabilitiesTreeParallel(t, { native: m.native, random: seeded('reuse'), workers: 2, jobSize: 64, keepLevels: false, onLevel: (l, records) => void (sync[l] = records.slice()) });
    for (let l = 0; l <= seq.height; l++) assert.ok(Buffer.from(sync[l]!).equals(Buffer.from(seq.levels![l]!)), `sync level ${l}`);
    assert.ok(buffers.size < seq.height + 1, `levels share buffers (${buffers.size} buffers for ${seq.height + 1} levels)`);
  });

  test(`[${m.name}] with the platform CSPRNG the workers draw the salts: fresh, distinct, and every proof verifies`, { skip: m.skip }, async () => {
    const rows: [string, bigint[]][] = Array.from({ length: 3000 }, (_, i) => [`c${i}`, [BigInt(i), 1n]]);
    const t = table(rows);
    const build = () => buildLiabilitiesTreeParallel(t, { native: m.native, workers: 2, jobSize: 128, stageSize: 7 });
    const [a, b] = [await build(), await build()];
    const saltsOf = (tree: typeof a) => rows.map(([id]) => tree.proofFor(id).salt);
    const salts = saltsOf(a);
    assert.equal(new Set(salts).size, salts.length, 'one distinct salt per account');
    assert.ok(!salts.includes('00'.repeat(32)), 'no salt left unfilled');
    assert.ok(saltsOf(b).every((s, i) => s !== salts[i]), 'another build draws other salts');
    const manifest = manifestBody(a, { time: new Date('2026-12-05T00:00:00Z') });
    for (const [id] of rows) assert.equal(verifyInclusion(a.proofFor(id), manifest), undefined, id);
    // The padding leaves' salts are drawn too (each leaf, not only each account).
    const leafSalts = new Set<string>();
    for (let p = 0; p < a.leafCount; p++) leafSalts.add(toHex(a.salts.subarray(32 * p, 32 * p + 32)));
    assert.equal(leafSalts.size, a.leafCount);
  });

  test(`[${m.name}] with the platform CSPRNG and a shared table, jobs start while the shuffle runs: a permutation, consistent levels, every proof verifies`, { skip: m.skip }, async () => {
    const assets = [...ASSETS, { symbol: 'USDT', decimals: 6 }];
    const rows: [string, bigint[]][] = Array.from({ length: 2500 }, (_, i) => [`s-${i}`, [BigInt(i), (1n << 100n) + BigInt(i), BigInt(i % 7)]]);
    const t = table(rows, assets, { shared: true });
    const seen = new Set<number>();
    const tree = await buildLiabilitiesTreeParallel(t, { native: m.native, workers: 2, jobSize: 96, stageSize: 11, onProgress: (d) => seen.add(d) });
    // The shuffle made a permutation of all leaves, and it is not the identity.
    const sorted = [...tree.leafAccount].sort((a, b) => a - b);
    assert.deepEqual(sorted, Array.from({ length: tree.leafCount }, (_, i) => i));
    assert.ok(tree.leafAccount.some((a, p) => a !== p), 'shuffled');
    // Every level is the hash of the one below (checked with the portable code).
    const r = tree.recordBytes;
    for (let l = 1; l <= tree.height; l++) {
      const below = tree.levels![l - 1]!;
      const expect = new Uint8Array(tree.levels![l]!.length);
      hashLevelRange(below, below.length / r, expect, assets.length, (m) => hash('sha256', m, 'buffer'), 0, expect.length / r);
      assert.ok(Buffer.from(expect).equals(Buffer.from(tree.levels![l]!)), `level ${l}`);
    }
    assert.deepEqual(tree.totals, assets.map((_, a) => rows.reduce((s, row) => s + row[1][a]!, 0n)));
    const manifest = manifestBody(tree, { time: new Date('2026-12-05T00:00:00Z') });
    for (const [id, b] of rows) {
      const proof = tree.proofFor(id);
      assert.deepEqual(proof.balances, b.map(String));
      assert.equal(verifyInclusion(proof, manifest), undefined, id);
    }
    // The padding leaves' hashes differ from one another (fresh salts and uids for each).
    const pads = new Set<string>();
    for (let p = 0; p < tree.leafCount; p++) if (tree.leafAccount[p]! >= t.count) pads.add(toHex(tree.levels![0]!.subarray(p * r, p * r + 32)));
    assert.equal(pads.size, tree.leafCount - t.count);
    assert.equal(Math.max(...seen), t.count + tree.leafCount + tree.levels!.slice(1).reduce((n, l) => n + l.length / r, 0), 'progress counts every hash');
  });
}

/** Builds with `nodesFd` and `saltsFd` set to fresh files; resolves with the tree and the files' bytes. */
async function withNodesFile(accounts: AccountTable, options: ParallelTreeOptions): Promise<{ tree: LiabilitiesTree; nodes: Buffer; salts: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'kg-par-'));
  const fd = openSync(join(dir, 'nodes.bin'), 'w');
  const saltsFd = openSync(join(dir, 'salts.bin'), 'w');
  try {
    const tree = await buildLiabilitiesTreeParallel(accounts, { ...options, nodesFd: fd, saltsFd });
    return { tree, nodes: readFileSync(join(dir, 'nodes.bin')), salts: readFileSync(join(dir, 'salts.bin')) };
  } finally {
    closeSync(fd);
    closeSync(saltsFd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A proof store over the files of a build with nodesFd and saltsFd (see withNodesFile) and the rest of the store's index. */
function storeOf(built: { tree: LiabilitiesTree; nodes: Buffer; salts: Buffer }): ProofStore {
  const files = new Map<StoreFile, Buffer>([['nodes.bin', built.nodes], ['salts.bin', built.salts]]);
  const parts = new Map<StoreFile, Uint8Array[]>();
  emitStoreIndex(built.tree, (f, b) => parts.set(f, [...(parts.get(f) ?? []), b.slice()]));
  assert.equal(parts.has('salts.bin'), false, 'the store index leaves out the salts the builder wrote');
  for (const [f, p] of parts) files.set(f, Buffer.concat(p));
  return new ProofStore(storeMeta(built.tree), (f, o, n) => files.get(f)!.subarray(o, o + n));
}

/** The tree's totals are the sums of the rows, and the proofs of every `every`-th row verify with their balances. */
function checkStoreProofs(store: ProofStore, tree: LiabilitiesTree, data: [string, bigint[]][], every: number): void {
  const manifest = manifestBody(tree, { time: new Date('2026-12-06T00:00:00Z') });
  assert.deepEqual(tree.totals, tree.accounts.assets.map((_, a) => data.reduce((s, r) => s + r[1][a]!, 0n)));
  for (const [id, b] of data.filter((_, i) => i % every === 0)) {
    const proof = store.proofFor(id);
    assert.deepEqual(proof.balances, b.map(String));
    assert.equal(verifyInclusion(proof, manifest), undefined, id);
  }
}

/** The store's nodes.bin of a tree with kept levels: its levels one after the other. */
const nodesOf = (tree: LiabilitiesTree) => Buffer.concat(tree.levels!);

for (const m of HASHING_MODES) {
  for (const [name, rows, assets, opts] of [
    ['blocks of 64 leaves, several a job', 5000, 2, { blockLeaves: 64, jobSize: 256 }],
    ['blocks of 2 leaves', 700, 2, { blockLeaves: 2, jobSize: 8 }],
    ['default blocks (the leaf count allows 2^9), four assets, padding in every block', 3600, 4, { jobSize: 1024, stageSize: 5 }],
    ['one block for the whole tree, fixed height', 1000, 2, { blockLeaves: 1 << 20, height: 14, minLeaves: 3000 }],
  ] as const) {
    test(`[${m.name}] block mode (${name}) gives the portable build's root, salts.bin and nodes.bin byte for byte, as does the whole-level path`, { skip: m.skip }, async () => {
      const as = assets === 4 ? [...ASSETS, { symbol: 'USDT', decimals: 6 }, { symbol: 'SOL', decimals: 9 }] : ASSETS;
      const data: [string, bigint[]][] = Array.from({ length: rows }, (_, i) => [`b${i}`, as.map((_, a) => BigInt((i * 7919 + a * 104729) % 1_000_003) << BigInt(20 * a))]);
      const t = table(data, as, { shared: true });
      const shape = { ...('height' in opts ? { height: opts.height, minLeaves: opts.minLeaves } : {}) };
      const seq = buildLiabilitiesTree(table(data, as), { random: seeded(name), ...shape });
      let progress = 0;
      const block = await withNodesFile(t, { native: m.native, random: seeded(name), workers: 2, keepLevels: false, onProgress: (d) => (progress = d), ...opts });
      // The whole-level path: levels kept, written as they are finished.
      const whole = await withNodesFile(t, { native: m.native, random: seeded(name), workers: 2, ...opts, blockLeaves: 1 });
      assert.equal(toHex(block.tree.root), toHex(seq.root));
      assert.deepEqual(block.tree.totals, seq.totals);
      assert.equal(block.tree.levels, undefined);
      assert.ok(block.salts.equals(Buffer.from(seq.salts)), 'block mode writes the salts');
      assert.ok(whole.salts.equals(Buffer.from(seq.salts)), 'the whole-level path writes them too');
      // A given random source draws the salts up front (in memory, kept); the tree says they are written.
      assert.ok(Buffer.from(block.tree.salts).equals(Buffer.from(seq.salts)));
      assert.equal(block.tree.saltsWritten && whole.tree.saltsWritten && !seq.saltsWritten, true);
      assert.deepEqual(block.tree.leafAccount, seq.leafAccount);
      assert.ok(block.nodes.equals(nodesOf(seq)), 'block mode writes the portable levels');
      assert.ok(whole.nodes.equals(nodesOf(seq)), 'the whole-level path writes them too');
      assert.equal(progress, t.count + seq.levels!.reduce((n, l) => n + l.length / seq.recordBytes, 0), 'progress counts every hash');
    });
  }

  test(`[${m.name}] block mode with the platform CSPRNG (salts drawn on the workers, shuffle running): the store it writes serves proofs that verify`, { skip: m.skip }, async () => {
    const data: [string, bigint[]][] = Array.from({ length: 2500 }, (_, i) => [`w-${i}`, [BigInt(i), (1n << 100n) + BigInt(i)]]);
    const t = table(data, ASSETS, { shared: true });
    const built = await withNodesFile(t, { native: m.native, workers: 2, keepLevels: false, blockLeaves: 32, jobSize: 96, stageSize: 11 });
    // The workers drew the salts in scratch memory and wrote them out: no array of them is kept.
    assert.equal(built.tree.salts.length, 0);
    assert.equal(built.salts.length, 32 * built.tree.leafCount);
    const store = storeOf(built);
    checkStoreProofs(store, built.tree, data, 97);
    const salts = new Set(data.map(([id]) => store.proofFor(id).salt));
    assert.equal(salts.size, data.length, 'one distinct salt per account');
  });

  test(`[${m.name}] workers started beforehand write the leaf order, serve builds one after another and stay up until the caller closes them`, { skip: m.skip }, async () => {
    const data: [string, bigint[]][] = Array.from({ length: 3000 }, (_, i) => [`p-${i}`, [BigInt(i), BigInt(3 * i) << 90n]]);
    const t = table(data, ASSETS, { shared: true });
    const pool = startHashingWorkers({ native: m.native, workers: 2 });
    try {
      // Block mode and whole levels, with the platform CSPRNG: the workers write the identity the shuffle starts from.
      const block = await withNodesFile(t, { native: m.native, pool, keepLevels: false, blockLeaves: 32, jobSize: 96 });
      const whole = await buildLiabilitiesTreeParallel(t, { native: m.native, pool, jobSize: 96 });
      for (const tree of [block.tree, whole]) {
        assert.deepEqual([...tree.leafAccount].sort((a, b) => a - b), Array.from({ length: tree.leafCount }, (_, i) => i), 'a permutation of every leaf');
        assert.ok(tree.leafAccount.some((a, p) => a !== p), 'shuffled');
      }
      checkStoreProofs(storeOf(block), block.tree, data, 61);
      const manifest = manifestBody(whole, { time: new Date('2026-12-07T00:00:00Z') });
      for (const [id] of data.filter((_, i) => i % 61 === 0)) assert.equal(verifyInclusion(whole.proofFor(id), manifest), undefined, id);
      // A given random source: the plan writes the identity; the same tree as the portable builder.
      const seeded1 = await buildLiabilitiesTreeParallel(t, { native: m.native, pool, random: seeded('pool'), jobSize: 96 });
      assert.equal(toHex(seeded1.root), toHex(buildLiabilitiesTree(table(data), { random: seeded('pool') }).root));
      // Options that disagree with the workers given, or workers from elsewhere, are refused.
      await assert.rejects(buildLiabilitiesTreeParallel(t, { native: m.native, pool, workers: 3 }), /workers is 3 but the pool given has 2/);
      await assert.rejects(buildLiabilitiesTreeParallel(t, { pool: { size: 2, close: async () => undefined } }), TypeError);
      if (m.native) await assert.rejects(buildLiabilitiesTreeParallel(t, { native: false, pool }), /native is false but the pool given was started with the native module/);
      // Without a native option, the pool's module stands for it.
      const plain = await buildLiabilitiesTreeParallel(t, { pool, random: seeded('pool'), jobSize: 96 });
      assert.equal(toHex(plain.root), toHex(seeded1.root));
    } finally {
      await pool.close();
    }
  });

  test(`[${m.name}] block mode reports overflow inside a block and above the blocks`, { skip: m.skip }, async () => {
    // Inside: two accounts of 2^127 in most blocks of 4 leaves. Above: 2^125 each, so that only sums of 8 or more leaves overflow.
    for (const [big, blockLeaves] of [[1n << 127n, 4], [1n << 125n, 4]] as const) {
      const rows: [string, bigint[]][] = Array.from({ length: 64 }, (_, i) => [`a${i}`, [1n, big]]);
      const t = table(rows, ASSETS, { shared: true });
      await assert.rejects(buildLiabilitiesTreeParallel(t, { native: m.native, random: seeded(2), workers: 2, keepLevels: false, blockLeaves, jobSize: 8 }), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_OVERFLOW' && /ETH/.test(e.message));
    }
  });
}

test('a nodes file that cannot be written fails the build with the write error, in block mode and with whole levels', async () => {
  const rows: [string, bigint[]][] = Array.from({ length: 600 }, (_, i) => [`f${i}`, [BigInt(i), 1n]]);
  const t = table(rows, ASSETS, { shared: true });
  const dir = mkdtempSync(join(tmpdir(), 'kg-par-'));
  const fd = openSync(join(dir, 'nodes.bin'), 'w');
  closeSync(openSync(join(dir, 'x'), 'w'));
  const readOnly = openSync(join(dir, 'x'), 'r');
  try {
    for (const keepLevels of [false, true]) await assert.rejects(buildLiabilitiesTreeParallel(t, { workers: 2, keepLevels, blockLeaves: 16, nodesFd: readOnly }), (e: unknown) => (e as NodeJS.ErrnoException).code === 'EBADF' && (e as NodeJS.ErrnoException).syscall === 'write', `keepLevels ${keepLevels}`);
  } finally {
    closeSync(fd);
    closeSync(readOnly);
    rmSync(dir, { recursive: true, force: true });
  }
});
