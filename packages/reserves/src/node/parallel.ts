/**
 * Node-only: builds the liabilities tree with worker threads over shared memory (the native
 * module's SHA-256 in every worker, or node:crypto's). Same inputs, same random draws, same tree as
 * the portable `buildLiabilitiesTree`; only the hashing is spread over the cores.
 *
 * Block mode (levels not kept, no consumer of whole levels, a shared account table): each worker
 * hashes whole subtrees of `blockLeaves` leaves in a scratch buffer it reuses, writes their levels
 * to the nodes file itself (`nodesFd`), and hands only the subtrees' roots to shared memory. The
 * full leaf level (1 GB at 10 M accounts × 4 assets) and the levels just above it are never
 * allocated: on the 2-vCPU VM of docs/benchmarks.md, first touching fresh memory costs about 1.7 s
 * of CPU per GiB (decision 265).
 */
import { hash as nodeHash } from 'node:crypto';
import { write as fsWrite } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MAX_ID_BYTES, type AccountTable } from '../accounts.js';
import { AMOUNT_BYTES, HASH_BYTES, UID_TAG, type Sha256 } from '../hash.js';
import { checkOverflow, hashLevelRange, LiabilitiesTree, planTree, treeShape, type TreeOptions } from '../tree.js';
import { nativeForWorkers, nativeOnThisThread, shuffleWith } from './native.js';
import { guidedRanges, JOB, JobQueue, Pool, ranges, shared, type Job } from './pool.js';
import { cryptoRandom, RandomStream } from '../random.js';

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
  /**
   * A file descriptor open for writing: every level's records are written to it in the store's
   * nodes.bin layout (level 0 from byte 0, each level right after the one below), with positioned
   * writes. In block mode (below) the workers write the levels of their blocks as they hash them;
   * otherwise whole levels are written in the background as they are finished. The build resolves
   * once every write is done; nothing is synced or closed.
   */
  nodesFd?: number;
  /**
   * A file descriptor open for writing: the salts are written to it in the store's salts.bin layout
   * (32 bytes a leaf, in leaf order), with positioned writes, and the tree comes back with
   * `saltsWritten` set. In block mode with the platform CSPRNG the workers draw each block's salts
   * in scratch memory and write them, so no array of all the salts exists and `tree.salts` is
   * empty. Otherwise the salts are written from memory once all are drawn, and kept.
   */
  saltsFd?: number;
  /**
   * Block mode: with `keepLevels: false`, no `onLevel` (no consumer of whole levels) and a shared
   * account table, each worker job hashes whole blocks of this many leaves (a power of two; fewer
   * when the leaf count is not a multiple of it) in a scratch buffer of its own, levels included,
   * and only the blocks' roots reach shared memory: no full leaf level or lower level exists
   * (default 2^13; rounded down to a power of two). Same draws, same tree, same `nodesFd` bytes as
   * without it. 1 turns it off.
   */
  blockLeaves?: number;
  /**
   * Hashing workers started beforehand with {@link startHashingWorkers} (their count and native
   * module then stand for `workers` and `native`, which must agree if given). They have booted by
   * the time the build starts, so with the platform CSPRNG they also write the leaf order before
   * the shuffle, sharing the first touch of its memory. The build leaves them running: the caller
   * closes them, and after a failed build must wait for the close before closing the files given
   * here (a worker may still be writing to them).
   */
  pool?: HashingWorkers;
}

/** Hashing worker threads started ahead of a build ({@link startHashingWorkers}). */
export interface HashingWorkers {
  /** Worker threads. */
  readonly size: number;
  /** Stops the workers; resolves once they have stopped. */
  close(): Promise<unknown>;
}

/**
 * Starts the hashing workers of {@link buildLiabilitiesTreeParallel} ahead of the build (its
 * `pool` option): each boots in tens of milliseconds (60-70 ms on the 2-vCPU VM of
 * docs/benchmarks.md), which can overlap other work, such as reading the accounts file.
 * `workers` and `native` as in ParallelTreeOptions. Close them once done with them.
 */
export function startHashingWorkers(options: Pick<ParallelTreeOptions, 'workers' | 'native'> = {}): HashingWorkers {
  return new Pool(Math.max(1, options.workers ?? availableParallelism()), nativeForWorkers(options.native));
}

/** Leaves per sub-batch of a 'leaves' job: their table reads first, then their hashing. */
const STAGE = 1024;

/** Levels of fewer nodes are hashed on the main thread (a job's round trip costs more than their hashing). */
const MIN_WORKER_LEVEL = 1024;

/** Leaves of a block in block mode: its leaf records (768 KiB with 4 assets) stay in a core's 1 MiB L2 cache. */
const BLOCK = 1 << 13;

/** log2 of the block size for `leafCount` leaves: the largest power of two up to `most` that divides it. */
function blockDepth(leafCount: number, most: number): number {
  let d = 0;
  while (2 ** (d + 1) <= most && leafCount % 2 ** (d + 1) === 0) d++;
  return d;
}

/**
 * Positioned writes in the background; `done` resolves once all are written, or rejects with the
 * first failure.
 */
function backgroundWriter(): { write: (fd: number, bytes: Uint8Array, position: number) => Promise<void>; done: () => Promise<void> } {
  const pending: Promise<void>[] = [];
  let failure: Error | undefined;
  const writeAll = async (fd: number, bytes: Uint8Array, position: number): Promise<void> => {
    for (let o = 0; o < bytes.length; ) o += await new Promise<number>((res, rej) => fsWrite(fd, bytes, o, bytes.length - o, position + o, (e, n) => (e ? rej(e) : res(n))));
  };
  return {
    write: (fd, bytes, position) => {
      const p = writeAll(fd, bytes, position).catch((e: Error) => void (failure ??= e));
      pending.push(p);
      return p;
    },
    done: async () => {
      await Promise.all(pending);
      if (failure) throw failure;
    },
  };
}

/** The byte offset of every level in the nodes file (level 0 first). */
function levelOffsets(sizes: number[], recordBytes: number): number[] {
  const at = [0];
  for (let l = 1; l < sizes.length; l++) at.push(at[l - 1]! + sizes[l - 1]! * recordBytes);
  return at;
}

/** For a table in private memory: its ids copied to shared memory, and no balances (they are already in the leaves). */
function sharedIdsOnly(accounts: AccountTable): ReturnType<AccountTable['sharedBuffers']> {
  const ids = shared(accounts.idArenaBytes().length);
  ids.set(accounts.idArenaBytes());
  const offsets = shared(4 * (accounts.count + 1));
  new Uint32Array(offsets.buffer).set(accounts.idOffsets());
  return { chunks: [], chunkShift: 16, stride: 0, ids: ids.buffer, idOffsets: offsets.buffer, count: accounts.count };
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
  const keep = options.keepLevels ?? true;
  // Block mode needs the balances in the shared table: a private one's are gathered into the leaf records by planTree.
  const depth = !keep && options.onLevel === undefined && table ? blockDepth(treeShape(accounts.count, options).leafCount, options.blockLeaves ?? BLOCK) : 0;
  // Block mode with worker draws and a salts file: each worker draws its blocks' salts in scratch memory.
  const ownSalts = depth > 0 && draw && options.saltsFd !== undefined;
  // Workers started beforehand, or started here first: they boot (tens of milliseconds each) while the plan is laid out.
  const given = options.pool;
  if (given !== undefined) {
    if (!(given instanceof Pool)) throw new TypeError('pool must come from startHashingWorkers()');
    if (options.workers !== undefined && Math.max(1, options.workers) !== given.size) throw new RangeError(`workers is ${options.workers} but the pool given has ${given.size}`);
    if (options.native !== undefined && nativeForWorkers(options.native) !== given.native) throw new RangeError(`native is ${options.native} but the pool given was started ${given.native ? 'with' : 'without'} the native module`);
  }
  const workers = given?.size ?? Math.max(1, options.workers ?? availableParallelism());
  const pool = given ?? new Pool(workers, nativeForWorkers(options.native));
  // Booted workers write the leaf order before the shuffle (below); booting ones would only delay it.
  const workersFill = given !== undefined && draw;
  let writer: ReturnType<typeof backgroundWriter> | undefined;
  let built = false;
  try {
    const plan = planTree(accounts, { ...options, releaseBalances: false, gatherBalances: table === undefined, placePaddingUids: false, leaveDraws: draw, allocateLeaves: depth === 0, allocateSalts: !ownSalts, fillLeafAccount: !workersFill }, shared);
    if (workersFill) {
      // Two ranges a worker, so one that starts late still gets its share.
      const fill = ranges(plan.leafCount, Math.ceil(plan.leafCount / (2 * workers))).map(([from, to]) => ({ kind: 'identity' as const, from, to, items: plan.leafAccount.buffer }));
      await pool.run(fill, () => undefined);
    }
    const k = accounts.assets.length;
    const r = HASH_BYTES + AMOUNT_BYTES * k;
    const levelAt = levelOffsets(plan.sizes, r);
    writer = options.nodesFd === undefined && options.saltsFd === undefined ? undefined : backgroundWriter();
    // Level `depth` (the blocks' roots; the leaves without block mode) is the first level in shared memory.
    const bottom = depth > 0 ? shared(plan.sizes[depth]! * r) : plan.leaves;
    const source = table ?? sharedIdsOnly(accounts);
    const totalHashes = accounts.count + plan.sizes.reduce((a, b) => a + b, 0);
    let done = 0;
    const tick = (step: number): void => {
      done += step;
      options.onProgress?.(done, totalHashes);
    };
    const mainHash: Sha256 = options.hash ?? ((m) => nodeHash('sha256', m, 'buffer'));
    const job = Math.max(1, options.jobSize ?? JOB);
    // The shuffle on this thread: in C with the native module (the same draws and permutation).
    const native = nativeOnThisThread(options.native);
    // Every leaf in leaf order: an account's uid hash and leaf hash, a padding leaf's leaf hash.
    // Jobs are ranges of leaves; without worker draws, each is told how many padding leaves come before it.
    const common = { ...source, gather: table !== undefined, leafAccount: plan.leafAccount.buffer, padUids: (plan.padUids ?? new Uint8Array(0)).buffer, stage: Math.max(1, options.stageSize ?? STAGE), snapshotId: plan.snapshotId, uidTag: UID_TAG, maxIdBytes: MAX_ID_BYTES, recordBytes: r, records: plan.leaves.buffer, salts: plan.salts.buffer, draw };
    // Block mode: jobs of whole blocks; each also hashes its blocks' levels 1 to depth (2^depth - 1 nodes a block).
    const size = 2 ** depth;
    const blockJobs = { kind: 'subtree' as const, depth, top: bottom.buffer, assets: k, sizes: plan.sizes.slice(0, depth + 1), levelAt, fd: options.nodesFd ?? null, saltsFd: ownSalts ? options.saltsFd : null };
    // Guided sizes: the last jobs handed out shrink to a block (8,192 leaves without block mode), so the workers finish together.
    const most = Math.max(size, Math.floor(job / size) * size);
    const unit = depth > 0 ? size : Math.min(most, BLOCK);
    const jobs = guidedRanges(plan.leafCount, most, unit, workers, draw && table !== undefined).map(([from, to]) => ({ kind: 'leaves' as Job['kind'], from, to, padFrom: 0, pads: 0, ...common, ...(depth > 0 ? blockJobs : {}) }));
    const leafDone = (j: Job): void => tick(2 * (j.to - j.from) - (j.pads as number) + (j.to - j.from) - (j.to - j.from) / size);
    let leafOverflow = -1;
    const countPads = (jb: (typeof jobs)[number], before: number): number => {
      jb.padFrom = before;
      for (let p = jb.from; p < jb.to; p++) if (plan.leafAccount[p]! >= accounts.count) jb.pads++;
      return before + jb.pads;
    };
    if (!draw) {
      jobs.reduce((before, jb) => countPads(jb, before), 0);
      leafOverflow = await pool.run(jobs, leafDone);
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
        shuffleWith(native, plan.leafAccount, random, top, stop);
        top = stop;
        countPads(jb, 0);
        queue.push(jb);
        // Let the pool hand the job out (its workers report back through this thread's event loop).
        await new Promise((resolve) => setImmediate(resolve));
      }
      queue.end();
      leafOverflow = await running;
    } else {
      shuffleWith(native, plan.leafAccount, new RandomStream(cryptoRandom));
      accounts.gatherBalances(plan.leafAccount, plan.leaves, r, HASH_BYTES);
      for (const jb of jobs) countPads(jb, 0);
      leafOverflow = await pool.run(jobs, leafDone);
    }
    // A block job reports the lowest level of its blocks where a sum overflowed (see worker-source.ts).
    checkOverflow(accounts, leafOverflow < 0 ? -1 : leafOverflow % k);
    // Unless the workers drew and wrote them, the salts are all drawn by now, in memory.
    if (!ownSalts && options.saltsFd !== undefined) void writer!.write(options.saltsFd, plan.salts, 0);
    if (options.releaseBalances) accounts.releaseBalances();
    const levels: Uint8Array[] | undefined = keep ? [plan.leaves] : undefined;
    const onLevel = (l: number, records: Uint8Array, count: number): unknown => {
      const consumer = options.onLevel?.(l, records, count);
      const written = options.nodesFd === undefined ? undefined : writer!.write(options.nodesFd, records.subarray(0, count * r), levelAt[l]!);
      return written ? Promise.all([consumer, written]) : consumer;
    };
    // Without kept levels, level l goes into the memory of level l - 2 (the leaves' for l = 2) once
    // its consumer is done with it: on this VM a fresh page costs 10-13 µs on first touch, so
    // reusing memory saves touching half of the levels' size.
    const handed: { buffer: Uint8Array; done: unknown }[] = [{ buffer: bottom, done: onLevel(depth, bottom, plan.sizes[depth]!) }];
    let prev = bottom;
    for (let l = depth + 1; l <= plan.height; l++) {
      const count = plan.sizes[l]!;
      let overflow: number;
      let next: Uint8Array;
      if (count < Math.min(MIN_WORKER_LEVEL, job)) {
        next = new Uint8Array(count * r);
        overflow = hashLevelRange(prev, plan.sizes[l - 1]!, next, k, mainHash, 0, count, tick);
      } else {
        const reuse = keep ? undefined : handed[l - 2 - depth];
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
      handed.push({ buffer: next, done: onLevel(l, next, count) });
      levels?.push(next);
      prev = next;
    }
    await writer?.done();
    built = true;
    return new LiabilitiesTree(accounts, plan.snapshotId, plan.height, plan.leafCount, prev.slice(0, r), plan.leafAccount, plan.salts, levels, options.saltsFd !== undefined);
  } finally {
    // Settle the writes in flight (a failed build included), so the caller may close the file.
    await writer?.done().catch(() => undefined);
    // After a build every job is done, so the workers are left to stop on their own (20-30 ms on
    // the 2-vCPU VM). After a failure, a worker may still be writing to the caller's files: wait.
    // Workers the caller started are the caller's to close.
    if (given === undefined) {
      if (built) void pool.close().catch(() => undefined);
      else await pool.close();
    }
  }
}
