/**
 * Benchmark of the SP 800-22 battery (issue 7): the full battery (15 tests, sts-2.1.2 defaults)
 * over S streams × n bits, in one run:
 *  1. Keygrade on one thread (the target: 100 × 10^6 bits in ≤ 14 s, 30× the stock
 *     sts-2.1.2 build's 422 s);
 *  2. Keygrade on worker threads (one per core);
 *  3. the baseline: a straightforward transcription of the formulas (bench/sp800-22-naive.ts) on
 *     the first few streams, extrapolated to S, with a per-test breakdown and a check that both
 *     give the same P-values.
 * Streams are AES-256-CTR keystreams (deterministic), made one at a time.
 * Run: node --import tsx --conditions=keygrade-source bench/sp800-22.ts [--streams 100] [--naive-streams 2] [--length 1000000] [--workers auto]
 */
import { createCipheriv, createHash } from 'node:crypto';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { bitsFromBytes, runBattery, TEST_IDS, Workspace, type BitSequence, type TestId } from '@keygrade/randomness';
import { autoWorkers, runBatteryParallel } from '@keygrade/randomness/sp800-22/workers';
import { NAIVE } from './sp800-22-naive.js';

const { values } = parseArgs({ options: { streams: { type: 'string', default: '100' }, 'naive-streams': { type: 'string', default: '2' }, length: { type: 'string', default: '1000000' }, workers: { type: 'string', default: 'auto' } } });
const S = Number(values.streams);
const NS = Math.min(S, Number(values['naive-streams']));
const n = Number(values.length);
const WORKERS = values.workers === 'auto' ? autoWorkers(S) : Number(values.workers);

/** Stream i: the AES-256-CTR keystream for a fixed key and IV i (deterministic and cheap to make). */
const KEY = createHash('sha256').update('keygrade-sp800-22-bench').digest();
function stream(i: number): BitSequence {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(i, 0);
  const cipher = createCipheriv('aes-256-ctr', KEY, iv);
  return bitsFromBytes(cipher.update(Buffer.alloc(Math.ceil(n / 8))), n);
}
function* streams(count: number): Generator<BitSequence> {
  for (let i = 0; i < count; i++) yield stream(i);
}
function unpack(s: BitSequence): Uint8Array {
  const e = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) e[i] = (s.words[i >>> 5]! >>> (31 - (i & 31))) & 1;
  return e;
}
const now = () => performance.now();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const s1 = (ms: number) => (ms / 1000).toFixed(2);

console.log(`SP 800-22 battery: ${S} streams × ${n.toLocaleString('en-US')} bits, all 15 tests, sts-2.1.2 defaults`);
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// Stream generation is not part of the battery: time it on its own and subtract it.
let t = now();
for (let i = 0; i < Math.min(S, 10); i++) stream(i);
const genPerStream = (now() - t) / Math.min(S, 10);

// 1. Keygrade, one thread (warm-up on stream 0 first: JIT and the FFT plan).
const workspace = new Workspace();
runBattery(stream(0), { workspace });
t = now();
const c = cpu();
const keygrade = [] as ReturnType<typeof runBattery>[];
for (const s of streams(S)) keygrade.push(runBattery(s, { workspace }));
const oneWall = now() - t - genPerStream * S;
const oneCpu = cpu() - c - genPerStream * S;
console.log(`\nKeygrade, 1 thread:          ${s1(oneWall)} s wall (${(oneWall / S).toFixed(1)} ms/stream), ${s1(oneCpu)} s CPU`);

// 2. Keygrade, worker threads.
t = now();
const parallel = await runBatteryParallel(streams(S), { workers: WORKERS });
const parWall = now() - t;
console.log(`Keygrade, ${WORKERS} worker thread${WORKERS === 1 ? '' : 's'}:   ${s1(parWall)} s wall (stream generation included: ${s1(genPerStream * S)} s on the main thread); speed-up ${(oneWall / parWall).toFixed(2)}×`);
const same = parallel.every((r, i) => JSON.stringify(r.results.map((x) => x.pValues)) === JSON.stringify(keygrade[i]!.results.map((x) => x.pValues)));
console.log(`  worker results identical to the single-thread run: ${same ? 'yes' : 'NO'}`);

// 3. Per test: Keygrade over the first 10 streams, then the naive transcription over the first NS
// streams (timed apart, so one's garbage collection does not land in the other's figures).
const KS = Math.min(S, 10);
const perTest = new Map<string, { keygrade: number; naive: number }>();
const keygradeP = new Map<string, number[][]>();
for (const [name] of NAIVE) {
  let total = 0;
  const ps: number[][] = [];
  for (let i = 0; i < KS; i++) {
    const s = stream(i);
    const t0 = now();
    const r = runBattery(s, { workspace, tests: [name as TestId] }).results[0]!;
    total += now() - t0;
    ps.push([...r.pValues]);
  }
  perTest.set(name, { keygrade: total / KS, naive: 0 });
  keygradeP.set(name, ps);
}
let maxDelta = 0;
let naiveTotal = 0;
for (let i = 0; i < NS; i++) {
  const e = unpack(stream(i));
  for (const [name, f] of NAIVE) {
    const t0 = now();
    const naive = f(e);
    const dt = now() - t0;
    perTest.get(name)!.naive += dt / NS;
    naiveTotal += dt;
    const nv = naive === null ? [] : typeof naive === 'number' ? [naive] : naive;
    const kv = keygradeP.get(name)![i]!;
    if (nv.length !== kv.length) throw new Error(`${name}: naive gives ${nv.length} P-values, Keygrade ${kv.length}`);
    nv.forEach((p, j) => (maxDelta = Math.max(maxDelta, Math.abs(p - kv[j]!))));
  }
}
const naivePerStream = naiveTotal / NS;
console.log(`Naive transcription:         ${s1(naivePerStream)} s/stream on ${NS} stream${NS === 1 ? '' : 's'} → ${s1(naivePerStream * S)} s for ${S} (extrapolated)`);
console.log(`  ratio naive / Keygrade (1 thread): ${(naivePerStream / (oneWall / S)).toFixed(1)}×; largest |ΔP| between them: ${maxDelta.toExponential(1)}`);

const stock = 4.22 * S;
const o2 = stock / 2.4;
console.log(`\nReference (issue 7, same class of machine): sts-2.1.2 stock build ${stock.toFixed(0)} s (4.2 s/stream), -O2 build ≈ ${o2.toFixed(0)} s`);
console.log(`  Keygrade 1 thread vs stock sts: ${(stock / (oneWall / 1000)).toFixed(1)}× faster; vs -O2: ${(o2 / (oneWall / 1000)).toFixed(1)}×; target ≤ ${((14 * S) / 100).toFixed(1)} s (30×): ${oneWall / 1000 <= (14 * S) / 100 ? 'met' : 'NOT met'}`);
console.log(`  Keygrade ${WORKERS} workers vs stock sts: ${(stock / (parWall / 1000)).toFixed(1)}× faster`);

console.log(`\nPer test, ms per stream (Keygrade: mean of ${KS} streams, naive: ${NS}; sts-2.1.2 stock for reference: linear complexity ~2000, non-overlapping templates ~1500):`);
console.log(`  ${'test'.padEnd(28)}${'Keygrade'.padStart(10)}${'naive'.padStart(10)}${'ratio'.padStart(9)}`);
for (const id of TEST_IDS) {
  const e = perTest.get(id)!;
  console.log(`  ${id.padEnd(28)}${e.keygrade.toFixed(2).padStart(10)}${e.naive.toFixed(1).padStart(10)}${(e.naive / e.keygrade).toFixed(0).padStart(8)}×`);
}
console.log(`\nLoad average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
