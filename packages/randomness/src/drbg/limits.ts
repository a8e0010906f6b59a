/**
 * The per-mechanism limits of SP 800-90A rev1 Table 2 (Hash_DRBG, HMAC_DRBG) and Table 3
 * (CTR_DRBG), and the security-strength rules of §8.4 and §9.1.
 */
import { RandomnessError } from '../errors.js';
import { HASHES } from './hashes.js';
import type { DrbgCipher, DrbgLimits, DrbgSpec, SecurityStrength } from './types.js';

/** 2^35 bits: the longest entropy input, personalization string and additional input (Tables 2, 3). */
export const MAX_INPUT_BITS = 2 ** 35;
/** 2^19 bits: the largest Generate request (Tables 2, 3). */
export const MAX_REQUEST_BITS = 2 ** 19;
/** 2^48: the largest reseed_interval (Tables 2, 3). */
export const MAX_RESEED_INTERVAL = 2 ** 48;

export const CIPHERS: Readonly<Record<DrbgCipher, { keylen: number; strength: SecurityStrength }>> = Object.freeze({
  'AES-128': { keylen: 128, strength: 128 },
  'AES-192': { keylen: 192, strength: 192 },
  'AES-256': { keylen: 256, strength: 256 },
});

const STRENGTHS: readonly SecurityStrength[] = [112, 128, 192, 256];

/** The limits of a mechanism. Throws DRBG_UNSUPPORTED for unknown hashes or ciphers, DRBG_INVALID_ARGUMENT for a bad ctr_len. */
export function drbgLimits(spec: DrbgSpec): DrbgLimits {
  if (spec.mechanism === 'HMAC_DRBG' || spec.mechanism === 'Hash_DRBG') {
    const h = Object.hasOwn(HASHES, spec.hash) ? HASHES[spec.hash] : undefined;
    if (!h) throw new RandomnessError('DRBG_UNSUPPORTED', `${spec.mechanism}: unsupported hash "${String(spec.hash)}" (use one of ${Object.keys(HASHES).join(', ')})`);
    return {
      highestSecurityStrength: h.strength,
      outlen: h.outlen,
      seedlen: spec.mechanism === 'Hash_DRBG' ? h.seedlen : h.outlen,
      minEntropyInputLength: (s) => s,
      maxEntropyInputLength: MAX_INPUT_BITS,
      usesNonce: true,
      maxPersonalizationStringLength: MAX_INPUT_BITS,
      maxAdditionalInputLength: MAX_INPUT_BITS,
      maxBitsPerRequest: MAX_REQUEST_BITS,
      maxReseedInterval: MAX_RESEED_INTERVAL,
    };
  }
  if (spec.mechanism === 'CTR_DRBG') {
    const c = Object.hasOwn(CIPHERS, spec.cipher) ? CIPHERS[spec.cipher] : undefined;
    if (!c) throw new RandomnessError('DRBG_UNSUPPORTED', `CTR_DRBG: unsupported block cipher "${String(spec.cipher)}" (use AES-128, AES-192 or AES-256)`);
    const ctrLen = spec.ctrLen ?? 128;
    if (!Number.isInteger(ctrLen) || ctrLen < 4 || ctrLen > 128) throw new RandomnessError('DRBG_INVALID_ARGUMENT', `CTR_DRBG: ctr_len must be an integer with 4 ≤ ctr_len ≤ 128 (got ${ctrLen})`);
    const seedlen = c.keylen + 128;
    const df = spec.derivationFunction;
    return {
      highestSecurityStrength: c.strength,
      outlen: 128,
      seedlen,
      minEntropyInputLength: df ? (s) => s : () => seedlen,
      maxEntropyInputLength: df ? MAX_INPUT_BITS : seedlen,
      usesNonce: df,
      maxPersonalizationStringLength: df ? MAX_INPUT_BITS : seedlen,
      maxAdditionalInputLength: df ? MAX_INPUT_BITS : seedlen,
      // B = (2^ctr_len − 4) × blocklen, and never more than 2^19 (Table 3).
      maxBitsPerRequest: Math.min(MAX_REQUEST_BITS, (2 ** ctrLen - 4) * 128),
      maxReseedInterval: MAX_RESEED_INTERVAL,
    };
  }
  const name = (spec as { mechanism?: unknown }).mechanism;
  const why = typeof name === 'string' && /dual.?ec/i.test(name) ? ' (Dual_EC_DRBG was withdrawn from SP 800-90A in rev1)' : '';
  throw new RandomnessError('DRBG_UNSUPPORTED', `unsupported DRBG mechanism "${String(name)}"${why}; use HMAC_DRBG, Hash_DRBG or CTR_DRBG`);
}

/**
 * The instantiation security strength (§9.1 steps 1 and 4): the smallest of 112, 128, 192, 256
 * at least the requested strength, which must not exceed the mechanism's highest.
 */
export function instantiationStrength(requested: number | undefined, highest: SecurityStrength): SecurityStrength {
  if (requested === undefined) return highest;
  if (!Number.isInteger(requested) || requested < 1) throw new RandomnessError('DRBG_SECURITY_STRENGTH', `requested security strength must be a positive integer of bits (got ${requested})`);
  if (requested > highest) throw new RandomnessError('DRBG_SECURITY_STRENGTH', `requested security strength ${requested} exceeds this mechanism's highest, ${highest} bits`);
  return STRENGTHS.find((s) => s >= requested)!;
}

/** The name of a mechanism as SP 800-90A and CAVP write it, e.g. `HMAC_DRBG SHA-256`, `CTR_DRBG AES-256 use df`. */
export function drbgName(spec: DrbgSpec): string {
  if (spec.mechanism === 'CTR_DRBG') return `CTR_DRBG ${spec.cipher} ${spec.derivationFunction ? 'use df' : 'no df'}${spec.ctrLen !== undefined && spec.ctrLen !== 128 ? ` ctr_len=${spec.ctrLen}` : ''}`;
  return `${spec.mechanism} ${spec.hash}`;
}
