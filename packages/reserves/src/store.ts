/**
 * The proof store: what an exchange keeps (privately) after a build to hand any customer their
 * proof on demand, for snapshots too large for one file per customer. Flat files of fixed-size
 * records, read with positioned reads; nothing is parsed into memory up front.
 *
 *   store.json  shape: scheme, assets, height, leafCount, accounts, snapshotId
 *   nodes.bin   every level's records, leaves first: hash(32) || sums[K] (u128 BE)
 *   salts.bin   32 bytes per leaf
 *   leaves.bin  u32 BE account number per leaf (>= accounts: a padding leaf)
 *   ids.bin     UTF-8 user ids in account (input) order
 *   ids.idx     (accounts + 1) u32 BE offsets into ids.bin
 *   lookup.bin  one u32 BE FNV-1a fingerprint of the id || u32 BE leaf index per account,
 *               sorted, for a binary search by user id
 *
 * Every file but lookup.bin is written front to back from arrays the build already has, so
 * writing the store of ten million accounts is a few sequential writes, not random reads.
 *
 * The store holds every salt and the id of every leaf: it is secret. Only the manifest is published.
 * Reading goes through an injected `read(file, offset, length)`, so this module does no IO.
 */
import { fnv1a } from './accounts.js';
import { checkAssets, type Asset } from './amount.js';
import { bytesEqual, toHex, utf8 } from './bytes.js';
import { ReservesError } from './errors.js';
import { AMOUNT_BYTES, HASH_BYTES } from './hash.js';
import { PROOF_SCHEME, type InclusionProof } from './proof.js';
import { levelSizes, readSums, type LiabilitiesTree } from './tree.js';

/** Store format version. */
export const STORE_SCHEME = 'keygrade-por-store/v1';

/** store.json */
export interface StoreMeta {
  scheme: typeof STORE_SCHEME;
  snapshotId: string;
  assets: Asset[];
  height: number;
  leafCount: number;
  accounts: number;
}

/** The files of a store. */
export type StoreFile = 'nodes.bin' | 'salts.bin' | 'leaves.bin' | 'ids.bin' | 'ids.idx' | 'lookup.bin';

/** Positioned read of `length` bytes at `offset` of a store file. */
export type StoreRead = (file: StoreFile, offset: number, length: number) => Uint8Array;

/** The store.json of a tree. */
export function storeMeta(tree: LiabilitiesTree): StoreMeta {
  return { scheme: STORE_SCHEME, snapshotId: toHex(tree.snapshotId), assets: [...tree.accounts.assets], height: tree.height, leafCount: tree.leafCount, accounts: tree.accounts.count };
}

/**
 * Emits the contents of salts.bin (unless the builder wrote it: `tree.saltsWritten`), leaves.bin,
 * ids.bin, ids.idx and lookup.bin in chunks (each file's chunks in order). nodes.bin is written from
 * the levels as they are built (`onLevel`, or a parallel builder's `nodesFd`).
 */
export function emitStoreIndex(tree: LiabilitiesTree, emit: (file: StoreFile, bytes: Uint8Array) => void): void {
  const CH = 1 << 16;
  const n = tree.accounts.count;
  if (!tree.saltsWritten) for (let p = 0; p < tree.leafCount; p += CH) emit('salts.bin', tree.salts.subarray(p * 32, Math.min(tree.leafCount, p + CH) * 32));
  emitU32(tree.leafAccount, (b) => emit('leaves.bin', b));
  const arena = tree.accounts.idArenaBytes();
  for (let o = 0; o < arena.length; o += 1 << 20) emit('ids.bin', arena.subarray(o, Math.min(arena.length, o + (1 << 20))));
  const offsets = tree.accounts.idOffsets();
  emitU32(offsets, (b) => emit('ids.idx', b));
  const keys = new Uint32Array(n);
  for (let a = 0; a < n; a++) keys[a] = fnv1a(arena, offsets[a]!, offsets[a + 1]!);
  const leaves = new Uint32Array(n);
  for (let p = 0; p < tree.leafCount; p++) {
    const a = tree.leafAccount[p]!;
    if (a < n) leaves[a] = p;
  }
  emitLookup(keys, leaves, (b) => emit('lookup.bin', b));
}

/**
 * Emits lookup.bin from the FNV-1a key of every account's id and its leaf (both by account;
 * both arrays are sorted in place).
 */
export function emitLookup(keys: Uint32Array, leaves: Uint32Array, emit: (bytes: Uint8Array) => void): void {
  const CH = 1 << 16;
  const n = keys.length;
  radixSort(keys, leaves);
  const out = new Uint8Array(8 * CH);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i += CH) {
    const m = Math.min(CH, n - i);
    for (let t = 0; t < m; t++) {
      view.setUint32(8 * t, keys[i + t]!);
      view.setUint32(8 * t + 4, leaves[i + t]!);
    }
    emit(out.slice(0, 8 * m));
  }
}

/** Emits u32 values big-endian, in chunks. */
function emitU32(values: Uint32Array, emit: (bytes: Uint8Array) => void): void {
  const CH = 1 << 16;
  const out = new Uint8Array(4 * CH);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i += CH) {
    const m = Math.min(CH, values.length - i);
    for (let t = 0; t < m; t++) view.setUint32(4 * t, values[i + t]!);
    emit(out.slice(0, 4 * m));
  }
}

/** LSD radix sort of `keys` (u32), carrying `values` along; stable. */
function radixSort(keys: Uint32Array, values: Uint32Array): void {
  let k: Uint32Array = keys;
  let v: Uint32Array = values;
  let k2: Uint32Array = new Uint32Array(keys.length);
  let v2: Uint32Array = new Uint32Array(keys.length);
  for (let shift = 0; shift < 32; shift += 8) {
    const count = new Uint32Array(257);
    for (let i = 0; i < k.length; i++) count[((k[i]! >>> shift) & 0xff) + 1]!++;
    for (let b = 0; b < 256; b++) count[b + 1]! += count[b]!;
    for (let i = 0; i < k.length; i++) {
      const d = count[(k[i]! >>> shift) & 0xff]!++;
      k2[d] = k[i]!;
      v2[d] = v[i]!;
    }
    [k, k2] = [k2, k];
    [v, v2] = [v2, v];
  }
  // four passes: the sorted data is back in the caller's arrays
}

/** Reads store.json (untrusted only in the sense of "possibly damaged"). */
export function parseStoreMeta(value: unknown): StoreMeta {
  const m = value as Partial<StoreMeta> | null;
  const ok = m !== null && typeof m === 'object' && m.scheme === STORE_SCHEME && typeof m.snapshotId === 'string' && Array.isArray(m.assets) && Number.isSafeInteger(m.height) && Number.isSafeInteger(m.leafCount) && Number.isSafeInteger(m.accounts);
  if (!ok) throw new ReservesError('RESERVES_BAD_STORE', `store.json is not a ${STORE_SCHEME} store`);
  checkAssets(m.assets!);
  return m as StoreMeta;
}

/** Serves proofs from a store through positioned reads. */
export class ProofStore {
  private readonly record: number;
  private readonly levelOffsets: number[];
  private readonly sizes: number[];

  constructor(
    readonly meta: StoreMeta,
    private readonly read: StoreRead,
  ) {
    this.record = HASH_BYTES + AMOUNT_BYTES * meta.assets.length;
    this.sizes = levelSizes(meta.leafCount, meta.height);
    this.levelOffsets = [];
    let o = 0;
    for (const s of this.sizes) {
      this.levelOffsets.push(o);
      o += s * this.record;
    }
  }

  /** The leaf index of a user id, or -1. */
  find(userId: string): number {
    const id = utf8(userId);
    const fp = fnv1a(id, 0, id.length);
    let lo = 0;
    let hi = this.meta.accounts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entry(mid)[0] < fp) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.meta.accounts; i++) {
      const [key, leaf] = this.entry(i);
      if (key !== fp) break;
      if (bytesEqual(this.idOf(this.u32('leaves.bin', leaf)), id)) return leaf;
    }
    return -1;
  }

  /** The user id of account number `account` (input order, 0-based). */
  accountId(account: number): string {
    if (!Number.isSafeInteger(account) || account < 0 || account >= this.meta.accounts) throw new ReservesError('RESERVES_NOT_FOUND', `no account number ${account}`);
    return new TextDecoder().decode(this.idOf(account));
  }

  /** The proof of a user id; RESERVES_NOT_FOUND when the snapshot has no such account. */
  proofFor(userId: string): InclusionProof {
    const leaf = this.find(userId);
    if (leaf < 0) throw new ReservesError('RESERVES_NOT_FOUND', `no account ${JSON.stringify(userId)} in this snapshot`);
    return this.proofAt(leaf);
  }

  /** The proof of the account at a leaf index. */
  proofAt(leaf: number): InclusionProof {
    if (!Number.isSafeInteger(leaf) || leaf < 0 || leaf >= this.meta.leafCount) throw new ReservesError('RESERVES_NOT_FOUND', `no leaf ${leaf}`);
    const account = this.u32('leaves.bin', leaf);
    if (account >= this.meta.accounts) throw new ReservesError('RESERVES_NOT_FOUND', `leaf ${leaf} holds no account`);
    const k = this.meta.assets.length;
    const path = [];
    for (let l = 0; l < this.meta.height; l++) {
      const s = Math.floor(leaf / 2 ** l) ^ 1;
      const rec = s < this.sizes[l]! ? this.node(l, s) : new Uint8Array(this.record);
      path.push({ hash: toHex(rec.subarray(0, HASH_BYTES)), sums: readSums(rec, HASH_BYTES, k).map(String) });
    }
    return {
      scheme: PROOF_SCHEME,
      snapshotId: this.meta.snapshotId,
      account: new TextDecoder().decode(this.idOf(account)),
      salt: toHex(this.read('salts.bin', leaf * 32, 32)),
      index: leaf,
      assets: this.meta.assets.map((a) => a.symbol),
      balances: readSums(this.node(0, leaf), HASH_BYTES, k).map(String),
      path,
    };
  }

  private node(level: number, i: number): Uint8Array {
    return this.read('nodes.bin', this.levelOffsets[level]! + i * this.record, this.record);
  }

  private u32(file: StoreFile, i: number): number {
    const b = this.read(file, i * 4, 4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
  }

  private entry(i: number): [number, number] {
    const b = this.read('lookup.bin', i * 8, 8);
    const v = new DataView(b.buffer, b.byteOffset, 8);
    return [v.getUint32(0), v.getUint32(4)];
  }

  private idOf(account: number): Uint8Array {
    const b = this.read('ids.idx', account * 4, 8);
    const v = new DataView(b.buffer, b.byteOffset, 8);
    const start = v.getUint32(0);
    return this.read('ids.bin', start, v.getUint32(4) - start);
  }
}
