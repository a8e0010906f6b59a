/**
 * Test helper (not built): the binary expansions of e, π, √2 and √3 that SP 800-22 Appendix B
 * tests, computed with BigInt so the Appendix B tests need no data file. Bits are written as
 * sts-2.1.2's data files hold them: the integer part first ("10" for e, "11" for π, "1" for √2
 * and √3), then the fraction.
 *
 * - π: Chudnovsky's series, summed by binary splitting; √10005 by Newton's method on integers.
 * - e: Σ 1/k!, by binary splitting.
 * - √2, √3: integer square roots.
 * About a second for 10^6 bits of all four.
 */
import { bitsFromHex, sliceBits, type BitSequence } from './bits.js';

/** ⌊√n⌋ for n ≥ 0, by Newton's iteration from a half-precision start. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 1n << 52n) return BigInt(Math.floor(Math.sqrt(Number(n))));
  const bits = BigInt(n.toString(2).length);
  const half = bits / 4n;
  // √n ≈ √(n / 4^half) · 2^half: recurse on the top half of the bits, then refine
  let x = (isqrt(n >> (2n * half)) + 1n) << half;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** Chudnovsky terms a … b: returns [P, Q, T] of the binary splitting. */
function chudnovsky(a: number, b: number): [bigint, bigint, bigint] {
  if (b - a === 1) {
    if (a === 0) return [1n, 1n, 13591409n];
    const k = BigInt(a);
    const P = (6n * k - 5n) * (2n * k - 1n) * (6n * k - 1n);
    const Q = k * k * k * 10939058860032000n; // 640320³ / 24
    const T = P * (13591409n + 545140134n * k);
    return [P, Q, a % 2 === 1 ? -T : T];
  }
  const m = (a + b) >>> 1;
  const [P1, Q1, T1] = chudnovsky(a, m);
  const [P2, Q2, T2] = chudnovsky(m, b);
  return [P1 * P2, Q1 * Q2, T1 * Q2 + P1 * T2];
}

/** ⌊π · 2^f⌋. */
function piScaled(f: number): bigint {
  const guard = 64;
  const prec = BigInt(f + guard);
  // each term adds log2(151931373056000) ≈ 47.11 bits
  const terms = Math.ceil((f + guard) / 47.11) + 2;
  const [, Q, T] = chudnovsky(0, terms);
  const sqrt10005 = isqrt(10005n << (2n * prec));
  return ((426880n * sqrt10005 * Q) / T) >> BigInt(guard);
}

/** Σ_(k=a+1)^b 1/((a+1)…k) = P/Q, by binary splitting. */
function eSeries(a: number, b: number): [bigint, bigint] {
  if (b - a === 1) return [1n, BigInt(b)];
  const m = (a + b) >>> 1;
  const [P1, Q1] = eSeries(a, m);
  const [P2, Q2] = eSeries(m, b);
  return [P1 * Q2 + P2, Q1 * Q2];
}

/** ⌊e · 2^f⌋. */
function eScaled(f: number): bigint {
  const need = f + 64;
  let terms = 1;
  let log2Factorial = 0;
  while (log2Factorial < need) {
    terms++;
    log2Factorial += Math.log2(terms);
  }
  const [P, Q] = eSeries(0, terms);
  return ((Q + P) << BigInt(f)) / Q;
}

/** The names of the Appendix B constants. */
export type Constant = 'e' | 'pi' | 'sqrt2' | 'sqrt3';

/** The first `bits` bits of a constant's binary expansion, integer part first. */
export function binaryExpansion(name: Constant, bits: number): BitSequence {
  let v: bigint;
  switch (name) {
    case 'e':
      v = eScaled(bits - 2);
      break;
    case 'pi':
      v = piScaled(bits - 2);
      break;
    case 'sqrt2':
      v = isqrt(2n << (2n * BigInt(bits - 1)));
      break;
    case 'sqrt3':
      v = isqrt(3n << (2n * BigInt(bits - 1)));
      break;
  }
  // v has exactly `bits` bits; align to whole hex digits
  const pad = (4 - (bits % 4)) % 4;
  const hex = (v << BigInt(pad)).toString(16).padStart(Math.ceil(bits / 4), '0');
  return sliceBits(bitsFromHex(hex), 0, bits);
}
