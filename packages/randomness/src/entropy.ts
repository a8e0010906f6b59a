/**
 * Entropy accounting for physical sources (CCSS 1.01: a key needs at least as much entropy as its
 * strength). Fair dice and a well-shuffled deck are assumed; a test cannot prove either.
 */
import { RandomnessError } from './errors.js';

/** log2(sides) bits per roll of a fair die with `sides` faces, times the number of rolls. */
export function diceEntropyBits(rolls: number, sides = 6): number {
  return rolls * Math.log2(sides);
}

/** Rolls of a fair die needed for `bits` bits of entropy (256 bits → 100 rolls of a d6). */
export function rollsNeeded(bits: number, sides = 6): number {
  return Math.ceil(bits / Math.log2(sides) - 1e-9);
}

/**
 * log2(n! / (n − k)!): the entropy of the first k cards of a well-shuffled deck of n (all 52 →
 * log2 52! ≈ 225.58 bits).
 */
export function shuffleEntropyBits(k: number, n = 52): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n) throw new RandomnessError('CARDS_INVALID', `cannot draw ${k} cards from a deck of ${n}`);
  let bits = 0;
  for (let i = n - k + 1; i <= n; i++) bits += Math.log2(i);
  return bits;
}

/**
 * Refuses, with ENTROPY_INSUFFICIENT, when `bits` of entropy fall short of a key of `keyBits`
 * bits (e.g. 128 or 256). `what` names the source in the message.
 */
export function requireEntropy(bits: number, keyBits: number, what = 'the input'): void {
  if (!Number.isInteger(keyBits) || keyBits < 1) throw new RandomnessError('ENTROPY_INSUFFICIENT', `key strength must be a positive number of bits (got ${keyBits})`);
  // A hair of tolerance for floating-point sums: 100 d6 rolls carry 258.5 bits, never 255.99….
  if (bits + 1e-9 < keyBits) {
    throw new RandomnessError('ENTROPY_INSUFFICIENT', `${what}: ${bits.toFixed(2)} bits of entropy; a ${keyBits}-bit key needs at least ${keyBits}`);
  }
}
