import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash } from 'node:crypto';
import { AccountTable } from '../accounts.js';
import { accountsReader } from '../input.js';
import { toHex, writeU128 } from '../bytes.js';
import { ReservesError } from '../errors.js';
import { emitStoreIndex, parseStoreMeta, ProofStore, type StoreFile } from '../store.js';
import { buildLiabilitiesTree } from '../tree.js';
import { verifyProof } from '../verify.js';
import { manifestBody, signManifest } from '../manifest.js';
import { ASSETS, SECRET, seeded } from '../test-util.js';
import { buildStreaming, SpillAccounts, type StreamOptions } from './stream.js';
import { HASHING_MODES } from './test-modes.js';

const node = (m: Uint8Array) => hash('sha256', m, 'buffer');

function rows(n: number, assets = ASSETS.length): [string, bigint[]][] {
  return Array.from({ length: n }, (_, i) => [i % 7 === 0 ? `用户-${i}` : `acct-${i}`, Array.from({ length: assets }, (_, a) => BigInt((i * 7919 + a * 104729) % 1_000_003) * (a === 1 ? 10n ** 20n : 1n))]);
}

function fill<T extends { add: AccountTable['add'] }>(t: T, data: [string, bigint[]][], k: number): T {
  const buf = new Uint8Array(16 * k);
  data.forEach(([id, bal], i) => {
    bal.forEach((b, j) => writeU128(buf, 16 * j, b));
    t.add(id, buf, { line: i + 2 });
  });
  return t;
}

function memoryFiles(data: [string, bigint[]][], seed: string, opts: { height?: number; minLeaves?: number } = {}) {
  const files = new Map<StoreFile, Uint8Array[]>();
  const emit = (f: StoreFile, b: Uint8Array) => files.set(f, [...(files.get(f) ?? []), b.slice()]);
  const tree = buildLiabilitiesTree(fill(new AccountTable(ASSETS), data, ASSETS.length), { random: seeded(seed), hash: node, onLevel: (_l, r) => emit('nodes.bin', r), ...opts });
  emitStoreIndex(tree, emit);
  return { tree, files: new Map([...files].map(([f, parts]) => [f, Buffer.concat(parts)])) };
}

async function streamed(data: [string, bigint[]][], seed: string, opts: Partial<StreamOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kg-stream-'));
  const spill = fill(new SpillAccounts(ASSETS, join(dir, 'spill.bin')), data, ASSETS.length);
  spill.finish();
  const tree = await buildStreaming(spill, { storeDir: join(dir, 'store'), workDir: join(dir, 'work'), random: seeded(seed), ...opts });
  spill.remove();
  const read = (f: StoreFile) => readFileSync(join(dir, 'store', f));
  const store = new ProofStore(parseStoreMeta(JSON.parse(readFileSync(join(dir, 'store', 'store.json'), 'utf8'))), (f, o, n) => read(f).subarray(o, o + n));
  return { dir, tree, store, read };
}

const FILES: StoreFile[] = ['nodes.bin', 'salts.bin', 'leaves.bin', 'ids.bin', 'ids.idx', 'lookup.bin'];

for (const [name, opts, m] of [
  ...HASHING_MODES.map((m) => [`on worker threads, many blocks and level chunks, ${m.name}`, { workers: 2, blockLeaves: 64, jobSize: 8, native: m.native }, m] as const),
  ['on the main thread, blocks of 8 leaves', { workers: 0, blockLeaves: 8 }, HASHING_MODES[0]!] as const,
  ...HASHING_MODES.map((m) => [`in one block, fixed height, extra padding, ${m.name}`, { workers: 2, blockLeaves: 1 << 20, height: 14, minLeaves: 3000, native: m.native }, m] as const),
]) {
  test(`the streaming build writes the same store, root and proofs as the in-memory build (${name})`, { skip: m.skip }, async () => {
    const data = rows(1000);
    const shape = { ...('height' in opts ? { height: opts.height } : {}), ...('minLeaves' in opts ? { minLeaves: opts.minLeaves } : {}) };
    const mem = memoryFiles(data, `s-${name}`, shape);
    const s = await streamed(data, `s-${name}`, opts);
    try {
      assert.equal(toHex(s.tree.root), toHex(mem.tree.root));
      assert.deepEqual(s.tree.totals, mem.tree.totals);
      assert.equal(s.tree.leafCount, mem.tree.leafCount);
      assert.equal(s.tree.height, mem.tree.height);
      for (const f of FILES) assert.ok(s.read(f).equals(mem.files.get(f)!), `${f} is byte-identical`);
      for (const id of ['acct-1', '用户-7', 'acct-999', 'acct-500']) assert.deepEqual(s.store.proofFor(id), mem.tree.proofFor(id), id);
      const manifest = signManifest(manifestBody(s.tree, { time: '2026-11-30T23:59:59Z' }), SECRET);
      assert.deepEqual(manifest, signManifest(manifestBody(mem.tree, { time: '2026-11-30T23:59:59Z' }), SECRET));
      assert.equal(verifyProof(s.store.proofFor('acct-3'), manifest).valid, true);
      assert.ok(!existsSync(join(s.dir, 'work')), 'the bucket files are gone');
    } finally {
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
}

for (const m of HASHING_MODES) test(`[${m.name}] four assets (records not a power of two) stream to the same root`, { skip: m.skip }, async () => {
  const assets = [...ASSETS, { symbol: 'USDT', decimals: 6 }, { symbol: 'SOL', decimals: 9 }];
  const data = rows(700, 4);
  const t = fill(new AccountTable(assets), data, 4);
  const mem = buildLiabilitiesTree(t, { random: seeded('four'), hash: node });
  const dir = mkdtempSync(join(tmpdir(), 'kg-stream-'));
  try {
    const spill = fill(new SpillAccounts(assets, join(dir, 'spill')), data, 4);
    spill.finish();
    const events: string[] = [];
    const s = await buildStreaming(spill, {
      storeDir: join(dir, 'store'),
      workDir: join(dir, 'work'),
      random: seeded('four'),
      workers: 2,
      blockLeaves: 32,
      jobSize: 4,
      onDistribute: (done, total) => events.push(`distribute ${done}/${total}`),
      onProgress: () => events.push('hash'),
    });
    assert.equal(toHex(s.root), toHex(mem.root));
    assert.deepEqual(s.totals, mem.totals);
    // The distribution pass reports from 0 to every account, before any hashing.
    const firstHash = events.indexOf('hash');
    assert.deepEqual(events.slice(0, firstHash), ['distribute 0/700', 'distribute 700/700']);
    assert.ok(!events.slice(firstHash).some((e) => e.startsWith('distribute')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('duplicates are found exactly, even when fingerprints collide (both lines named)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kg-stream-'));
  try {
    // A fingerprint that collides for every id of the same length: only real duplicates may fail.
    const weak = (_b: Uint8Array, s: number, e: number): [number, number] => [e - s, 0];
    const ok = new SpillAccounts(ASSETS, join(dir, 'a'), { fingerprint: weak });
    const reader = accountsReader('csv', ok, 'accounts.csv');
    ['id,BTC', 'ab,1', 'ba,2', 'cd,3'].forEach((l, i) => reader.line(l, i + 1));
    reader.finish();
    assert.doesNotThrow(() => ok.finish('accounts.csv'));
    const dup = new SpillAccounts(ASSETS, join(dir, 'b'), { fingerprint: weak });
    const r2 = accountsReader('csv', dup, 'accounts.csv');
    ['id,BTC', 'ab,1', 'ba,2', '', 'ab,3'].forEach((l, i) => r2.line(l, i + 1));
    assert.throws(
      () => dup.finish('accounts.csv'),
      (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_DUPLICATE_ID' && e.message === 'accounts.csv:5: duplicate user id "ab" (first on line 2)',
    );
    const real = new SpillAccounts(ASSETS, join(dir, 'c'));
    const r3 = accountsReader('csv', real, 'x.csv');
    ['id,ETH', 'carol,1', 'dave,2', 'carol,3'].forEach((l, i) => r3.line(l, i + 1));
    assert.throws(() => r3.line('\u0001bad,1', 5), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_BAD_ID' && /x\.csv:5/.test(e.message));
    assert.throws(() => real.finish('x.csv'), /x\.csv:4: duplicate user id "carol" \(first on line 2\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const m of HASHING_MODES) test(`[${m.name}] an overflowing total stops the streaming build and leaves no bucket files`, { skip: m.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kg-stream-'));
  try {
    const data: [string, bigint[]][] = Array.from({ length: 64 }, (_, i) => [`a${i}`, [0n, 1n << 127n]]);
    const spill = fill(new SpillAccounts(ASSETS, join(dir, 'spill')), data, 2);
    spill.finish();
    await assert.rejects(
      buildStreaming(spill, { storeDir: join(dir, 'store'), workDir: join(dir, 'work'), random: seeded(1), workers: 2, blockLeaves: 16, jobSize: 2, native: m.native }),
      (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_OVERFLOW' && /ETH/.test(e.message),
    );
    assert.ok(!existsSync(join(dir, 'work')));
    assert.deepEqual(readdirSync(dir).sort(), ['store'], 'the spill file went once distributed; the caller removes the store folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
