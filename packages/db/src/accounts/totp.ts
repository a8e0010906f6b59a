/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) over the HMAC of @noble/hashes. Keygrade uses SHA-1,
 * 30-second steps and 6 digits (what every authenticator app supports); SHA-256 and SHA-512 are
 * here for the RFC 6238 Appendix B vectors.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { base32 } from '@scure/base';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;

export interface TotpOptions {
  algorithm?: TotpAlgorithm;
  digits?: number;
  /** X in RFC 6238 §4.1, seconds. */
  period?: number;
  /** T0 in RFC 6238 §4.1, Unix seconds. */
  t0?: number;
}

const DEFAULTS = { algorithm: 'SHA1', digits: 6, period: 30, t0: 0 } as const;

function counterBytes(counter: number): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`HOTP counter must be a non-negative safe integer, got ${counter}`);
  const b = new Uint8Array(8);
  // RFC 4226 §5.2: the counter is an 8-byte big-endian integer.
  new DataView(b.buffer).setBigUint64(0, BigInt(counter));
  return b;
}

/** HOTP(K, C) = Truncate(HMAC(K, C)) mod 10^digits (RFC 4226 §5.3, dynamic truncation). */
export function hotp(key: Uint8Array, counter: number, digits = 6, algorithm: TotpAlgorithm = 'SHA1'): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new RangeError(`digits must be 6-10 (RFC 4226 §5.3), got ${digits}`);
  const mac = hmac(HASHES[algorithm], key, counterBytes(counter));
  // The low 4 bits of the last byte select the offset (RFC 4226 §5.4).
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The time step T = floor((unixTime - T0) / X) (RFC 6238 §4.2). */
export function totpStep(at: Date, opts: TotpOptions = {}): number {
  const { period, t0 } = { ...DEFAULTS, ...opts };
  return Math.floor((Math.floor(at.getTime() / 1000) - t0) / period);
}

/** The TOTP code at a moment. */
export function totp(key: Uint8Array, at: Date, opts: TotpOptions = {}): string {
  const o = { ...DEFAULTS, ...opts };
  return hotp(key, totpStep(at, o), o.digits, o.algorithm);
}

/** Constant-time comparison of two digit strings of the same length. */
function sameCode(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks a code against the steps T-1, T, T+1 (RFC 6238 §5.2 allows one step of clock drift) and
 * returns the step it matched, or null. Steps at or before `lastUsedStep` are refused, so a code is
 * never accepted twice (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt").
 */
export function verifyTotp(key: Uint8Array, code: string, at: Date, lastUsedStep: number | null, opts: TotpOptions = {}): number | null {
  const o = { ...DEFAULTS, ...opts };
  if (!new RegExp(`^[0-9]{${o.digits}}$`).test(code)) return null;
  const now = totpStep(at, o);
  let matched: number | null = null;
  // Check every step of the window (no early exit) so timing does not say which one matched.
  for (const step of [now - 1, now, now + 1]) {
    if (step < 0 || (lastUsedStep !== null && step <= lastUsedStep)) continue;
    if (sameCode(hotp(key, step, o.digits, o.algorithm), code) && matched === null) matched = step;
  }
  return matched;
}

/** Base32 without padding (RFC 4648 §6), the form authenticator apps expect. */
export function encodeSecret(key: Uint8Array): string {
  return base32.encode(key).replace(/=+$/, '');
}

export function decodeSecret(text: string): Uint8Array {
  const t = text.toUpperCase().replace(/[\s=]/g, '');
  return base32.decode(t + '='.repeat((8 - (t.length % 8)) % 8));
}

/** The otpauth:// URI authenticator apps read from a QR code (Google Authenticator key-uri format). */
export function otpauthUrl(key: Uint8Array, account: string, issuer = 'Keygrade'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${encodeSecret(key)}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
