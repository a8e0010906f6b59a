/**
 * Bitcoin byte helpers shared by the asset verifiers: double SHA-256, HASH160, BIP-340 tagged
 * hashes, strict base64 and reversed (display-order) txids. Uint8Array only, so the verifiers
 * also run in a browser.
 */
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import { concat, utf8 } from '../bytes.js';

/** SHA-256(SHA-256(m)): txids and legacy sighashes. */
export function sha256d(m: Uint8Array): Uint8Array {
  return sha256(sha256(m));
}

/** RIPEMD-160(SHA-256(m)): P2PKH, P2WPKH and P2SH programs. */
export function hash160(m: Uint8Array): Uint8Array {
  return ripemd160(sha256(m));
}

/** BIP-340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || m). */
export function taggedHash(tag: string, m: Uint8Array): Uint8Array {
  const t = sha256(utf8(tag));
  return sha256(concat(t, t, m));
}

/** Decodes padded standard base64, or returns undefined (no whitespace, no URL alphabet). */
export function fromBase64(s: string): Uint8Array | undefined {
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  try {
    return base64.decode(s);
  } catch {
    return undefined;
  }
}

/** Standard base64 of bytes. */
export function toBase64(b: Uint8Array): string {
  return base64.encode(b);
}

/** Lowercase hex of bytes. */
export function hexOf(b: Uint8Array): string {
  return hex.encode(b);
}

/** Bytes of lowercase or uppercase hex (the caller has checked the form). */
export function bytesOf(h: string): Uint8Array {
  return hex.decode(h.toLowerCase());
}

/** Reverses bytes (txids are shown reversed: the display order of a double SHA-256). */
export function reversed(b: Uint8Array): Uint8Array {
  return Uint8Array.from(b).reverse();
}

/** An outpoint as text: `<txid in display hex>:<vout>`. */
export function outpointKey(txid: Uint8Array, vout: number): string {
  return `${hexOf(txid)}:${vout}`;
}

/** Bitcoin's MAX_MONEY in satoshis: no output and no sum of outputs may exceed it. */
export const MAX_MONEY = 2_100_000_000_000_000n;
