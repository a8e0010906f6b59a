/**
 * Proof-of-reserves benchmark (issue 9, item 8).
 *
 *   node --import tsx --conditions=keygrade-source bench/reserves.ts [accounts] [--rounds=N] [--workers=N] [--csv] [--sequential] [--stream] [--dir=<scratch>] [--no-store] [--block=N] [--skip-baseline]
 *
 * Builds a synthetic snapshot of N accounts × 4 assets the way `keygrade por build` does without
 * proof files (worker threads, the native module when built, levels not kept) and, in the same run,
 * times the baseline: raw SHA-256 over the same number of messages of the same sizes on one
 * thread and split over the worker threads; the faster of the two is the hashing limit. The
 * in-memory build and the baselines run --rounds times (default 3), alternating; the summary
 * compares the best build with the best baseline. Prints the peak RSS (first round) and the time
 * to verify one customer's proof at the same tree height. --workers sets the build's (and the
 * split baseline's) thread count (default: the CPUs available).
 * Each round also times the same raw hashing split over as many child processes, for information
 * only: node:crypto's hashing scales worse over the threads of one process than over processes
 * (measured on the 2-vCPU VM of 2026-12-06), and the build, whose threads share memory, cannot use
 * processes; decision 262.
 * The build's hashing workers are started before the ingest (startHashingWorkers), as `por build`
 * starts them before it reads the accounts file: like the baselines' threads, they have booted when
 * the build is timed (decision 272).
 * --sequential also times the single-threaded portable builder with node:crypto.
 * With --csv the accounts go through the CSV line reader (amount parsing included) instead of
 * being written into the table directly. With --stream the build streams to disk (`por build --stream`):
 * the spill file, bucket files and store go to a scratch folder (default: the OS temp folder), removed
 * at the end; the peak RSS then shows the bounded memory.
 * What the in-memory build's time includes: like `por build`, it writes every level to a nodes.bin
 * and the salts to a salts.bin in a scratch folder (--dir, default the OS temp folder; removed after
 * each round, so the page cache's dirty pages are dropped, not flushed) through `nodesFd` and
 * `saltsFd`: the workers write the levels and salts of the blocks they hash (block mode,
 * ParallelTreeOptions.blockLeaves), the main thread the levels above. Not included, as in the CLI's
 * "hashing" time: reading the accounts file (ingest is timed apart), fsync, and the other store
 * files (leaves.bin, ids, lookup.bin). --no-store writes no level anywhere and the salts to
 * /dev/null (hashing only: less work than the CLI does). --block=N sets the block size in leaves
 * (1: no block mode, whole levels in shared memory, the build before 2026-12-06 16:00).
 * Like `keygrade por build`, the benchmark runs itself again with glibc's transparent huge pages
 * for malloc (apps/cli/bin/hugepages.js); `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` measures without.
 */
import { hash as nodeHash } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLiabilitiesTreeParallel, buildStreaming, NATIVE_PATH, nativeHashing, nativeStatus, SpillAccounts, startHashingWorkers } from '@keygrade/reserves/node';
import { sha256 } from '@noble/hashes/sha2.js';
import { fileURLToPath } from 'node:url';
import { relaunch, withHugePages } from '../apps/cli/bin/hugepages.js';
import { timeOnProcesses, timeOnThreads } from './split.js';
import {
  AccountTable,
  accountsReader,
  type AccountSink,
  type TreeSummary,
  buildLiabilitiesTree,
  leafMessageLength,
  levelSizes,
  manifestBody,
  nodeMessageLength,
  nobleSha256,
  paddedLeafCount,
  signManifest,
  UID_TAG,
  verifyInclusion,
  verifyManifest,
  writeU128,
  type Asset,
  type Sha256,
} from '@keygrade/reserves';

const ASSETS: Asset[] = [
  { symbol: 'BTC', decimals: 8 },
  { symbol: 'ETH', decimals: 18 },
  { symbol: 'USDT', decimals: 6 },
  { symbol: 'SOL', decimals: 9 },
];
const fast: Sha256 = (m) => nodeHash('sha256', m, 'buffer');

const args = process.argv.slice(2);
const hugePages = withHugePages(process.env, process.platform);
if (hugePages) {
  relaunch(fileURLToPath(import.meta.url), args, hugePages);
  await new Promise(() => {}); // the child's exit ends this process
}
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const viaCsv = args.includes('--csv');
const streaming = args.includes('--stream');

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** xorshift32: cheap synthetic balances (not security relevant). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function idOf(i: number): string {
  return `user-${i.toString().padStart(9, '0')}`;
}

function ingest<T extends AccountSink>(table: T): T {
  const r = rng(42);
  if (viaCsv) {
    const reader = accountsReader('csv', table, 'synthetic.csv');
    reader.line('id,BTC,ETH,USDT,SOL', 1);
    for (let i = 0; i < n; i++) {
      const p9 = (v: number) => String(v % 1e9).padStart(9, '0');
      reader.line(`${idOf(i)},${r() % 100}.${r() % 1e8},${r() % 1000}.${p9(r())}${p9(r())},${r()}.${r() % 1e6},${r() % 1e5}.${r() % 1e9}`, i + 2);
    }
    reader.finish();
  } else {
    // Synthetic 64-bit balances written as bytes (no BigInt): the time is the table's, not the generator's.
    const bal = new Uint8Array(16 * ASSETS.length);
    const words = new DataView(bal.buffer);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < ASSETS.length; a++) {
        words.setUint32(16 * a + 8, r());
        words.setUint32(16 * a + 12, r());
      }
      table.add(idOf(i), bal);
    }
  }
  return table;
}

/**
 * The fastest one-shot forms of node:crypto SHA-256 return the digest as a string: 'latin1' (32
 * code units) or 'utf16le' (16; the build's workers use it, as it halves the reads of the digest).
 * A 'buffer' digest costs about twice as much on Node 20 (the Buffer's allocation, not the
 * hashing). Measured here, 'latin1' calls are 0-3% faster than 'utf16le' ones, so the baselines,
 * which only hash, use 'latin1': the hashing limit is the fastest raw hashing found.
 */
// @types/node lists only the binary-to-text encodings for crypto.hash; node accepts any Buffer encoding.
const hashTo = nodeHash as (algorithm: string, data: Uint8Array, outputEncoding: string) => string;
const rawString = (encoding: 'utf16le' | 'latin1') => (m: Uint8Array): number => hashTo('sha256', m, encoding).charCodeAt(0);
const rawLatin1 = rawString('latin1');
const firstByte = (h: Sha256) => (m: Uint8Array): number => h(m)[0]!;

/** Raw SHA-256 over the same count and sizes of messages the build hashes, on this thread. */
function baseline(h: (m: Uint8Array) => number, uids: number, uidLen: number, leaves: number, nodes: number): number {
  const buf = new Uint8Array(nodeMessageLength(ASSETS.length));
  for (let i = 0; i < buf.length; i++) buf[i] = i;
  const uid = buf.subarray(0, uidLen);
  const leaf = buf.subarray(0, leafMessageLength(ASSETS.length));
  const t0 = process.hrtime.bigint();
  let x = 0;
  for (let i = 0; i < uids; i++) x ^= h(uid);
  for (let i = 0; i < leaves; i++) x ^= h(leaf);
  for (let i = 0; i < nodes; i++) x ^= h(buf);
  const s = seconds(t0);
  if (x === 256) console.log('');
  return s;
}

/**
 * The same raw hashing split over `threads` worker threads started beforehand: the hashing limit
 * of this machine for the build's thread count (a one-thread loop already keeps a second core busy
 * with V8's garbage collection, so one thread's time divided by the thread count is not reachable
 * even by raw hashing). Resolves with the wall time from handing out the work to the last thread done.
 */
async function baselineThreads(threads: number, uids: number, uidLen: number, leaves: number, nodes: number, native = false): Promise<number> {
  const raw = rawSplit(threads, uids, uidLen, leaves, nodes, native);
  return (await timeOnThreads(threads, raw.setup, raw.loop)) / 1000;
}

/**
 * The same raw hashing split over `count` child processes started beforehand (each its own
 * OpenSSL state): how fast this machine hashes when nothing is shared. Resolves with the wall time
 * from handing out the work to the last process done. For information; not the hashing limit.
 */
async function baselineProcesses(count: number, uids: number, uidLen: number, leaves: number, nodes: number): Promise<number> {
  const raw = rawSplit(count, uids, uidLen, leaves, nodes);
  return (await timeOnProcesses(count, raw.setup, raw.loop)) / 1000;
}

/** The raw hashing of the baselines as source for bench/split.ts, part i of `count` for runner i. */
function rawSplit(count: number, uids: number, uidLen: number, leaves: number, nodes: number, native = false): { setup: () => string; loop: (i: number) => string } {
  const part = (total: number, i: number) => Math.floor((total * (i + 1)) / count) - Math.floor((total * i) / count);
  const setup = `
      const buf = new Uint8Array(${nodeMessageLength(ASSETS.length)});
      for (let i = 0; i < buf.length; i++) buf[i] = i;
      const uid = buf.subarray(0, ${uidLen}), leaf = buf.subarray(0, ${leafMessageLength(ASSETS.length)})`;
  if (native) {
    return {
      setup: () => `const a = require(${JSON.stringify(NATIVE_PATH)}); ${setup}`,
      loop: (i) => `x ^= a.repeat(uid, ${part(uids, i)}) ^ a.repeat(leaf, ${part(leaves, i)}) ^ a.repeat(buf, ${part(nodes, i)})`,
    };
  }
  return {
    setup: () => `const { hash } = require('node:crypto'); ${setup}`,
    loop: (i) => `
      for (let i = 0; i < ${part(uids, i)}; i++) x ^= hash('sha256', uid, 'latin1').charCodeAt(0);
      for (let i = 0; i < ${part(leaves, i)}; i++) x ^= hash('sha256', leaf, 'latin1').charCodeAt(0);
      for (let i = 0; i < ${part(nodes, i)}; i++) x ^= hash('sha256', buf, 'latin1').charCodeAt(0)`,
  };
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

console.log(`Keygrade proof-of-reserves benchmark — ${new Date().toISOString()}`);
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? ''}`);
console.log(`${n.toLocaleString('en-US')} accounts × ${ASSETS.length} assets${viaCsv ? ' (through the CSV reader)' : ''}`);
{
  const status = nativeStatus();
  console.log(status.available ? `native hashing module: ${status.path} (the build hashes in C with OpenSSL's low-level SHA-256)` : `native hashing module: not used, ${status.reason} (the build hashes with node:crypto)`);
}

// Which SHA-256 is faster for node-sized messages?
{
  const m = new Uint8Array(nodeMessageLength(ASSETS.length));
  const count = 200_000;
  const tl = baseline(rawLatin1, 0, 0, 0, count);
  const tu = baseline(rawString('utf16le'), 0, 0, 0, count);
  const tn = baseline(firstByte(fast), 0, 0, 0, count);
  const tb = baseline(firstByte(nobleSha256), 0, 0, 0, count);
  const tnoble = (() => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) sha256(m);
    return seconds(t0);
  })();
  console.log(`SHA-256 of a ${m.length}-byte node message: node:crypto ${((tl / count) * 1e6).toFixed(2)} µs with a 'latin1' digest (the baselines' form), ${((tu / count) * 1e6).toFixed(2)} µs 'utf16le' (the build's), ${((tn / count) * 1e6).toFixed(2)} µs with a 'buffer' digest; @noble/hashes ${((Math.min(tb, tnoble) / count) * 1e6).toFixed(2)} µs`);
}

const leafCount = paddedLeafCount(n);
const sizes = levelSizes(leafCount, Math.max(1, Math.ceil(Math.log2(leafCount))));
const nodes = sizes.slice(1).reduce((a, b) => a + b, 0);
const workers = Math.max(1, Number(args.find((a) => a.startsWith('--workers='))?.slice(10)) || availableParallelism());
const uidLen = UID_TAG.length + 32 + idOf(0).length;
const sequential = args.includes('--sequential');
const noStore = args.includes('--no-store');
const blockArg = args.find((a) => a.startsWith('--block='));
const blockLeaves = blockArg === undefined ? undefined : Number(blockArg.slice(8));
// Rounds: this VM's speed drifts by up to 1.7x within minutes, so by default the in-memory build
// and both baselines run three times, alternating, and the summary compares the best of each.
const rounds = streaming || sequential ? 1 : Math.max(1, Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3));
let sink = 0;
let tree!: TreeSummary;
let t0 = process.hrtime.bigint();

/** What the summary compares: each round's build and its two baselines (wall seconds). */
interface Round { build: number; one: number; split: number; procs: number; nativeOne: number; nativeSplit: number }
/** The fastest raw hashing of a round: the baselines the limit takes (node:crypto and, when built, native). */
const roundLimit = (r: Round) => Math.min(r.one, r.split, r.nativeOne, r.nativeSplit);
const native = nativeHashing();
const done: Round[] = [];
let rss = 0;
for (let round = 1; round <= rounds; round++) {
  if (rounds > 1) console.log(`— round ${round} of ${rounds}`);
  t0 = process.hrtime.bigint();
  // In memory: shared memory, as `keygrade por build` does (the workers read balances and ids in
  // place). Streaming: the spill file and the store go to a scratch folder, removed at the end.
  // The build's hashing workers start before the ingest, as in `keygrade por build` (they boot
  // while the accounts are read): like the baselines' threads, they are ready when the build is timed.
  const hashingWorkers = streaming ? undefined : startHashingWorkers({ workers });
  const scratch = streaming ? mkdtempSync(join(args.find((a) => a.startsWith('--dir='))?.slice(6) ?? tmpdir(), 'kg-por-bench-')) : '';
  const table = streaming ? ingest(new SpillAccounts(ASSETS, join(scratch, 'accounts.spill'))) : ingest(new AccountTable(ASSETS, { shared: true }));
  if (table instanceof SpillAccounts) table.finish();
  const tIngest = seconds(t0);
  console.log(`ingest      ${tIngest.toFixed(2)} s${table instanceof SpillAccounts ? ` (spill file ${(table.spillBytes / 2 ** 30).toFixed(2)} GiB)` : ''}`);

  const cpu0 = process.cpuUsage();
  t0 = process.hrtime.bigint();
  let storeBytes = 0;
  let tLeaves = Number.NaN;
  let built: { wall: number; cpu: NodeJS.CpuUsage } | undefined;
  if (table instanceof SpillAccounts) {
    try {
      tree = await buildStreaming(table, { storeDir: join(scratch, 'store'), workDir: join(scratch, 'work'), workers });
      table.remove();
      storeBytes = readdirSync(join(scratch, 'store')).reduce((a, f) => a + statSync(join(scratch, 'store', f)).size, 0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    // As `por build` without proof files: nodes.bin written through its descriptor (see the top of this file).
    const dir = noStore ? '' : mkdtempSync(join(args.find((a) => a.startsWith('--dir='))?.slice(6) ?? tmpdir(), 'kg-por-bench-'));
    const fd = noStore ? undefined : openSync(join(dir, 'nodes.bin'), 'w');
    // The salts go to salts.bin as in `por build` (to /dev/null with --no-store: drawn, used, written nowhere).
    const saltsFd = openSync(noStore ? '/dev/null' : join(dir, 'salts.bin'), 'w');
    try {
      tree = await buildLiabilitiesTreeParallel(table, {
        pool: hashingWorkers,
        keepLevels: false,
        releaseBalances: !sequential,
        saltsFd,
        ...(fd !== undefined ? { nodesFd: fd } : {}),
        ...(blockLeaves !== undefined ? { blockLeaves } : {}),
        // The whole-level path (--block=1) hands out level 0 as one array: time it.
        ...(blockLeaves === 1 ? { onLevel: (l: number, r: Uint8Array) => void (l === 0 ? (tLeaves = seconds(t0)) : (sink ^= r[0]!)) } : {}),
      });
      // The build ends here: closing and deleting the scratch nodes.bin (the CLI keeps it) is not timed.
      built = { wall: seconds(t0), cpu: process.cpuUsage(cpu0) };
      if (fd !== undefined) storeBytes = statSync(join(dir, 'nodes.bin')).size + statSync(join(dir, 'salts.bin')).size;
    } finally {
      await hashingWorkers?.close();
      closeSync(saltsFd);
      if (fd !== undefined) closeSync(fd);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  const tBuild = built?.wall ?? seconds(t0);
  const cpu = built?.cpu ?? process.cpuUsage(cpu0);
  const cpuBuild = (cpu.user + cpu.system) / 1e6;
  // The peak of the first round: later rounds may still hold the garbage of earlier ones.
  if (round === 1) rss = process.resourceUsage().maxRSS;
  console.log(`build       ${tBuild.toFixed(2)} s wall, ${cpuBuild.toFixed(2)} s CPU on ${workers} worker threads (${n.toLocaleString('en-US')} uid + ${leafCount.toLocaleString('en-US')} leaf + ${nodes.toLocaleString('en-US')} node hashes, height ${tree.height})`);
  if (!streaming) console.log(`            ${noStore ? 'levels and salts written nowhere (--no-store: hashing only)' : `nodes.bin and salts.bin written (${(storeBytes / 2 ** 30).toFixed(2)} GiB, as por build without proof files)`}; ${blockLeaves === 1 ? 'whole levels in shared memory (--block=1)' : `block mode, blocks of up to ${blockLeaves ?? 'the default'} leaves`}`);
  if (!Number.isNaN(tLeaves)) console.log(`            ${tLeaves.toFixed(2)} s to the hashed leaves (plan and shuffle on the main thread, then salts, uid and leaf hashes), ${(tBuild - tLeaves).toFixed(2)} s for the levels above`);
  if (round === 1) console.log(`peak RSS    ${mb(rss)} after ingest + build${streaming ? ` (streaming to disk; store ${(storeBytes / 2 ** 30).toFixed(2)} GiB, written and removed)` : ''}`);
  console.log(`total       ${(tIngest + tBuild).toFixed(2)} s ingest + build (${Math.round(n / (tIngest + tBuild)).toLocaleString('en-US')} accounts/s)`);

  const r: Round = { build: tBuild, one: Number.NaN, split: Number.NaN, procs: Number.NaN, nativeOne: Infinity, nativeSplit: Infinity };
  if (!args.includes('--skip-baseline')) {
    const cpuB0 = process.cpuUsage();
    r.one = baseline(rawLatin1, n, uidLen, leafCount, nodes);
    const cpuB = process.cpuUsage(cpuB0);
    const oneCpu = (cpuB.user + cpuB.system) / 1e6;
    console.log(`baseline    ${r.one.toFixed(2)} s  raw node:crypto SHA-256 of the same ${(n + leafCount + nodes).toLocaleString('en-US')} messages on one thread`);
    const cpuT0 = process.cpuUsage();
    r.split = await baselineThreads(workers, n, uidLen, leafCount, nodes);
    const cpuT = process.cpuUsage(cpuT0);
    console.log(`baseline ×${workers} ${r.split.toFixed(2)} s  the same raw hashing split over ${workers} worker threads (${((cpuT.user + cpuT.system) / 1e6).toFixed(2)} s CPU; ${(r.one / r.split).toFixed(2)}× the speed of one thread)`);
    r.procs = await baselineProcesses(workers, n, uidLen, leafCount, nodes);
    console.log(`processes   ${r.procs.toFixed(2)} s  the same raw hashing split over ${workers} child processes, for information (${(r.one / r.procs).toFixed(2)}× the speed of one thread; threads ${(r.one / r.split).toFixed(2)}×)`);
    if (native) {
      const m = new Uint8Array(nodeMessageLength(ASSETS.length)).map((_, i) => i);
      const tn = process.hrtime.bigint();
      native.repeat(m.subarray(0, uidLen), n);
      native.repeat(m.subarray(0, leafMessageLength(ASSETS.length)), leafCount);
      native.repeat(m, nodes);
      r.nativeOne = seconds(tn);
      r.nativeSplit = await baselineThreads(workers, n, uidLen, leafCount, nodes, true);
      console.log(`native      ${r.nativeOne.toFixed(2)} s  the same raw hashing with OpenSSL's low-level SHA-256 (the native module) on one thread; ${r.nativeSplit.toFixed(2)} s over ${workers} worker threads (${(r.nativeOne / r.nativeSplit).toFixed(2)}×)`);
    }
    const limit = roundLimit(r);
    console.log(`ratio       build wall ${(tBuild / limit).toFixed(2)}× of this round's hashing limit (the fastest baseline); CPU ${(cpuBuild / oneCpu).toFixed(2)}× of the one-thread baseline's CPU`);
  }
  done.push(r);
  if (sequential && table instanceof AccountTable) {
    t0 = process.hrtime.bigint();
    buildLiabilitiesTree(table, { hash: fast, keepLevels: false, onLevel: (_l, rec) => (sink ^= rec[0]!) });
    const tSeq = seconds(t0);
    console.log(`sequential  ${tSeq.toFixed(2)} s one thread, node:crypto: ${(tSeq / r.one).toFixed(2)}× of the one-thread baseline`);
  }
}

if (!args.includes('--skip-baseline')) {
  const best = (f: (r: Round) => number) => Math.min(...done.map(f));
  const limit = best(roundLimit);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  console.log(`— summary over ${done.length} round${done.length > 1 ? 's' : ''}`);
  console.log(`hashing limit ${limit.toFixed(2)} s: the fastest raw hashing of any round (node:crypto: one thread ${best((r) => r.one).toFixed(2)} s, ${workers} threads ${best((r) => r.split).toFixed(2)} s${native ? `; native: one thread ${best((r) => r.nativeOne).toFixed(2)} s, ${workers} threads ${best((r) => r.nativeSplit).toFixed(2)} s` : ''})`);
  console.log(`ratio       best build ${best((r) => r.build).toFixed(2)} s = ${(best((r) => r.build) / limit).toFixed(2)}× of the hashing limit (target ≤ 1.5×); per round ${done.map((r) => (r.build / roundLimit(r)).toFixed(2)).join(', ')} (median ${median(done.map((r) => r.build / roundLimit(r))).toFixed(2)})`);
  console.log(`processes   best ${best((r) => r.procs).toFixed(2)} s over ${workers} child processes, outside the limit: the best build is ${(best((r) => r.build) / best((r) => r.procs)).toFixed(2)}× of it (decision 262)`);
}

// Proof verification at the same height: a small tree forced to the big tree's height does the same work per proof.
{
  const small = new AccountTable(ASSETS);
  const bal = new Uint8Array(16 * ASSETS.length);
  const r = rng(7);
  for (let i = 0; i < 1000; i++) {
    for (let a = 0; a < ASSETS.length; a++) writeU128(bal, 16 * a, BigInt(r()));
    small.add(idOf(i), bal);
  }
  const t = buildLiabilitiesTree(small, { hash: fast, height: tree.height });
  const manifest = signManifest(manifestBody(t, { time: new Date() }), new Uint8Array(32).fill(7));
  const proofs = Array.from({ length: 1000 }, (_, i) => t.proofFor(idOf(i)));
  for (const p of proofs) if (verifyInclusion(p, manifest)) throw new Error('proof does not verify');
  let per = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    t0 = process.hrtime.bigint();
    for (const p of proofs) verifyInclusion(p, manifest);
    per = Math.min(per, seconds(t0) / proofs.length);
  }
  t0 = process.hrtime.bigint();
  for (let i = 0; i < 20; i++) verifyManifest(manifest);
  const sig = seconds(t0) / 20;
  console.log(`verify      ${(per * 1e3).toFixed(3)} ms per proof (best of 3 × 1000) (height ${t.height}, @noble/hashes, target ≤ 0.2 ms); manifest signature check ${(sig * 1e3).toFixed(2)} ms once per manifest`);
}
if (sink === -1) console.log('');
