/** Byte helpers shared by the builder and the verifier (Uint8Array only, so they run in a browser). */

/** 2^128: every balance and every sum must stay strictly below it. */
export const U128_LIMIT = 1n << 128n;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

/** Whether `s` is lowercase hex of exactly `bytes` bytes (the only hex form proofs and manifests use). */
export function isHex(s: unknown, bytes: number): s is string {
  return typeof s === 'string' && s.length === bytes * 2 && /^[0-9a-f]*$/.test(s);
}

function nibble(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

/** Decodes lowercase hex; the caller has checked the form with {@link isHex}. */
export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (nibble(s.charCodeAt(2 * i)) << 4) | nibble(s.charCodeAt(2 * i + 1));
  return out;
}

/** Writes `value` (an integer in [0, 2^53)) as a big-endian u64 at `offset`. */
export function writeU64(out: Uint8Array, offset: number, value: number): void {
  const hi = Math.floor(value / 0x1_0000_0000);
  const lo = value >>> 0;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(offset, hi);
  view.setUint32(offset + 4, lo);
}

/** Writes `value` (0 <= value < 2^128) as a big-endian u128 at `offset`. */
export function writeU128(out: Uint8Array, offset: number, value: bigint): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setBigUint64(offset, value >> 64n);
  view.setBigUint64(offset + 8, value & 0xffff_ffff_ffff_ffffn);
}

/** Reads a big-endian u128 at `offset`. */
export function readU128(bytes: Uint8Array, offset: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (view.getBigUint64(offset) << 64n) | view.getBigUint64(offset + 8);
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-shape byte comparison. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

const ENCODER = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return ENCODER.encode(s);
}
