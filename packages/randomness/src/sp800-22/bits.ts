/**
 * The bit sequences the SP 800-22 tests read: bits packed most-significant-bit first into 32-bit
 * words, so `epsilon_1` (the first bit, SP 800-22 §1.4) is bit 31 of word 0. This is the order of
 * sts-2.1.2's binary reader (each byte MSB first), and it lets the tests work a word at a time.
 */
import { Sp80022Error } from './errors.js';

/**
 * A sequence of `length` bits. Bit `i` is bit `31 - i % 32` of `words[i >>> 5]`.
 * Sequences made by the functions of this module keep two invariants the fast paths rely on:
 * the bits past `length` are zero, and `words` has at least one whole zero word after the last bit.
 */
export interface BitSequence {
  readonly words: Uint32Array;
  readonly length: number;
}

/** Number of words a sequence of `length` bits is stored in (with the trailing zero word). */
export function wordsFor(length: number): number {
  return (length >>> 5) + 2;
}

/** An all-zero sequence of `length` bits, to be filled by the caller. */
export function emptyBits(length: number): { words: Uint32Array; length: number } {
  if (!Number.isSafeInteger(length) || length < 0 || length > 0x7fffffff) {
    throw new Sp80022Error('SP80022_INVALID_PARAMETER', `bit length must be an integer from 0 to 2^31-1; got ${length}`);
  }
  return { words: new Uint32Array(wordsFor(length)), length };
}

/**
 * Returns `seq` if it keeps the invariants above, or a normalised copy. Every test calls this, so
 * a hand-made `{ words, length }` works too.
 */
export function normalizeBits(seq: BitSequence): BitSequence {
  const { words, length } = seq;
  if (!(words instanceof Uint32Array) || !Number.isSafeInteger(length) || length < 0 || length > words.length * 32) {
    throw new Sp80022Error('SP80022_INVALID_PARAMETER', 'a bit sequence needs a Uint32Array of words and a length that fits in them');
  }
  const last = length >>> 5;
  const tailBits = length & 31;
  let clean = words.length >= wordsFor(length);
  if (clean && tailBits !== 0 && (words[last]! & (0xffffffff >>> tailBits)) !== 0) clean = false;
  for (let i = last + (tailBits === 0 ? 0 : 1); clean && i < words.length; i++) if (words[i] !== 0) clean = false;
  if (clean) return seq;
  const out = emptyBits(length);
  out.words.set(words.subarray(0, Math.min(words.length, last + 1)));
  if (tailBits !== 0) out.words[last] = out.words[last]! & ~(0xffffffff >>> tailBits);
  else if (last < out.words.length) out.words[last] = 0;
  return out;
}

/** Bits of `bytes`, each byte most significant bit first (sts-2.1.2's binary format); `bitLength` may cut the tail. */
export function bitsFromBytes(bytes: Uint8Array, bitLength: number = bytes.length * 8): BitSequence {
  if (!Number.isSafeInteger(bitLength) || bitLength < 0 || bitLength > bytes.length * 8) {
    throw new Sp80022Error('SP80022_INVALID_PARAMETER', `bit length ${bitLength} does not fit in ${bytes.length} bytes`);
  }
  const out = emptyBits(bitLength);
  const w = out.words;
  const fullBytes = bitLength >>> 3;
  let i = 0;
  for (; i + 4 <= fullBytes; i += 4) w[i >>> 2] = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
  for (; i < Math.ceil(bitLength / 8); i++) w[i >>> 2] = (w[i >>> 2]! | (bytes[i]! << (24 - 8 * (i & 3)))) >>> 0;
  return normalizeBits(out);
}

/** Bits from an array of 0/1 numbers (or booleans). */
export function bitsFromArray(bits: ArrayLike<number | boolean>): BitSequence {
  const out = emptyBits(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (b === 1 || b === true) out.words[i >>> 5] = (out.words[i >>> 5]! | (0x80000000 >>> (i & 31))) >>> 0;
    else if (b !== 0 && b !== false) throw new Sp80022Error('SP80022_INVALID_BITS', `bit ${i} is ${String(b)}, not 0 or 1`);
  }
  return out;
}

/** Where a character sits in a text: 0-based offset, 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;
}

function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

function badChar(text: string, offset: number, what: string): Sp80022Error {
  const p = positionOf(text, offset);
  const ch = JSON.stringify(text[offset]);
  return new Sp80022Error('SP80022_INVALID_BITS', `line ${p.line}, column ${p.column} (character ${p.offset}): ${ch} is not ${what}`);
}

/**
 * Bits written as the characters `0` and `1` (sts-2.1.2's ASCII format). Whitespace is skipped;
 * any other character is an error naming its line and column.
 */
export function bitsFromText(text: string): BitSequence {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x30 || c === 0x31) count++;
    else if (!isSpace(c)) throw badChar(text, i, 'a bit (0 or 1)');
  }
  const out = emptyBits(count);
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x31) out.words[k >>> 5] = (out.words[k >>> 5]! | (0x80000000 >>> (k & 31))) >>> 0;
    if (c === 0x30 || c === 0x31) k++;
  }
  return out;
}

/** Bits written in hexadecimal, four bits a digit, most significant first. Whitespace is skipped. */
export function bitsFromHex(text: string): BitSequence {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (hexValue(c) >= 0) digits++;
    else if (!isSpace(c)) throw badChar(text, i, 'a hexadecimal digit');
  }
  const out = emptyBits(digits * 4);
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const v = hexValue(text.charCodeAt(i));
    if (v < 0) continue;
    out.words[k >>> 3] = (out.words[k >>> 3]! | (v << (28 - 4 * (k & 7)))) >>> 0;
    k++;
  }
  return out;
}

/** The value of a hexadecimal digit's character code, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** The bit at position `i` (0-based) as 0 or 1. */
export function bitAt(seq: BitSequence, i: number): number {
  return (seq.words[i >>> 5]! >>> (31 - (i & 31))) & 1;
}

/** The sequence as a string of `0` and `1`. */
export function bitsToString(seq: BitSequence): string {
  let s = '';
  for (let i = 0; i < seq.length; i++) s += bitAt(seq, i) === 1 ? '1' : '0';
  return s;
}

/** `length` bits of `seq` starting at bit `start`. */
export function sliceBits(seq: BitSequence, start: number, length: number): BitSequence {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 0 || start + length > seq.length) {
    throw new Sp80022Error('SP80022_INVALID_PARAMETER', `bits ${start}..${start + length} are outside a sequence of ${seq.length} bits`);
  }
  const src = normalizeBits(seq).words;
  const out = emptyBits(length);
  const n = Math.ceil(length / 32);
  for (let i = 0; i < n; i++) out.words[i] = extract32(src, start + 32 * i);
  const tail = length & 31;
  if (tail !== 0) out.words[n - 1] = (out.words[n - 1]! & ~(0xffffffff >>> tail)) >>> 0;
  return out;
}

/** Every bit flipped. */
export function complementBits(seq: BitSequence): BitSequence {
  const src = normalizeBits(seq);
  const out = emptyBits(src.length);
  const full = src.length >>> 5;
  for (let i = 0; i < full; i++) out.words[i] = ~src.words[i]! >>> 0;
  const tail = src.length & 31;
  if (tail !== 0) out.words[full] = (~src.words[full]! & ~(0xffffffff >>> tail)) >>> 0;
  return out;
}

/**
 * The 32 bits starting at bit `pos`, as an unsigned word with the bit at `pos` in bit 31. Reads
 * past the end return zeros as long as `words` keeps its trailing zero word.
 */
export function extract32(words: Uint32Array, pos: number): number {
  const q = pos >>> 5;
  const r = pos & 31;
  if (r === 0) return words[q]!;
  return ((words[q]! << r) | (words[q + 1]! >>> (32 - r))) >>> 0;
}

/** Number of set bits in a 32-bit word. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of ones among bits `start` (inclusive) to `end` (exclusive). */
export function countOnes(seq: BitSequence, start = 0, end: number = seq.length): number {
  const w = seq.words;
  if (end <= start) return 0;
  const q0 = start >>> 5;
  const q1 = (end - 1) >>> 5;
  const headMask = 0xffffffff >>> (start & 31);
  const e = ((end - 1) & 31) + 1;
  const tailMask = e === 32 ? 0xffffffff : ~(0xffffffff >>> e) >>> 0;
  if (q0 === q1) return popcount32(w[q0]! & headMask & tailMask);
  let c = popcount32(w[q0]! & headMask);
  for (let q = q0 + 1; q < q1; q++) c += popcount32(w[q]!);
  c += popcount32(w[q1]! & tailMask);
  return c;
}
