/**
 * The hash functions of SP 800-90A rev1 Table 2 with their parameters, from @noble/hashes.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512, sha512_224, sha512_256 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import type { DrbgHash, SecurityStrength } from './types.js';

export interface HashParams {
  hash: CHash;
  /** Output length in bits. */
  outlen: number;
  /** Hash_DRBG seedlen in bits (Table 2). */
  seedlen: number;
  /** Highest supported security strength (Table 2; SP 800-57 for SHA-1 in this use). */
  strength: SecurityStrength;
}

export const HASHES: Readonly<Record<DrbgHash, HashParams>> = Object.freeze({
  'SHA-1': { hash: sha1, outlen: 160, seedlen: 440, strength: 128 },
  'SHA-224': { hash: sha224, outlen: 224, seedlen: 440, strength: 192 },
  'SHA-512/224': { hash: sha512_224, outlen: 224, seedlen: 440, strength: 192 },
  'SHA-256': { hash: sha256, outlen: 256, seedlen: 440, strength: 256 },
  'SHA-512/256': { hash: sha512_256, outlen: 256, seedlen: 440, strength: 256 },
  'SHA-384': { hash: sha384, outlen: 384, seedlen: 888, strength: 256 },
  'SHA-512': { hash: sha512, outlen: 512, seedlen: 888, strength: 256 },
});

/** The names in HASHES, in the order of Table 2. */
export const DRBG_HASHES = Object.keys(HASHES) as DrbgHash[];
