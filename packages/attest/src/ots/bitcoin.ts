/**
 * The Bitcoin facts an OpenTimestamps verifier needs: the 80-byte block header, its hash, the
 * compact target (nBits) and the proof-of-work check as Bitcoin Core does them
 * (`arith_uint256::SetCompact`, `CheckProofOfWork`), and the transaction merkle root.
 * Hashes are in internal byte order (as hashed); explorers display them reversed.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex } from '../bytes.js';
import { AttestError } from '../errors.js';

export const HEADER_SIZE = 80;

/** A parsed block header. */
export interface BlockHeader {
  readonly raw: Uint8Array;
  readonly version: number;
  readonly prevHash: Uint8Array;
  readonly merkleRoot: Uint8Array;
  /** Block time, seconds since 1970 (the miner's clock, within Bitcoin's rules). */
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
  /** double-SHA-256 of the header, internal byte order. */
  readonly hash: Uint8Array;
}

/** The easiest target each network allows (`consensus.powLimit`). */
export const POW_LIMITS = {
  mainnet: (1n << 224n) - 1n,
  testnet: (1n << 224n) - 1n,
  signet: 0x00000377ae000000000000000000000000000000000000000000000000000000n,
  regtest: (1n << 255n) - 1n,
} as const;
export type BitcoinNetwork = keyof typeof POW_LIMITS;

/** double-SHA-256. */
export function hash256(b: Uint8Array): Uint8Array {
  return sha256(sha256(b));
}

/** Parses an 80-byte header. Throws OTS_HEADER_INVALID for another length. */
export function parseBlockHeader(raw: Uint8Array): BlockHeader {
  if (raw.length !== HEADER_SIZE) throw new AttestError('OTS_HEADER_INVALID', `a block header is ${HEADER_SIZE} bytes, got ${raw.length}`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return {
    raw: raw.slice(),
    version: dv.getInt32(0, true),
    prevHash: raw.slice(4, 36),
    merkleRoot: raw.slice(36, 68),
    time: dv.getUint32(68, true),
    bits: dv.getUint32(72, true),
    nonce: dv.getUint32(76, true),
    hash: hash256(raw),
  };
}

/** Serialises header fields into 80 bytes. */
export function serializeBlockHeader(h: Omit<BlockHeader, 'raw' | 'hash'>): Uint8Array {
  const raw = new Uint8Array(HEADER_SIZE);
  const dv = new DataView(raw.buffer);
  dv.setInt32(0, h.version, true);
  raw.set(h.prevHash, 4);
  raw.set(h.merkleRoot, 36);
  dv.setUint32(68, h.time, true);
  dv.setUint32(72, h.bits, true);
  dv.setUint32(76, h.nonce, true);
  return raw;
}

/** A hash in display order (byte-reversed hex), as block explorers show it. */
export function displayHash(h: Uint8Array): string {
  return toHex(h.slice().reverse());
}

/** A 32-byte internal-order hash read as the little-endian integer Bitcoin compares with the target. */
export function hashToBigInt(h: Uint8Array): bigint {
  let n = 0n;
  for (let i = h.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(h[i]!);
  return n;
}

/** Decodes compact nBits; undefined for a negative, zero or overflowing target (Bitcoin Core SetCompact). */
export function targetFromBits(bits: number): bigint | undefined {
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else target = BigInt(word) << BigInt(8 * (size - 3));
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  if (negative || overflow || target === 0n) return undefined;
  return target;
}

/**
 * Checks a header's proof of work: nBits decodes to a valid target no easier than the network's
 * limit, and the header hash is at or below it. Throws OTS_HEADER_INVALID or OTS_POW_INVALID.
 */
export function checkProofOfWork(h: BlockHeader, network: BitcoinNetwork): bigint {
  const target = targetFromBits(h.bits);
  const bits = h.bits.toString(16).padStart(8, '0');
  if (target === undefined) throw new AttestError('OTS_HEADER_INVALID', `nBits ${bits} does not encode a valid target`);
  if (target > POW_LIMITS[network]) throw new AttestError('OTS_HEADER_INVALID', `nBits ${bits} is an easier target than ${network} allows`);
  if (hashToBigInt(h.hash) > target) throw new AttestError('OTS_POW_INVALID', `block hash ${displayHash(h.hash)} is above the target of nBits ${bits}: no valid proof of work`);
  return target;
}

/** The transaction merkle root of txids (internal order): pairs hashed with double-SHA-256, an odd last one paired with itself. */
export function merkleRoot(txids: readonly Uint8Array[]): Uint8Array {
  if (txids.length === 0) throw new AttestError('OTS_HEADER_INVALID', 'a block has at least one transaction');
  let level = [...txids];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hash256(concatBytes(level[i]!, level[i + 1] ?? level[i]!)));
    level = next;
  }
  return level[0]!;
}
