/** Small byte helpers shared by the ceremony modules (no cryptography here). */
import { hex } from '@scure/base';

const enc = new TextEncoder();

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => enc.encode(s);

/** Lowercase hex of bytes. */
export const toHex = (b: Uint8Array): string => hex.encode(b);

/** Bytes of a hex string (either case); throws on odd length or a non-hex digit. */
export const fromHex = (s: string): Uint8Array => hex.decode(s.toLowerCase());

/** True when `s` is lowercase hex of exactly `bytes` bytes (any length when bytes is undefined). */
export function isHex(s: unknown, bytes?: number): s is string {
  return typeof s === 'string' && /^(?:[0-9a-f]{2})*$/.test(s) && (bytes === undefined || s.length === bytes * 2);
}

/** Concatenation of byte strings. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A 32-bit big-endian length prefix. */
export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`length ${n} does not fit in 32 bits`);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

/** `u32be(len(x)) || x`: an unambiguous encoding of one field inside a concatenation. */
export const lp = (x: Uint8Array): Uint8Array => concat(u32be(x.length), x);

/** Constant-time-ish equality of two byte strings (length is not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
