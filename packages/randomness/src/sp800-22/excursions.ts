/**
 * SP 800-22 rev1a §2.14 random excursions and §2.15 random excursions variant tests, as
 * sts-2.1.2 computes them (randomExcursions.c, randomExcursionsVariant.c).
 *
 * The ±1 walk S_k is split into cycles at its zeros (a final cycle runs to the end when S_n ≠ 0);
 * J is the number of cycles. One pass counts, per cycle, the visits to the states −4 … 4, and over
 * the whole walk the visits to −9 … 9. Far from zero (|S| ≥ 18) a byte of steps cannot reach any
 * counted state, so the walk moves a byte at a time there.
 */
import { normalizeBits, type BitSequence } from './bits.js';
import { applicable, notApplicable, requireBits, requireInt, type CommonOptions, type TestResult } from './result.js';
import { erfc, igamc } from './special.js';

/** What the two tests need from the walk. */
export interface ExcursionWalk {
  /** Number of cycles J. */
  readonly cycles: number;
  /** Number of zeros of S_1 … S_n. */
  readonly zeros: number;
  /** ν_k(x): cycles with exactly k visits to state x (k = 5 means ≥ 5), as nu[k * 8 + i] for x = STATES[i]. */
  readonly nu: Int32Array;
  /** ξ(x): total visits to state x, as visits[x + 9] for x = −9 … 9. */
  readonly visits: Int32Array;
}

/** States of the random excursions test, in sts-2.1.2 order. */
export const EXCURSION_STATES: readonly number[] = [-4, -3, -2, -1, 1, 2, 3, 4];
/** States of the random excursions variant test, in sts-2.1.2 order. */
export const VARIANT_STATES: readonly number[] = [-9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** Walks the sequence once and counts visits per cycle and in total. */
export function excursionWalk(seq: BitSequence): ExcursionWalk {
  const { words, length: n } = seq;
  const delta = new Int8Array(256);
  for (let b = 0; b < 256; b++) delta[b] = 2 * popcountByte(b) - 8;
  const nu = new Int32Array(6 * 8);
  const visits = new Int32Array(19);
  const perCycle = new Int32Array(9); // index S + 4 for S = −4 … 4
  let S = 0;
  let zeros = 0;
  const closeCycle = (): void => {
    for (let i = 0; i < 8; i++) {
      const x = EXCURSION_STATES[i]!;
      const c = perCycle[x + 4]!;
      nu[(c > 5 ? 5 : c) * 8 + i]!++;
    }
    perCycle.fill(0);
  };
  const step = (bit: number): void => {
    S += bit === 1 ? 1 : -1;
    if (S >= -9 && S <= 9) {
      visits[S + 9]!++;
      if (S === 0) {
        zeros++;
        closeCycle();
      } else if (S >= -4 && S <= 4) perCycle[S + 4]!++;
    }
  };
  const fullBytes = n >>> 3;
  for (let b = 0; b < fullBytes; b++) {
    const byte = (words[b >>> 2]! >>> (24 - 8 * (b & 3))) & 0xff;
    if (S >= 18 || S <= -18) {
      S += delta[byte]!;
      continue;
    }
    for (let i = 7; i >= 0; i--) step((byte >>> i) & 1);
  }
  for (let i = fullBytes * 8; i < n; i++) step((words[i >>> 5]! >>> (31 - (i & 31))) & 1);
  let cycles = zeros;
  if (n > 0 && S !== 0) {
    cycles++;
    closeCycle();
  }
  return { cycles, zeros, nu, visits };
}

function popcountByte(b: number): number {
  let c = 0;
  for (let x = b; x !== 0; x &= x - 1) c++;
  return c;
}

/** π_k(x) of SP 800-22 §3.14 for |x| = 1 … 4, k = 0 … 5, with sts-2.1.2's 10-digit values. */
const EXCURSION_PI: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0],
  [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125],
  [0.75, 0.0625, 0.046875, 0.03515625, 0.0263671875, 0.0791015625],
  [0.8333333333, 0.02777777778, 0.02314814815, 0.01929012346, 0.01607510288, 0.0803755144],
  [0.875, 0.015625, 0.013671875, 0.01196289063, 0.0104675293, 0.0732727051],
];

export interface ExcursionOptions extends CommonOptions {
  /**
   * Fewest cycles J for the test to apply. Default sts-2.1.2's max(0.005 √n, 500); SP 800-22
   * §2.14.4's 10-bit example (J = 3) needs 0.
   */
  minCycles?: number;
}

function cycleConstraint(test: 'random-excursions' | 'random-excursions-variant', n: number, options: ExcursionOptions): number {
  if (options.minCycles !== undefined) return requireInt(test, 'minCycles', options.minCycles, 0);
  return Math.max(0.005 * Math.sqrt(n), 500);
}

/**
 * Random excursions test: the number of visits to the states −4 … 4 within a cycle of the random
 * walk. SP 800-22 §2.14. Eight P-values (x = −4 … −1, 1 … 4). Not applicable when J is below the
 * constraint, or (sts-2.1.2 stops there) above max(1000, ⌊n/100⌋).
 *
 * Errata: §2.14.4 rounds π_4(1) = 1/32 to 0.0312 and prints 0.502529 (exact: 0.502488); §2.14.8
 * prints values for x = +1 … +4 that neither sts-2.1.2 nor Appendix B give (x = +1: 0.786868 in
 * both). We follow sts-2.1.2.
 */
export function randomExcursionsTest(seq: BitSequence, options: ExcursionOptions = {}, walk?: ExcursionWalk): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const test = 'random-excursions';
  const labels = EXCURSION_STATES.map(String);
  // §2.14.7: n ≥ 10^6
  requireBits(test, n, options.strict === false ? 1 : 1000000);
  const constraint = cycleConstraint(test, n, options);
  const w = walk ?? excursionWalk(s);
  const J = w.cycles;
  const maxCycles = Math.max(1000, Math.floor(n / 100));
  if (w.zeros > maxCycles) {
    return notApplicable(test, labels, 'TOO_MANY_CYCLES', `the walk returns to zero ${w.zeros} times, more than max(1000, n/100) = ${maxCycles}; sts-2.1.2 stops with "exceeding the max number of cycles expected"`, { n, J });
  }
  if (J < constraint) {
    return notApplicable(test, labels, 'INSUFFICIENT_CYCLES', `the walk has J = ${J} cycles, fewer than the ${constraint} the test needs (sts-2.1.2: max(0.005 √n, 500))`, { n, J });
  }
  const pValues: number[] = [];
  const chi2s: number[] = [];
  for (let i = 0; i < 8; i++) {
    const x = EXCURSION_STATES[i]!;
    const pi = EXCURSION_PI[Math.abs(x)]!;
    let sum = 0.0;
    for (let k = 0; k < 6; k++) sum += Math.pow(w.nu[k * 8 + i]! - J * pi[k]!, 2) / (J * pi[k]!);
    chi2s.push(sum);
    pValues.push(igamc(2.5, sum / 2.0));
  }
  return applicable(test, labels, pValues, { n, J, chi2: chi2s, nu: Array.from(w.nu) });
}

/**
 * Random excursions variant test: the total number of visits to each state −9 … 9 of the random
 * walk. SP 800-22 §2.15. Eighteen P-values. Not applicable when J is below the constraint.
 */
export function randomExcursionsVariantTest(seq: BitSequence, options: ExcursionOptions = {}, walk?: ExcursionWalk): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  const test = 'random-excursions-variant';
  const labels = VARIANT_STATES.map(String);
  // §2.15.7: n ≥ 10^6
  requireBits(test, n, options.strict === false ? 1 : 1000000);
  const constraint = options.minCycles !== undefined ? cycleConstraint(test, n, options) : Math.trunc(cycleConstraint(test, n, options));
  const w = walk ?? excursionWalk(s);
  const J = w.cycles;
  if (J < constraint) {
    return notApplicable(test, labels, 'INSUFFICIENT_CYCLES', `the walk has J = ${J} cycles, fewer than the ${constraint} the test needs (sts-2.1.2: max(0.005 √n, 500))`, { n, J });
  }
  const counts = VARIANT_STATES.map((x) => w.visits[x + 9]!);
  const pValues = VARIANT_STATES.map((x, i) => erfc(Math.abs(counts[i]! - J) / Math.sqrt(2.0 * J * (4.0 * Math.abs(x) - 2))));
  return applicable(test, labels, pValues, { n, J, visits: counts });
}
