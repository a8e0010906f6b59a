/**
 * The only way a ceremony's secret reaches a disk: encrypted under a passphrase. The construction
 * is the one age uses for passphrase recipients, with standard parts only: scrypt (RFC 7914) from
 * @noble/hashes derives a 256-bit key, XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) from
 * @noble/ciphers encrypts, and the header is authenticated as associated data, so a changed
 * work factor, salt, nonce or label fails decryption like a changed ciphertext.
 *
 * Format `keygrade-encrypted-secret/v1` (JSON):
 *   { format, kdf: { name: "scrypt", logN, r, p, salt }, cipher: { name: "XChaCha20-Poly1305", nonce },
 *     about: { ceremonyId, masterFingerprint, words }, ciphertext }
 * salt (16 bytes) and nonce (24 bytes) in hex, ciphertext (UTF-8 mnemonic + 16-byte tag) in base64;
 * key = scrypt(NFKC(passphrase), salt, N = 2^logN, r, p, 32); AAD = JCS(the object without ciphertext).
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { base64 } from '@scure/base';
import { canonicalJson } from '@keygrade/tlog';
import { fromHex, isHex, toHex, utf8 } from './bytes.js';
import { CeremonyError } from './errors.js';

export const SECRET_FORMAT = 'keygrade-encrypted-secret/v1';
/** 2^18 (256 MiB, about a second): age's default work factor. */
export const DEFAULT_LOG_N = 18;
const MIN_LOG_N = 14;
const MAX_LOG_N = 22;

/** Public facts stored beside the ciphertext (authenticated, not secret). */
export interface SecretAbout {
  ceremonyId: string;
  masterFingerprint: string;
  words: number;
}

export interface EncryptedSecret {
  format: typeof SECRET_FORMAT;
  kdf: { name: 'scrypt'; logN: number; r: number; p: number; salt: string };
  cipher: { name: 'XChaCha20-Poly1305'; nonce: string };
  about: SecretAbout;
  ciphertext: string;
}

function checkPassphrase(passphrase: string): Uint8Array {
  const p = passphrase.normalize('NFKC');
  if (p.length < 8) throw new CeremonyError('SECRET_FORMAT', 'the passphrase must have at least 8 characters');
  return utf8(p);
}

function keyOf(passphrase: string, kdf: EncryptedSecret['kdf']): Uint8Array {
  return scrypt(checkPassphrase(passphrase), fromHex(kdf.salt), { N: 2 ** kdf.logN, r: kdf.r, p: kdf.p, dkLen: 32, maxmem: 2 ** 31 });
}

function header(e: Omit<EncryptedSecret, 'ciphertext'>): Uint8Array {
  return utf8(canonicalJson({ format: e.format, kdf: e.kdf, cipher: e.cipher, about: e.about }));
}

/**
 * Encrypts `secret` (the mnemonic) under `passphrase`. `random(n)` supplies the salt and nonce
 * (inject the OS generator).
 */
export function encryptSecret(secret: string, passphrase: string, about: SecretAbout, random: (n: number) => Uint8Array, logN = DEFAULT_LOG_N): EncryptedSecret {
  if (!Number.isInteger(logN) || logN < MIN_LOG_N || logN > MAX_LOG_N) throw new CeremonyError('SECRET_FORMAT', `the scrypt work factor log2 N must be ${MIN_LOG_N} to ${MAX_LOG_N} (got ${logN})`);
  const head: Omit<EncryptedSecret, 'ciphertext'> = {
    format: SECRET_FORMAT,
    kdf: { name: 'scrypt', logN, r: 8, p: 1, salt: toHex(random(16)) },
    cipher: { name: 'XChaCha20-Poly1305', nonce: toHex(random(24)) },
    about,
  };
  const key = keyOf(passphrase, head.kdf);
  const ct = xchacha20poly1305(key, fromHex(head.cipher.nonce), header(head)).encrypt(utf8(secret));
  key.fill(0);
  return { ...head, ciphertext: base64.encode(ct) };
}

/** Parses and checks the shape of an encrypted secret file (untrusted input). */
export function parseEncryptedSecret(text: string): EncryptedSecret {
  let e: EncryptedSecret;
  try {
    e = JSON.parse(text) as EncryptedSecret;
  } catch (err) {
    throw new CeremonyError('SECRET_FORMAT', `the encrypted secret is not JSON: ${(err as Error).message}`);
  }
  const ok =
    typeof e === 'object' && e !== null && e.format === SECRET_FORMAT &&
    e.kdf?.name === 'scrypt' && Number.isInteger(e.kdf.logN) && e.kdf.logN >= MIN_LOG_N && e.kdf.logN <= MAX_LOG_N && e.kdf.r === 8 && e.kdf.p === 1 && isHex(e.kdf.salt, 16) &&
    e.cipher?.name === 'XChaCha20-Poly1305' && isHex(e.cipher.nonce, 24) &&
    typeof e.about?.ceremonyId === 'string' && typeof e.about.masterFingerprint === 'string' && typeof e.about.words === 'number' &&
    typeof e.ciphertext === 'string';
  if (!ok) throw new CeremonyError('SECRET_FORMAT', `not a ${SECRET_FORMAT} file (a field is missing or out of range)`);
  return e;
}

/** Decrypts; SECRET_DECRYPT when the passphrase is wrong or any part of the file was changed. */
export function decryptSecret(e: EncryptedSecret, passphrase: string): string {
  const key = keyOf(passphrase, e.kdf);
  try {
    let ct: Uint8Array;
    try {
      ct = base64.decode(e.ciphertext);
    } catch {
      throw new CeremonyError('SECRET_FORMAT', 'the ciphertext is not base64');
    }
    const pt = xchacha20poly1305(key, fromHex(e.cipher.nonce), header(e)).decrypt(ct);
    return new TextDecoder('utf-8', { fatal: true }).decode(pt);
  } catch (err) {
    if (err instanceof CeremonyError) throw err;
    throw new CeremonyError('SECRET_DECRYPT', 'cannot decrypt: wrong passphrase, or the file was changed');
  } finally {
    key.fill(0);
  }
}
