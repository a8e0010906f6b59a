/**
 * Node-only: builds the liabilities tree with worker threads over shared memory (node:crypto
 * SHA-256 in every worker). Same inputs, same random draws, same tree as the portable
 * `buildLiabilitiesTree`; only the hashing is spread over the cores.
 */
import { hash as nodeHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MAX_ID_BYTES, type AccountTable } from '../accounts.js';
import { AMOUNT_BYTES, HASH_BYTES, UID_TAG, type Sha256 } from '../hash.js';
import { checkOverflow, hashLevelRange, LiabilitiesTree, planTree, type TreeOptions } from '../tree.js';
import { nativeForWorkers } from './native.js';
import { JOB, JobQueue, Pool, ranges, shared, type Job } from './pool.js';
import { cryptoRandom, RandomStream, shuffle } from '../random.js';

/** Options of {@link buildLiabilitiesTreeParallel}. */
export interface ParallelTreeOptions extends Omit<TreeOptions, 'hash'> {
  /** Worker threads (default: the number of CPUs the process may use). */
  workers?: number;
  /** SHA-256 for the small upper levels hashed on the main thread (default: node:crypto). */
  hash?: Sha256;
  /** Leaves or nodes per worker job at most (default 131072); levels of fewer than min(1024, jobSize) nodes are hashed on the main thread. */
  jobSize?: number;
  /** Leaves per sub-batch whose random table reads a worker does before hashing them (default 1024; JavaScript hashing only). */
  stageSize?: number;
  /**
   * Hash with the native module (native.ts): undefined uses it when it is built (unless
   * KEYGRADE_NATIVE=0), false never, true requires it. Same tree either way.
   */
  native?: boolean;
}

/** Leaves per sub-batch of a 'leaves' job: their table reads first, then their hashing. */
const STAGE = 1024;

/** Levels of fewer nodes are hashed on the main thread (a job's round trip costs more than their hashing). */
const MIN_WORKER_LEVEL = 1024;

/** For a table in private memory: its ids copied to shared memory, and no balances (they are already in the leaves). */
function sharedIdsOnly(accounts: AccountTable): { chunks: ArrayBufferLike[]; chunkShift: number; ids: ArrayBufferLike; idOffsets: ArrayBufferLike; count: number } {
  const ids = shared(accounts.idArenaBytes().length);
  ids.set(accounts.idArenaBytes());
  const offsets = shared(4 * (accounts.count + 1));
  new Uint32Array(offsets.buffer).set(accounts.idOffsets());
  return { chunks: [], chunkShift: 16, ids: ids.buffer, idOffsets: offsets.buffer, count: accounts.count };
}


/**
 * Builds the liabilities tree with worker threads. Identical result to `buildLiabilitiesTree`
 * for the same accounts and random source.
 */
export async function buildLiabilitiesTreeParallel(accounts: AccountTable, options: ParallelTreeOptions = {}): Promise<LiabilitiesTree> {
  // Workers copy balances and read ids straight from a shared table; otherwise copy here.
  const table = accounts.shared ? accounts.sharedBuffers() : undefined;
  // With the platform CSPRNG, the shuffle runs here while the workers already hash the leaves whose
  // slots it has made final, and each worker draws the salts and padding uids of its leaves just
  // before hashing them. A given random source draws everything here first, in the portable order.
  const draw = options.random === undefined;
  const plan = planTree(accounts, { ...options, releaseBalances: false, gatherBalances: table === undefined, placePaddingUids: false, leaveDraws: draw }, shared);
  const k = accounts.assets.length;
  const r = HASH_BYTES + AMOUNT_BYTES * k;
  const source = table ?? sharedIdsOnly(accounts);
  const totalHashes = accounts.count + plan.sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  const tick = (step: number): void => {
    done += step;
    options.onProgress?.(done, totalHashes);
  };
  const mainHash: Sha256 = options.hash ?? ((m) => nodeHash('sha256', m, 'buffer'));
  const job = Math.max(1, options.jobSize ?? JOB);
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const pool = new Pool(workers, nativeForWorkers(options.native));
  try {
    // Every leaf in leaf order: an account's uid hash and leaf hash, a padding leaf's leaf hash.
    // Jobs are ranges of leaves; without worker draws, each is told how many padding leaves come before it.
    const common = { ...source, gather: table !== undefined, leafAccount: plan.leafAccount.buffer, padUids: (plan.padUids ?? new Uint8Array(0)).buffer, stage: Math.max(1, options.stageSize ?? STAGE), snapshotId: plan.snapshotId, uidTag: UID_TAG, maxIdBytes: MAX_ID_BYTES, recordBytes: r, records: plan.leaves.buffer, salts: plan.salts.buffer, draw };
    const jobs = ranges(plan.leafCount, job).map(([from, to]) => ({ kind: 'leaves' as const, from, to, padFrom: 0, pads: 0, ...common }));
    const leafDone = (j: Job): void => tick(2 * (j.to - j.from) - (j.pads as number));
    const countPads = (jb: (typeof jobs)[number], before: number): number => {
      jb.padFrom = before;
      for (let p = jb.from; p < jb.to; p++) if (plan.leafAccount[p]! >= accounts.count) jb.pads++;
      return before + jb.pads;
    };
    if (!draw) {
      jobs.reduce((before, jb) => countPads(jb, before), 0);
      await pool.run(jobs, leafDone);
    } else if (table) {
      // Fisher–Yates from the top down: after the steps down to a job's first slot, its slots are final.
      const queue = new JobQueue();
      const running = pool.run(queue, leafDone);
      let failed = false;
      running.catch(() => (failed = true)); // awaited below; a failure must not go unhandled meanwhile
      const random = new RandomStream(cryptoRandom);
      let top = plan.leafCount - 1;
      for (let i = jobs.length - 1; i >= 0 && !failed; i--) {
        const jb = jobs[i]!;
        const stop = Math.max(0, jb.from - 1);
        shuffle(plan.leafAccount, random, top, stop);
        top = stop;
        countPads(jb, 0);
        queue.push(jb);
        // Let the pool hand the job out (its workers report back through this thread's event loop).
        await new Promise((resolve) => setImmediate(resolve));
      }
      queue.end();
      await running;
    } else {
      shuffle(plan.leafAccount, new RandomStream(cryptoRandom));
      accounts.gatherBalances(plan.leafAccount, plan.leaves, r, HASH_BYTES);
      for (const jb of jobs) countPads(jb, 0);
      await pool.run(jobs, leafDone);
    }
    if (options.releaseBalances) accounts.releaseBalances();
    const keep = options.keepLevels ?? true;
    const levels: Uint8Array[] | undefined = keep ? [plan.leaves] : undefined;
    // Without kept levels, level l goes into the memory of level l - 2 (the leaves' for l = 2) once
    // its consumer is done with it: on this VM a fresh page costs 10-13 µs on first touch, so
    // reusing memory saves touching half of the levels' size.
    const handed: { buffer: Uint8Array; done: unknown }[] = [{ buffer: plan.leaves, done: options.onLevel?.(0, plan.leaves, plan.leafCount) }];
    let prev = plan.leaves;
    for (let l = 1; l <= plan.height; l++) {
      const count = plan.sizes[l]!;
      let overflow: number;
      let next: Uint8Array;
      if (count < Math.min(MIN_WORKER_LEVEL, job)) {
        next = new Uint8Array(count * r);
        overflow = hashLevelRange(prev, plan.sizes[l - 1]!, next, k, mainHash, 0, count, tick);
      } else {
        const reuse = keep ? undefined : handed[l - 2];
        if (reuse) await reuse.done;
        next = reuse ? reuse.buffer.subarray(0, count * r) : shared(count * r);
        const level = { prev: prev.buffer, next: next.buffer, prevCount: plan.sizes[l - 1]!, recordBytes: r, assets: k };
        // Equal jobs, as many for every worker: a level waits for its slowest job.
        const parts = workers * Math.ceil(count / (job * workers));
        overflow = await pool.run(
          ranges(count, Math.ceil(count / parts)).map(([from, to]) => ({ kind: 'level', from, to, ...level })),
          (j) => tick(j.to - j.from),
        );
      }
      checkOverflow(accounts, overflow);
      handed.push({ buffer: next, done: options.onLevel?.(l, next, count) });
      levels?.push(next);
      prev = next;
    }
    return new LiabilitiesTree(accounts, plan.snapshotId, plan.height, plan.leafCount, prev.slice(0, r), plan.leafAccount, plan.salts, levels);
  } finally {
    await pool.close();
  }
}
