/**
 * The liabilities tree: a Merkle-sum tree of fixed height over shuffled, padded leaves.
 *
 * Layout. Level 0 holds `leafCount` leaves, level l holds ceil(n_{l-1} / 2) nodes, level `height`
 * holds the root. Every record is `hash(32) || sums[K] (u128 BE)`, so the input of a parent hash
 * is `0x01 || left record || right record`: two adjacent records of the level below. Slots past
 * the last leaf of a level are empty subtrees, written as 32 zero bytes with zero sums (like the
 * default nodes of a sparse Merkle tree); the leaf count is in the signed manifest, so an empty
 * sibling reveals nothing a verifier does not already know.
 *
 * Padding. Real accounts are padded with leaves whose uid hash and salt are random and whose
 * balances are zero: a padding leaf hashes exactly like a real account with nothing on it. The
 * default leaf count rounds the number of accounts up to four significant bits (at most 1/8
 * more leaves), so the published count hides the exact number of customers.
 */
import { MAX_ID_BYTES, type AccountTable } from './accounts.js';
import type { Asset } from './amount.js';
import { toHex, writeU64 } from './bytes.js';
import { ReservesError } from './errors.js';
import { AMOUNT_BYTES, HASH_BYTES, LEAF_PREFIX, NODE_PREFIX, UID_TAG, nobleSha256, type Sha256 } from './hash.js';
import { cryptoRandom, RandomStream, shuffle, type RandomSource } from './random.js';
import { PROOF_SCHEME, type InclusionProof } from './proof.js';

/** The fewest leaves a tree has: a snapshot of three customers should not say it has three. */
export const MIN_LEAVES = 16;

/** The highest tree a snapshot may declare (the leaf index is a u64, but 2^40 leaves is already far beyond any exchange). */
export const MAX_HEIGHT = 40;

/** Options of {@link buildLiabilitiesTree}. */
export interface TreeOptions {
  /** Randomness for the snapshot id, salts, padding and shuffle (default: the platform CSPRNG). */
  random?: RandomSource;
  /** SHA-256 implementation (default: @noble/hashes; node callers may pass node:crypto's). */
  hash?: Sha256;
  /** A fixed height (kept the same across snapshots, it hides growth); default: the lowest that fits. */
  height?: number;
  /** Pad to at least this many leaves. */
  minLeaves?: number;
  /**
   * Called with each finished level (0 = leaves), e.g. to stream it to disk. With `keepLevels: false`
   * the parallel builder writes level l + 2 into the memory of level l once this call for level l has
   * returned, or the promise it returned has settled: use or copy `records` by then. A consumer of
   * whole levels keeps the parallel builder from its block mode; to stream the levels to a file, give
   * it the file instead (`nodesFd` of ParallelTreeOptions).
   */
  onLevel?: (level: number, records: Uint8Array, count: number) => unknown;
  /** Keep every level in memory so proofs can be taken from the tree (default true). */
  keepLevels?: boolean;
  /** Progress: hashes done out of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Free the table's balances once they are copied into the leaves (saves 16 bytes × assets × accounts). */
  releaseBalances?: boolean;
}

/**
 * The leaf count for `accounts` accounts: at least `minLeaves` (and {@link MIN_LEAVES}), rounded up to a number
 * with four significant bits.
 */
export function paddedLeafCount(accounts: number, minLeaves = 0): number {
  const m = Math.max(accounts, minLeaves, MIN_LEAVES);
  const bits = Math.ceil(Math.log2(m + 1));
  const step = 2 ** Math.max(0, bits - 4);
  return Math.ceil(m / step) * step;
}

/** The lowest height whose 2^height slots hold `leafCount` leaves (at least 1). */
export function minimumHeight(leafCount: number): number {
  let h = 1;
  while (2 ** h < leafCount) h++;
  return h;
}

/** Number of records of each level, from the leaves (index 0) to the root (index height). */
export function levelSizes(leafCount: number, height: number): number[] {
  const sizes = [leafCount];
  for (let l = 1; l <= height; l++) sizes.push(Math.ceil(sizes[l - 1]! / 2));
  return sizes;
}

/** What a manifest needs of a built tree (in memory or streamed to disk). */
export interface TreeSummary {
  readonly accounts: { readonly assets: readonly Asset[]; readonly count: number };
  readonly snapshotId: Uint8Array;
  readonly height: number;
  readonly leafCount: number;
  readonly root: Uint8Array;
  readonly totals: bigint[];
}

/** The leaf count and height of a build of `accounts` accounts (checked; see {@link planTree}). */
export function treeShape(accounts: number, options: Pick<TreeOptions, 'height' | 'minLeaves'> = {}): { leafCount: number; height: number } {
  if (accounts === 0) throw new ReservesError('RESERVES_NO_ACCOUNTS', 'there are no accounts to build a snapshot from');
  const leafCount = paddedLeafCount(accounts, options.minLeaves);
  const height = options.height ?? minimumHeight(leafCount);
  if (!Number.isInteger(height) || height < 1 || height > MAX_HEIGHT) throw new ReservesError('RESERVES_BAD_SHAPE', `the height must be an integer from 1 to ${MAX_HEIGHT}`);
  if (2 ** height < leafCount) throw new ReservesError('RESERVES_BAD_SHAPE', `a tree of height ${height} holds ${2 ** height} leaves, fewer than the ${leafCount} needed (${accounts} accounts with padding)`);
  if (leafCount > 0xffff_ffff) throw new ReservesError('RESERVES_BAD_SHAPE', `${leafCount} leaves is more than one build holds`);
  return { leafCount, height };
}

/** A built snapshot: the root, the totals and what is needed to hand every account its proof. */
export class LiabilitiesTree implements TreeSummary {
  constructor(
    readonly accounts: AccountTable,
    readonly snapshotId: Uint8Array,
    readonly height: number,
    readonly leafCount: number,
    /** Root record: hash(32) || sums[K]. */
    readonly rootRecord: Uint8Array,
    /** Leaf index -> account index (values >= accounts.count are padding). */
    readonly leafAccount: Uint32Array,
    /** 32-byte salt of every leaf, by leaf index (empty when a builder wrote them out and did not keep them). */
    readonly salts: Uint8Array,
    /** Every level's records, when kept. */
    readonly levels: Uint8Array[] | undefined,
    /** The builder wrote the salts to a file of the store (salts.bin) itself (`saltsFd`): emitStoreIndex leaves that file out. */
    readonly saltsWritten = false,
  ) {}

  /** The root hash. */
  get root(): Uint8Array {
    return this.rootRecord.subarray(0, HASH_BYTES);
  }

  /** Per-asset totals in base units (the root's sums). */
  get totals(): bigint[] {
    return readSums(this.rootRecord, HASH_BYTES, this.accounts.assets.length);
  }

  /** Bytes of one record. */
  get recordBytes(): number {
    return HASH_BYTES + AMOUNT_BYTES * this.accounts.assets.length;
  }

  /** Account index -> leaf index. */
  accountLeaves(): Uint32Array {
    const out = new Uint32Array(this.accounts.count);
    for (let p = 0; p < this.leafCount; p++) {
      const a = this.leafAccount[p]!;
      if (a < this.accounts.count) out[a] = p;
    }
    return out;
  }

  /** The inclusion proof of the leaf at `leafIndex` (a real account's). */
  proofAt(leafIndex: number): InclusionProof {
    const a = this.leafAccount[leafIndex];
    if (a === undefined || a >= this.accounts.count) throw new ReservesError('RESERVES_NOT_FOUND', `leaf ${leafIndex} holds no account`);
    const levels = this.levels;
    if (!levels) throw new RangeError('the tree was built with keepLevels: false; read proofs from the store');
    const k = this.accounts.assets.length;
    const r = this.recordBytes;
    const path = [];
    const sizes = levelSizes(this.leafCount, this.height);
    for (let l = 0; l < this.height; l++) {
      const sibling = Math.floor(leafIndex / 2 ** l) ^ 1;
      const rec = sibling < sizes[l]! ? levels[l]!.subarray(sibling * r, (sibling + 1) * r) : new Uint8Array(r);
      path.push({ hash: toHex(rec.subarray(0, HASH_BYTES)), sums: readSums(rec, HASH_BYTES, k).map(String) });
    }
    return {
      scheme: PROOF_SCHEME,
      snapshotId: toHex(this.snapshotId),
      account: this.accounts.id(a),
      salt: toHex(this.salts.subarray(leafIndex * 32, leafIndex * 32 + 32)),
      index: leafIndex,
      assets: this.accounts.assets.map((x) => x.symbol),
      balances: readSums(levels[0]!, leafIndex * r + HASH_BYTES, k).map(String),
      path,
    };
  }

  /** The inclusion proof of a user id. */
  proofFor(userId: string): InclusionProof {
    const a = this.accounts.find(userId);
    if (a < 0) throw new ReservesError('RESERVES_NOT_FOUND', `no account ${JSON.stringify(userId)} in this snapshot`);
    for (let p = 0; p < this.leafCount; p++) if (this.leafAccount[p] === a) return this.proofAt(p);
    throw new ReservesError('RESERVES_NOT_FOUND', `no leaf for account ${JSON.stringify(userId)}`);
  }
}

/** Reads K big-endian u128 sums starting at `offset`. */
export function readSums(rec: Uint8Array, offset: number, k: number): bigint[] {
  const view = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i < k; i++) {
    const o = offset + i * AMOUNT_BYTES;
    out.push((view.getBigUint64(o) << 64n) | view.getBigUint64(o + 8));
  }
  return out;
}

/** The random and structural decisions of a build, before any hashing. */
export interface TreePlan {
  snapshotId: Uint8Array;
  leafCount: number;
  height: number;
  /** Records per level, leaves first. */
  sizes: number[];
  /** Leaf index -> account index (>= accounts.count: padding). */
  leafAccount: Uint32Array;
  /** 32 bytes per leaf. */
  salts: Uint8Array;
  /** Level-0 records before hashing: balances in place, and in the hash slot of every padding leaf its random uid hash (unless `padUids` is set). */
  leaves: Uint8Array;
  /** With `placePaddingUids: false`: the padding leaves' uid hashes, 32 bytes each in leaf order, not yet placed in `leaves`. */
  padUids?: Uint8Array;
}

/**
 * Draws everything random of a build and lays out the leaf records (see {@link buildLiabilitiesTree}).
 * `allocate` lets a parallel builder put the big arrays in shared memory.
 */
export function planTree(
  accounts: AccountTable,
  options: Pick<TreeOptions, 'random' | 'height' | 'minLeaves' | 'releaseBalances'> & {
    /** Copy the balances into the leaves here (default); a parallel builder lets its workers do it. */
    gatherBalances?: boolean;
    /** Write the padding leaves' uid hashes into their hash slots here (default); a parallel builder lets its workers do it (`plan.padUids`). */
    placePaddingUids?: boolean;
    /**
     * Leave the shuffle, the salts and the padding leaves' uid hashes to the caller (only with the
     * platform CSPRNG, without `random`): `leafAccount` comes back in account order (padding last)
     * for the caller to {@link shuffle}, the salts zero, no `padUids`, and no balances gathered or
     * released (that too is for after the shuffle). A parallel builder draws them itself, overlapped
     * with hashing.
     */
    leaveDraws?: boolean;
    /**
     * Allocate the leaf records (default). A parallel builder that hashes the leaves block by block
     * in scratch memory passes false: `leaves` is then empty (only with `gatherBalances` and
     * `placePaddingUids` false, which write into it).
     */
    allocateLeaves?: boolean;
    /**
     * Allocate the salts (default). With `leaveDraws`, a parallel builder whose workers draw each
     * block's salts into scratch memory and write them out passes false: `salts` is then empty.
     */
    allocateSalts?: boolean;
    /**
     * Write the identity into `leafAccount` before it is shuffled (default). With `leaveDraws`, a
     * parallel builder whose workers are already running passes false and has them write it (the
     * array's first touch is then split over the cores): `leafAccount` comes back zero.
     */
    fillLeafAccount?: boolean;
  } = {},
  allocate: (bytes: number) => Uint8Array = (b) => new Uint8Array(b),
): TreePlan {
  const n = accounts.count;
  const { leafCount, height } = treeShape(n, options);
  const leave = options.leaveDraws === true;
  if (leave && options.random) throw new RangeError('leaveDraws needs the platform CSPRNG (no random option): a given source draws everything here, in its fixed order');
  const random = new RandomStream(options.random ?? cryptoRandom);
  const snapshotId = random.bytes(32);
  const perm = allocate(4 * leafCount);
  const leafAccount = new Uint32Array(perm.buffer, perm.byteOffset, leafCount);
  if (options.fillLeafAccount === false && !leave) throw new RangeError('fillLeafAccount: false needs leaveDraws (the shuffle runs here otherwise)');
  if (options.fillLeafAccount !== false) for (let p = 0; p < leafCount; p++) leafAccount[p] = p;
  if (options.allocateSalts === false && !leave) throw new RangeError('allocateSalts: false needs leaveDraws (the salts are drawn here otherwise)');
  const salts = options.allocateSalts === false ? new Uint8Array(0) : allocate(leafCount * 32);
  const r = HASH_BYTES + accounts.balanceBytes;
  if (options.allocateLeaves === false && (options.gatherBalances !== false || options.placePaddingUids !== false)) throw new RangeError('allocateLeaves: false needs gatherBalances and placePaddingUids false');
  const leaves = options.allocateLeaves === false ? new Uint8Array(0) : allocate(leafCount * r);
  if (leave) {
    // Nothing gathered and nothing released: the balances go into the leaves after the shuffle.
    return { snapshotId, leafCount, height, sizes: levelSizes(leafCount, height), leafAccount, salts, leaves };
  }
  shuffle(leafAccount, random);
  random.fill(salts);
  if (options.gatherBalances !== false) accounts.gatherBalances(leafAccount, leaves, r, HASH_BYTES);
  const padUids = leafCount > n ? allocate(32 * (leafCount - n)) : new Uint8Array(0);
  random.fill(padUids);
  const place = options.placePaddingUids !== false;
  if (place) {
    for (let p = 0, q = 0; p < leafCount; p++) {
      if (leafAccount[p]! >= n) {
        leaves.set(padUids.subarray(q, q + 32), p * r);
        q += 32;
      }
    }
  }
  if (options.releaseBalances) accounts.releaseBalances();
  return { snapshotId, leafCount, height, sizes: levelSizes(leafCount, height), leafAccount, salts, leaves, ...(place ? {} : { padUids }) };
}

/**
 * Builds the liabilities tree of `accounts`: draws the snapshot id, pads, shuffles (Fisher–Yates),
 * salts every leaf, hashes the leaves and every level up to the root, and checks every node's
 * sums stay below 2^128 (RESERVES_OVERFLOW otherwise).
 *
 * Random draws, in order: snapshot id (32 bytes), the shuffle, all salts (32 bytes per leaf in
 * leaf order), then the uid hashes of the padding leaves (32 bytes each, in leaf order).
 */
export function buildLiabilitiesTree(accounts: AccountTable, options: TreeOptions = {}): LiabilitiesTree {
  const hash = options.hash ?? nobleSha256;
  const plan = planTree(accounts, options);
  const k = accounts.assets.length;
  // Progress counts every hash: one uid hash per account, then every leaf and node.
  const totalHashes = accounts.count + plan.sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  const tick = options.onProgress
    ? (step: number) => {
        done += step;
        options.onProgress!(done, totalHashes);
      }
    : undefined;
  hashLeafRange(accounts, plan, hash, 0, plan.leafCount, tick);
  tick?.(accounts.count);
  const keep = options.keepLevels ?? true;
  const levels: Uint8Array[] | undefined = keep ? [plan.leaves] : undefined;
  options.onLevel?.(0, plan.leaves, plan.leafCount);
  let prev = plan.leaves;
  for (let l = 1; l <= plan.height; l++) {
    const next = new Uint8Array(plan.sizes[l]! * (HASH_BYTES + AMOUNT_BYTES * k));
    checkOverflow(accounts, hashLevelRange(prev, plan.sizes[l - 1]!, next, k, hash, 0, plan.sizes[l]!, tick));
    options.onLevel?.(l, next, plan.sizes[l]!);
    levels?.push(next);
    prev = next;
  }
  return new LiabilitiesTree(accounts, plan.snapshotId, plan.height, plan.leafCount, prev.slice(0, HASH_BYTES + AMOUNT_BYTES * k), plan.leafAccount, plan.salts, levels);
}

/** Throws RESERVES_OVERFLOW for the asset index a level reported, if any. */
export function checkOverflow(accounts: AccountTable, asset: number): void {
  if (asset >= 0) throw new ReservesError('RESERVES_OVERFLOW', `the total of ${accounts.assets[asset]!.symbol} exceeds 2^128 - 1 base units`);
}

/** Hashes leaves [from, to) of a plan in place (uid hash from the account's id, or the padding uid already in the hash slot). */
export function hashLeafRange(accounts: AccountTable, plan: TreePlan, hash: Sha256, from: number, to: number, tick?: (step: number) => void): void {
  const n = accounts.count;
  const r = HASH_BYTES + accounts.balanceBytes;
  const out = plan.leaves;
  const msg = new Uint8Array(105 + accounts.balanceBytes);
  msg[0] = LEAF_PREFIX;
  msg.set(plan.snapshotId, 1);
  const uidMsg = new Uint8Array(UID_TAG.length + 32 + MAX_ID_BYTES);
  uidMsg.set(UID_TAG, 0);
  const TICK = 1 << 16;
  for (let p = from; p < to; p++) {
    const a = plan.leafAccount[p]!;
    const o = p * r;
    const salt = plan.salts.subarray(p * 32, p * 32 + 32);
    writeU64(msg, 33, p);
    msg.set(salt, 73);
    if (a < n) {
      const id = accounts.idBytes(a);
      uidMsg.set(salt, UID_TAG.length);
      uidMsg.set(id, UID_TAG.length + 32);
      msg.set(hash(uidMsg.subarray(0, UID_TAG.length + 32 + id.length)), 41);
    } else {
      msg.set(out.subarray(o, o + HASH_BYTES), 41);
    }
    msg.set(out.subarray(o + HASH_BYTES, o + r), 105);
    out.set(hash(msg), o);
    if (tick && (p + 1 - from) % TICK === 0) tick(TICK);
  }
  tick?.((to - from) % TICK);
}

/**
 * Hashes nodes [from, to) of a level from the level below, adding the children's sums; returns the
 * index of an asset whose sum reached 2^128, or -1.
 */
export function hashLevelRange(prev: Uint8Array, prevCount: number, out: Uint8Array, k: number, hash: Sha256, from: number, to: number, tick?: (step: number) => void): number {
  const r = HASH_BYTES + AMOUNT_BYTES * k;
  const msg = new Uint8Array(1 + 2 * r);
  msg[0] = NODE_PREFIX;
  const pv = new DataView(prev.buffer, prev.byteOffset, prev.byteLength);
  const ov = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const TICK = 1 << 16;
  for (let i = from; i < to; i++) {
    const left = 2 * i * r;
    if (2 * i + 1 < prevCount) {
      msg.set(prev.subarray(left, left + 2 * r), 1);
      for (let a = 0; a < k; a++) {
        const lo = left + HASH_BYTES + a * AMOUNT_BYTES;
        const oo = i * r + HASH_BYTES + a * AMOUNT_BYTES;
        let carry = 0;
        for (let j = 12; j >= 0; j -= 4) {
          const s = pv.getUint32(lo + j) + pv.getUint32(lo + r + j) + carry;
          carry = s > 0xffff_ffff ? 1 : 0;
          ov.setUint32(oo + j, s >>> 0);
        }
        if (carry) return a;
      }
    } else {
      msg.set(prev.subarray(left, left + r), 1);
      msg.fill(0, 1 + r);
      out.set(prev.subarray(left + HASH_BYTES, left + r), i * r + HASH_BYTES);
    }
    out.set(hash(msg), i * r);
    if (tick && (i + 1 - from) % TICK === 0) tick(TICK);
  }
  tick?.((to - from) % TICK);
  return -1;
}
