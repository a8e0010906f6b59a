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
import { JOB, Pool, ranges, shared } from './pool.js';

/** Options of {@link buildLiabilitiesTreeParallel}. */
export interface ParallelTreeOptions extends Omit<TreeOptions, 'hash'> {
  /** Worker threads (default: the number of CPUs the process may use). */
  workers?: number;
  /** SHA-256 for the small upper levels hashed on the main thread (default: node:crypto). */
  hash?: Sha256;
  /** Leaves or nodes per worker job (default 131072); levels smaller than one job are hashed on the main thread. */
  jobSize?: number;
  /** log2 of the leaves per block the account phase groups accounts by (default 16). */
  groupShift?: number;
}

/** Leaves per block when accounts are grouped for the account phase (2^16 leaves: about 6 MB of records with 4 assets). */
const BLOCK_SHIFT = 16;

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
  const plan = planTree(accounts, { ...options, releaseBalances: false, gatherBalances: table === undefined }, shared);
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
  const pool = new Pool(Math.max(1, options.workers ?? availableParallelism()));
  try {
    // Leaf of every account: the inverse of the shuffle.
    const leafOf = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, accounts.count)));
    for (let p = 0; p < plan.leafCount; p++) {
      const a = plan.leafAccount[p]!;
      if (a < accounts.count) leafOf[a] = p;
    }
    // Accounts grouped by block of 2^16 leaves (a counting sort, stable): each job's scattered
    // writes then stay within a few MB, which at tens of millions of accounts saves a cache and
    // TLB miss or two per account.
    const order = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, accounts.count)));
    {
      const shift = options.groupShift ?? BLOCK_SHIFT;
      const start = new Uint32Array((plan.leafCount >>> shift) + 2);
      for (let a = 0; a < accounts.count; a++) start[(leafOf[a]! >>> shift) + 1]!++;
      for (let b = 1; b < start.length; b++) start[b]! += start[b - 1]!;
      for (let a = 0; a < accounts.count; a++) order[start[leafOf[a]! >>> shift]!++] = a;
    }
    const common = { ...source, order: order.buffer, gather: table !== undefined, leafOf: leafOf.buffer, leafAccount: plan.leafAccount.buffer, snapshotId: plan.snapshotId, uidTag: UID_TAG, maxIdBytes: MAX_ID_BYTES, recordBytes: r, records: plan.leaves.buffer, salts: plan.salts.buffer };
    // Every account: its uid hash and its leaf hash (two hashes each).
    await pool.run(
      ranges(accounts.count, job).map(([from, to]) => ({ kind: 'accounts', from, to, ...common })),
      (j) => tick(2 * (j.to - j.from)),
    );
    // The padding leaves.
    await pool.run(
      ranges(plan.leafCount, job).map(([from, to]) => ({ kind: 'padding', from, to, ...common })),
      () => undefined,
    );
    tick(plan.leafCount - accounts.count);
    if (options.releaseBalances) accounts.releaseBalances();
    const keep = options.keepLevels ?? true;
    const levels: Uint8Array[] | undefined = keep ? [plan.leaves] : undefined;
    options.onLevel?.(0, plan.leaves, plan.leafCount);
    let prev = plan.leaves;
    for (let l = 1; l <= plan.height; l++) {
      const count = plan.sizes[l]!;
      let overflow: number;
      let next: Uint8Array;
      if (count < job) {
        next = new Uint8Array(count * r);
        overflow = hashLevelRange(prev, plan.sizes[l - 1]!, next, k, mainHash, 0, count, tick);
      } else {
        next = shared(count * r);
        const level = { prev: prev.buffer, next: next.buffer, prevCount: plan.sizes[l - 1]!, recordBytes: r, assets: k };
        overflow = await pool.run(
          ranges(count, job).map(([from, to]) => ({ kind: 'level', from, to, ...level })),
          (j) => tick(j.to - j.from),
        );
      }
      checkOverflow(accounts, overflow);
      options.onLevel?.(l, next, count);
      levels?.push(next);
      prev = next;
    }
    return new LiabilitiesTree(accounts, plan.snapshotId, plan.height, plan.leafCount, prev.slice(0, r), plan.leafAccount, plan.salts, levels);
  } finally {
    await pool.close();
  }
}
