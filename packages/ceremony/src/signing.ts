/**
 * Ed25519 (RFC 8032) signatures over domain-separated canonical JSON, shared by ceremony
 * transcripts and release manifests. Verification refuses non-canonical encodings (zip215: false)
 * so a signature has exactly one valid byte form.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson } from '@keygrade/tlog';
import { concat, fromHex, isHex, toHex, utf8 } from './bytes.js';
import { CeremonyError } from './errors.js';

/** The bytes a signature covers: `<domain>\n` followed by the RFC 8785 canonical JSON of `value`. */
export function signedBytes(domain: string, value: unknown): Uint8Array {
  return concat(utf8(`${domain}\n`), utf8(canonicalJson(value)));
}

/** Ed25519 public key of a 32-byte secret key (seed). */
export function ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== 32) throw new CeremonyError('TRANSCRIPT_KEY', `an Ed25519 secret key is 32 bytes (got ${secretKey.length})`);
  return ed25519.getPublicKey(secretKey);
}

/** Key id of an Ed25519 public key: the first 8 bytes of its SHA-256, in hex. */
export function keyId(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey)).slice(0, 16);
}

/** Signs `message` with an Ed25519 secret key; returns the signature in hex. */
export function signHex(message: Uint8Array, secretKey: Uint8Array): string {
  return toHex(ed25519.sign(message, secretKey));
}

/** Verifies a hex signature with a hex public key; false (never a throw) for any malformed part. */
export function verifyHex(message: Uint8Array, signatureHex: unknown, publicKeyHex: unknown): boolean {
  if (!isHex(signatureHex, 64) || !isHex(publicKeyHex, 32)) return false;
  try {
    return ed25519.verify(fromHex(signatureHex), message, fromHex(publicKeyHex), { zip215: false });
  } catch {
    return false;
  }
}
