/**
 * Reproducible random selection for sampling. The stream of random bytes is HMAC_DRBG with SHA-256
 * (SP 800-90A rev1 §10.1.2, from @keygrade/randomness) instantiated with
 *
 *   entropy_input         = the recorded seed (32 bytes or more),
 *   nonce                 = the population digest (32 bytes, population.ts),
 *   personalization_string = UTF-8 "keygrade/audit/sample/v1 <method>",
 *
 * read in order from successive 256-bit Generate requests without additional input. Anyone holding
 * the seed and the same population can re-derive the sample with any SP 800-90A implementation.
 *
 * Integers in [0, n) are drawn by rejection sampling: take ceil(b/8) bytes (big-endian), keep the
 * low b bits where b is the bit length of n - 1, and start again when the value is n or more. Every
 * value is equally likely (no modulo bias); n = 1 consumes no bytes.
 */
import { instantiateDrbg, type Drbg } from '@keygrade/randomness';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { AuditError } from './errors.js';

export const SAMPLE_DRBG = 'HMAC_DRBG SHA-256';
export const SAMPLE_PERSONALIZATION = 'keygrade/audit/sample/v1';
/** Shortest seed: the 256-bit security strength of HMAC_DRBG SHA-256 (SP 800-90A rev1 Table 2). */
export const MIN_SEED_BYTES = 32;
export const MAX_SEED_BYTES = 1024;
const BLOCK_BITS = 256;

/** Parses a seed written in hex (at least 32 bytes); AUDIT_INVALID_SEED otherwise. */
export function parseSeed(hex: string): Uint8Array {
  const h = hex.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]*$/.test(h) || h.length % 2 !== 0) throw new AuditError('AUDIT_INVALID_SEED', 'the seed must be hexadecimal digits, two per byte');
  if (h.length / 2 < MIN_SEED_BYTES || h.length / 2 > MAX_SEED_BYTES) {
    throw new AuditError('AUDIT_INVALID_SEED', `the seed must be ${MIN_SEED_BYTES} to ${MAX_SEED_BYTES} bytes (${MIN_SEED_BYTES * 2} hex digits or more); got ${h.length / 2} bytes`);
  }
  return hexToBytes(h);
}

/** Uniform integers from the seeded DRBG. */
export class SampleRng {
  readonly #drbg: Drbg;
  #block: Uint8Array = new Uint8Array(0);
  #offset = 0;

  constructor(seed: Uint8Array, populationDigest: Uint8Array, method: string) {
    if (seed.length < MIN_SEED_BYTES || seed.length > MAX_SEED_BYTES) throw new AuditError('AUDIT_INVALID_SEED', `the seed must be ${MIN_SEED_BYTES} to ${MAX_SEED_BYTES} bytes (got ${seed.length})`);
    this.#drbg = instantiateDrbg(
      { mechanism: 'HMAC_DRBG', hash: 'SHA-256' },
      { entropyInput: seed, nonce: populationDigest, personalizationString: utf8ToBytes(`${SAMPLE_PERSONALIZATION} ${method}`) },
    );
  }

  /** The next byte of the stream. */
  byte(): number {
    if (this.#offset === this.#block.length) {
      this.#block = this.#drbg.generate(BLOCK_BITS);
      this.#offset = 0;
    }
    return this.#block[this.#offset++]!;
  }

  /** A uniform integer in [0, n), 1 ≤ n ≤ 2^48, by rejection sampling. */
  below(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 48) throw new AuditError('AUDIT_SAMPLE_SIZE', `cannot draw below ${n}`);
    if (n === 1) return 0;
    const bits = Math.floor(Math.log2(n - 1)) + 1;
    const bytes = Math.ceil(bits / 8);
    const topMask = 0xff >> (bytes * 8 - bits);
    for (;;) {
      let v = this.byte() & topMask;
      for (let i = 1; i < bytes; i++) v = v * 256 + this.byte();
      if (v < n) return v;
    }
  }
}

/**
 * Simple random selection without replacement of `k` of `n` positions: a partial Fisher–Yates
 * shuffle (Knuth, TAOCP vol. 2, Algorithm P), step i swapping position i with a uniform position in [i, n).
 * Returns positions in the order drawn.
 */
export function selectRandom(n: number, k: number, rng: SampleRng): number[] {
  checkSizes(n, k);
  const a = new Map<number, number>();
  const at = (i: number) => a.get(i) ?? i;
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(n - i);
    const vi = at(i);
    const vj = at(j);
    a.set(i, vj);
    a.set(j, vi);
    out.push(vj);
  }
  return out;
}

export interface SystematicSelection {
  positions: number[];
  /** The random start r in [0, n): positions are floor((r + i·n) / k), i = 0 … k-1. */
  startNumerator: number;
  /** The interval n/k and the first position r/k, as decimals for reports. */
  interval: number;
  start: number;
}

/**
 * Systematic selection of `k` of `n` positions with a fixed interval n/k (fractional when k does not
 * divide n) and a random start r/k, r uniform in [0, n): position i is floor((r + i·n)/k). Every
 * position is selected with probability exactly k/n, which a whole-number interval cannot give.
 */
export function selectSystematic(n: number, k: number, rng: SampleRng): SystematicSelection {
  checkSizes(n, k);
  const r = rng.below(n);
  const positions: number[] = [];
  for (let i = 0; i < k; i++) positions.push(Number((BigInt(r) + BigInt(i) * BigInt(n)) / BigInt(k)));
  return { positions, startNumerator: r, interval: n / k, start: r / k };
}

function checkSizes(n: number, k: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new AuditError('AUDIT_POPULATION_EMPTY', `the population must have at least one item (got ${n})`);
  if (!Number.isSafeInteger(k) || k < 1 || k > n) throw new AuditError('AUDIT_SAMPLE_SIZE', `the sample size must be a whole number from 1 to ${n} (got ${k})`);
}
