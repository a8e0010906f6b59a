/**
 * Keys and trust policies for certificates. A key ID is the lower-case hex SHA-256 of the raw
 * 32-byte Ed25519 public key, so it is derived from the key and cannot be chosen freely.
 *
 * A trust file (the verifier's `--trust`) names the keys a verifier accepts, the role of each
 * (auditor, peer reviewer, operator), the t-of-n threshold and the roles that must have signed;
 * optionally the registry log's verifier key and witnesses, for `.tlog-proof` files.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, fromHex, toHex } from './bytes.js';
import { AttestError } from './errors.js';

/** Who a certificate signer is. */
export type SignerRole = 'auditor' | 'peer-reviewer' | 'operator';
export const SIGNER_ROLES: readonly SignerRole[] = ['auditor', 'peer-reviewer', 'operator'];

/** A public key the verifier trusts. */
export interface TrustedKey {
  readonly keyid: string;
  readonly name: string;
  readonly role: SignerRole;
  readonly publicKey: Uint8Array;
}

/** What a set of signatures must satisfy. */
export interface TrustPolicy {
  readonly keys: readonly TrustedKey[];
  /** How many distinct trusted keys must have signed (t of n). */
  readonly threshold: number;
  /** Roles that must each have at least one valid signature. */
  readonly requiredRoles: readonly SignerRole[];
  /** The registry log (C2SP vkeys), used to check `.tlog-proof` files. */
  readonly log?: { readonly vkey: string; readonly witnesses: readonly string[]; readonly witnessQuorum: number };
}

/** Something that signs with an Ed25519 key (the private key stays with the caller). */
export interface Signer {
  readonly keyid: string;
  sign(message: Uint8Array): Uint8Array;
}

/** The key ID of an Ed25519 public key: lower-case hex SHA-256 of its 32 bytes. */
export function keyIdOf(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey));
}

/** A signer over a 32-byte Ed25519 seed (RFC 8032 §5.1.5). */
export function ed25519Signer(seed: Uint8Array): Signer & { readonly publicKey: Uint8Array } {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new AttestError('TRUST_MALFORMED', 'an Ed25519 seed is 32 bytes');
  const s = seed.slice();
  const publicKey = ed25519.getPublicKey(s);
  return { keyid: keyIdOf(publicKey), publicKey, sign: (m) => ed25519.sign(m, s) };
}

/** Strict RFC 8032 verification (no ZIP-215 leniency); false on any malformed input. */
export function ed25519VerifyStrict(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

const TRUST_FIELDS = new Set(['keys', 'threshold', 'requiredRoles', 'log']);
const KEY_FIELDS = new Set(['keyid', 'name', 'role', 'publicKey']);

/**
 * Parses a trust file (untrusted JSON) into a policy, reporting every failing field path:
 *
 * ```json
 * { "keys": [{ "keyid": "<hex sha256(pk)>", "name": "A. Auditor", "role": "auditor", "publicKey": "<64 hex>" }, …],
 *   "threshold": 2, "requiredRoles": ["auditor", "peer-reviewer"],
 *   "log": { "vkey": "<C2SP vkey>", "witnesses": ["<vkey>"], "witnessQuorum": 1 } }
 * ```
 */
export function parseTrustPolicy(value: unknown): TrustPolicy {
  const problems: { path: string; message: string }[] = [];
  const bad = (path: string, message: string): void => void problems.push({ path, message });
  if (!isObject(value)) throw new AttestError('TRUST_MALFORMED', 'a trust file is a JSON object');
  for (const k of Object.keys(value)) if (!TRUST_FIELDS.has(k)) bad(k, 'unknown field');
  const keys: TrustedKey[] = [];
  if (!Array.isArray(value.keys) || value.keys.length === 0) bad('keys', 'must be a non-empty array');
  else {
    value.keys.forEach((k: unknown, i: number) => {
      const at = `keys[${i}]`;
      if (!isObject(k)) return bad(at, 'must be an object');
      for (const f of Object.keys(k)) if (!KEY_FIELDS.has(f)) bad(`${at}.${f}`, 'unknown field');
      const pk = typeof k.publicKey === 'string' && k.publicKey.length === 64 ? fromHex(k.publicKey) : undefined;
      if (!pk) return bad(`${at}.publicKey`, 'must be 64 hex digits (a raw Ed25519 public key)');
      if (!ed25519.utils.isValidPublicKey(pk, false)) return bad(`${at}.publicKey`, 'is not an Ed25519 public key');
      if (typeof k.name !== 'string' || k.name.trim() === '') bad(`${at}.name`, 'must be a non-empty string');
      if (!SIGNER_ROLES.includes(k.role as SignerRole)) bad(`${at}.role`, `must be one of ${SIGNER_ROLES.join(', ')}`);
      const id = keyIdOf(pk);
      if (k.keyid !== id) return bad(`${at}.keyid`, `must be the SHA-256 of the public key: ${id}`);
      if (keys.some((o) => o.keyid === id || bytesEqual(o.publicKey, pk))) return bad(`${at}`, 'the same key is listed twice');
      keys.push({ keyid: id, name: String(k.name), role: k.role as SignerRole, publicKey: pk });
    });
  }
  const threshold = value.threshold;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1) bad('threshold', 'must be an integer >= 1');
  else if (Array.isArray(value.keys) && threshold > value.keys.length) bad('threshold', `must not exceed the number of keys (${value.keys.length})`);
  const roles = value.requiredRoles ?? [];
  if (!Array.isArray(roles) || roles.some((r) => !SIGNER_ROLES.includes(r as SignerRole))) bad('requiredRoles', `must be an array of ${SIGNER_ROLES.join(', ')}`);
  let log: TrustPolicy['log'];
  if (value.log !== undefined) {
    const l = value.log;
    if (!isObject(l)) bad('log', 'must be an object');
    else {
      const witnesses = l.witnesses ?? [];
      const quorum = l.witnessQuorum ?? (Array.isArray(witnesses) ? witnesses.length : 0);
      if (typeof l.vkey !== 'string' || l.vkey === '') bad('log.vkey', 'must be the log\'s C2SP verifier key');
      if (!Array.isArray(witnesses) || witnesses.some((w) => typeof w !== 'string')) bad('log.witnesses', 'must be an array of C2SP verifier keys');
      else if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length) bad('log.witnessQuorum', `must be an integer 0-${witnesses.length}`);
      for (const f of Object.keys(l)) if (!['vkey', 'witnesses', 'witnessQuorum'].includes(f)) bad(`log.${f}`, 'unknown field');
      log = { vkey: String(l.vkey), witnesses: witnesses as string[], witnessQuorum: quorum as number };
    }
  }
  if (problems.length > 0) throw new AttestError('TRUST_MALFORMED', `the trust file has ${problems.length} problem${problems.length > 1 ? 's' : ''}`, { problems });
  return { keys, threshold: threshold as number, requiredRoles: [...new Set(roles as SignerRole[])], ...(log ? { log } : {}) };
}

/** A trust-file entry for a public key (what a key registry publishes). */
export function trustedKeyJson(name: string, role: SignerRole, publicKey: Uint8Array): { keyid: string; name: string; role: SignerRole; publicKey: string } {
  return { keyid: keyIdOf(publicKey), name, role, publicKey: toHex(publicKey) };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
