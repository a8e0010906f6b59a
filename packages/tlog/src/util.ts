/**
 * Internal helpers: exact integer bit arithmetic on safe integers (JavaScript bit operators
 * only see 32 bits, tree sizes go up to 2^53 - 1), byte comparisons and argument checks.
 */
import { TlogError } from './errors.js';

const TWO_32 = 2 ** 32;

/** Number of bits needed to write x (0 for 0). x must be a safe non-negative integer. */
export function bitLength(x: number): number {
  if (x < TWO_32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / TWO_32));
}

/** Number of one bits in x. */
export function popCount(x: number): number {
  let n = 0;
  for (let w of [x % TWO_32, Math.floor(x / TWO_32)]) {
    while (w !== 0) {
      w &= w - 1;
      n++;
    }
  }
  return n;
}

/** x XOR y on safe non-negative integers. */
export function xor(x: number, y: number): number {
  const lo = ((x % TWO_32) ^ (y % TWO_32)) >>> 0;
  const hi = (Math.floor(x / TWO_32) ^ Math.floor(y / TWO_32)) >>> 0;
  return hi * TWO_32 + lo;
}

/** Bit i of x (0 or 1). Division by a power of two is exact in binary floating point. */
export function bitAt(x: number, i: number): number {
  return Math.floor(x / 2 ** i) % 2;
}

/** Number of trailing zero bits of x > 0. */
export function trailingZeros(x: number): number {
  let n = 0;
  while (x % 2 === 0) {
    x /= 2;
    n++;
  }
  return n;
}

/** The largest power of two strictly below n, for n >= 2 (the RFC 9162 split point k). */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

/** Throws TLOG_INVALID_ARGUMENT unless x is a safe integer >= min. */
export function checkCount(x: unknown, name: string, min = 0): asserts x is number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) {
    throw new TlogError('TLOG_INVALID_ARGUMENT', `${name} must be a safe integer >= ${min}, got ${String(x)}`);
  }
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower-case hex of bytes (for messages). */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no lone UTF-16 surrogate, i.e. it has an exact UTF-8 form. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Index of the first ASCII control character other than newline, or -1. */
export function findControlChar(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return i;
  }
  return -1;
}

/** Canonical decimal: "0" or a digit string without leading zeros that is a safe integer. */
export function parseDecimal(s: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
