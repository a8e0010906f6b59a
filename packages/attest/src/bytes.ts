/**
 * Byte helpers shared by the DSSE and OpenTimestamps code: strict hex and base64 (one accepted
 * spelling per value, so a changed byte never decodes to the same bytes), concatenation, equality.
 */
import { base64, hex } from '@scure/base';

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  return hex.encode(b);
}

/** Parses lower- or upper-case hex of an even length; undefined when it is not hex. */
export function fromHex(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  return hex.decode(s.toLowerCase());
}

/**
 * Canonical standard base64 (RFC 4648 §4, with padding, no whitespace, zero pad bits):
 * undefined unless re-encoding the decoded bytes gives back exactly `s`.
 */
export function fromBase64Strict(s: string): Uint8Array | undefined {
  if (typeof s !== 'string') return undefined;
  try {
    const b = base64.decode(s);
    return base64.encode(b) === s ? b : undefined;
  } catch {
    return undefined;
  }
}

/** Standard base64 with padding. */
export function toBase64(b: Uint8Array): string {
  return base64.encode(b);
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Decodes UTF-8, refusing invalid sequences. */
export function fromUtf8(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return undefined;
  }
}
