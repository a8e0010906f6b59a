/**
 * Byte-string arithmetic used by the SP 800-90A mechanisms: big-endian integers of a fixed bit
 * length, as the spec writes them ("(V + w) mod 2^seedlen").
 */

/** Concatenates byte strings (the spec's `||`). */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `acc = (acc + x) mod 2^(8·acc.length)`, with x right-aligned (big-endian), in place. */
export function addInto(acc: Uint8Array, x: Uint8Array): void {
  let carry = 0;
  let j = x.length - 1;
  for (let i = acc.length - 1; i >= 0; i--, j--) {
    const s = acc[i]! + (j >= 0 ? x[j]! : 0) + carry;
    acc[i] = s & 0xff;
    carry = s >>> 8;
    if (j < 0 && carry === 0) return;
  }
}

/** `acc = (acc + n) mod 2^(8·acc.length)` for a non-negative safe integer n, in place. */
export function addNumber(acc: Uint8Array, n: number): void {
  let carry = n;
  for (let i = acc.length - 1; i >= 0 && carry > 0; i--) {
    const s = acc[i]! + (carry % 256);
    acc[i] = s & 0xff;
    carry = Math.floor(carry / 256) + (s >>> 8);
  }
}

/** `acc = (acc + 1) mod 2^(8·acc.length)`, in place. */
export function increment(acc: Uint8Array): void {
  for (let i = acc.length - 1; i >= 0; i--) {
    acc[i] = (acc[i]! + 1) & 0xff;
    if (acc[i] !== 0) return;
  }
}

/** `a ^= b` over the length of a (b at least as long). */
export function xorInto(a: Uint8Array, b: Uint8Array): void {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! ^ b[i]!;
}

/** A 32-bit big-endian integer as 4 bytes. */
export function u32be(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** The unsigned big-endian integer value of a byte string. */
export function toBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** A non-negative integer as exactly `len` big-endian bytes (the value must fit). */
export function fromBigInt(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Keeps the leftmost `bits` bits of a byte string of ceil(bits/8) bytes, zeroing the rest of the last byte. */
export function maskTrailingBits(out: Uint8Array, bits: number): void {
  const rem = bits % 8;
  if (rem !== 0 && out.length > 0) out[out.length - 1] = out[out.length - 1]! & ((0xff << (8 - rem)) & 0xff);
}
