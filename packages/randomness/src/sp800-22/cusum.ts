/**
 * SP 800-22 rev1a §2.13 cumulative sums test, forward (mode 0) and backward (mode 1), as
 * sts-2.1.2 computes both in one pass (cusum.c).
 */
import { normalizeBits, type BitSequence } from './bits.js';
import { applicable, requireBits, type CommonOptions, type TestResult } from './result.js';
import { normalCdf } from './special.js';

/** Per byte value: the walk's net step, and the highest and lowest partial sum within the byte. */
interface ByteWalk {
  delta: Int8Array;
  max: Int8Array;
  min: Int8Array;
}

function byteWalkTable(): ByteWalk {
  const delta = new Int8Array(256);
  const max = new Int8Array(256);
  const min = new Int8Array(256);
  for (let b = 0; b < 256; b++) {
    let s = 0;
    let hi = -9;
    let lo = 9;
    for (let i = 7; i >= 0; i--) {
      s += (b >>> i) & 1 ? 1 : -1;
      if (s > hi) hi = s;
      if (s < lo) lo = s;
    }
    delta[b] = s;
    max[b] = hi;
    min[b] = lo;
  }
  return { delta, max, min };
}

/** The extremes of the ±1 random walk S_k over a sequence: sup and inf include S_0 = 0. */
export function walkExtremes(seq: BitSequence): { final: number; sup: number; inf: number } {
  const { words, length: n } = seq;
  const t = byteWalkTable();
  let S = 0;
  let sup = 0;
  let inf = 0;
  const fullBytes = n >>> 3;
  for (let b = 0; b < fullBytes; b++) {
    const byte = (words[b >>> 2]! >>> (24 - 8 * (b & 3))) & 0xff;
    const hi = S + t.max[byte]!;
    const lo = S + t.min[byte]!;
    if (hi > sup) sup = hi;
    if (lo < inf) inf = lo;
    S += t.delta[byte]!;
  }
  for (let i = fullBytes * 8; i < n; i++) {
    S += (words[i >>> 5]! >>> (31 - (i & 31))) & 1 ? 1 : -1;
    if (S > sup) sup = S;
    if (S < inf) inf = S;
  }
  return { final: S, sup, inf };
}

/**
 * The P-value of SP 800-22 §2.13.4 step 4 for a maximal excursion z, with sts-2.1.2's summation
 * limits: C integer division, which truncates toward zero. (With floor() the §2.13.4 example gives
 * 0.4115847 instead of sts's 0.4116586.)
 */
export function cusumPValue(n: number, z: number): number {
  const nz = Math.floor(n / z);
  const sqrtN = Math.sqrt(n);
  let sum1 = 0.0;
  for (let k = Math.trunc((-nz + 1) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
    sum1 += normalCdf(((4 * k + 1) * z) / sqrtN);
    sum1 -= normalCdf(((4 * k - 1) * z) / sqrtN);
  }
  let sum2 = 0.0;
  for (let k = Math.trunc((-nz - 3) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
    sum2 += normalCdf(((4 * k + 3) * z) / sqrtN);
    sum2 -= normalCdf(((4 * k + 1) * z) / sqrtN);
  }
  return 1.0 - sum1 + sum2;
}

/**
 * Cumulative sums test: is the maximal excursion of the ±1 random walk, from the start (forward)
 * and from the end (reverse), what a random sequence gives? SP 800-22 §2.13. Two P-values.
 */
export function cumulativeSumsTest(seq: BitSequence, options: CommonOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  // §2.13.7: n ≥ 100
  requireBits('cumulative-sums', n, options.strict === false ? 1 : 100);
  const { final, sup, inf } = walkExtremes(s);
  const z = Math.max(sup, -inf);
  const zrev = Math.max(sup - final, final - inf);
  return applicable('cumulative-sums', ['forward', 'reverse'], [cusumPValue(n, z), cusumPValue(n, zrev)], { n, zForward: z, zReverse: zrev });
}
