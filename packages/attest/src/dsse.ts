/**
 * DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse v1.0) with Ed25519, verified
 * strictly:
 *
 * - the envelope is JSON with exactly `payload`, `payloadType`, `signatures`, each signature
 *   exactly `keyid` and `sig`; Keygrade writes it as RFC 8785 canonical JSON and the verifier
 *   refuses any other byte form, so one certificate has one byte form and any changed byte is
 *   detected even where JSON would tolerate it (whitespace);
 * - `payloadType` must be exactly the expected type; `payload` and `sig` canonical base64;
 * - every signature names its key (`keyid`); a key named twice is refused, so no signer counts twice;
 * - a signature by a trusted key that does not verify fails the envelope (tampering is never
 *   silently skipped); signatures by keys the verifier does not know are ignored, as the spec says;
 * - signatures are over PAE(payloadType, payload), strict RFC 8032 (`zip215: false`).
 */
import { canonicalJson } from '@keygrade/tlog';
import { concatBytes, fromBase64Strict, fromUtf8, toBase64, utf8 } from './bytes.js';
import { AttestError } from './errors.js';
import { ed25519VerifyStrict, isObject, type Signer, type TrustedKey, type TrustPolicy } from './keys.js';

/** The in-toto payload type (in-toto attestation framework, envelope layer). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A DSSE envelope, decoded. */
export interface Envelope {
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly signatures: readonly { readonly keyid: string; readonly sig: Uint8Array }[];
}

/** The result of checking an envelope's signatures against a policy. */
export interface VerifiedEnvelope {
  readonly payload: Uint8Array;
  /** Distinct trusted keys whose signatures verified, in envelope order. */
  readonly signers: readonly TrustedKey[];
  /** Key IDs of signatures by keys the policy does not know (ignored). */
  readonly ignored: readonly string[];
}

/**
 * DSSE v1 Pre-Authentication Encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
 * LEN = the byte length in ASCII decimal without leading zeros (DSSE protocol, "Signature definition").
 *
 * @example pae('http://example.com/HelloWorld', utf8('hello world')) // "DSSEv1 29 http://example.com/HelloWorld 11 hello world"
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  return concatBytes(utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload);
}

/** Signs a payload: one signature per signer, in the order given. */
export function signEnvelope(payloadType: string, payload: Uint8Array, signers: readonly Signer[]): Envelope {
  const message = pae(payloadType, payload);
  return { payloadType, payload: payload.slice(), signatures: signers.map((s) => ({ keyid: s.keyid, sig: s.sign(message) })) };
}

/** Adds signatures to an envelope (e.g. the peer reviewer counter-signs after the auditor). */
export function addSignatures(env: Envelope, signers: readonly Signer[]): Envelope {
  const message = pae(env.payloadType, env.payload);
  return { ...env, signatures: [...env.signatures, ...signers.map((s) => ({ keyid: s.keyid, sig: s.sign(message) }))] };
}

/** The envelope as canonical JSON text (RFC 8785), with a final newline. */
export function serializeEnvelope(env: Envelope): string {
  return `${canonicalJson({ payload: toBase64(env.payload), payloadType: env.payloadType, signatures: env.signatures.map((s) => ({ keyid: s.keyid, sig: toBase64(s.sig) })) })}\n`;
}

/**
 * Parses an envelope (untrusted input). Checks the form only, not the signatures. Throws
 * DSSE_MALFORMED, DSSE_PAYLOAD_TYPE, DSSE_BASE64, DSSE_NO_SIGNATURES, DSSE_KEYID_MISSING or
 * DSSE_DUPLICATE_SIGNER.
 */
export function parseEnvelope(input: string | Uint8Array, expectedPayloadType: string = IN_TOTO_PAYLOAD_TYPE): Envelope {
  const text = typeof input === 'string' ? input : fromUtf8(input);
  if (text === undefined) throw new AttestError('DSSE_MALFORMED', 'the envelope is not UTF-8 text');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AttestError('DSSE_MALFORMED', `the envelope is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(value)) throw new AttestError('DSSE_MALFORMED', 'the envelope is not a JSON object');
  for (const k of Object.keys(value)) if (!['payload', 'payloadType', 'signatures'].includes(k)) throw new AttestError('DSSE_MALFORMED', `unknown envelope field "${k}"`);
  const { payload, payloadType, signatures } = value;
  if (typeof payload !== 'string' || typeof payloadType !== 'string' || !Array.isArray(signatures)) {
    throw new AttestError('DSSE_MALFORMED', 'an envelope has a string payload, a string payloadType and a signatures array');
  }
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch (e) {
    throw new AttestError('DSSE_MALFORMED', `the envelope has no canonical JSON form: ${(e as Error).message}`);
  }
  if (text !== canonical && text !== `${canonical}\n`) throw new AttestError('DSSE_MALFORMED', 'the envelope is not in canonical JSON form (RFC 8785, optionally one final newline)');
  if (payloadType !== expectedPayloadType) throw new AttestError('DSSE_PAYLOAD_TYPE', `payloadType is ${JSON.stringify(payloadType)}, expected ${JSON.stringify(expectedPayloadType)}`);
  const body = fromBase64Strict(payload);
  if (body === undefined) throw new AttestError('DSSE_BASE64', 'payload is not canonical standard base64');
  if (signatures.length === 0) throw new AttestError('DSSE_NO_SIGNATURES', 'the envelope has no signatures');
  const seen = new Set<string>();
  const sigs = signatures.map((s: unknown, i: number) => {
    if (!isObject(s)) throw new AttestError('DSSE_MALFORMED', `signatures[${i}] is not an object`);
    for (const k of Object.keys(s)) if (k !== 'keyid' && k !== 'sig') throw new AttestError('DSSE_MALFORMED', `signatures[${i}] has an unknown field "${k}"`);
    if (s.keyid === undefined || s.keyid === '') throw new AttestError('DSSE_KEYID_MISSING', `signatures[${i}] has no keyid`);
    if (typeof s.keyid !== 'string' || typeof s.sig !== 'string') throw new AttestError('DSSE_MALFORMED', `signatures[${i}]: keyid and sig are strings`);
    const sig = fromBase64Strict(s.sig);
    if (sig === undefined) throw new AttestError('DSSE_BASE64', `signatures[${i}].sig is not canonical standard base64`);
    if (sig.length !== 64) throw new AttestError('DSSE_MALFORMED', `signatures[${i}].sig is ${sig.length} bytes; an Ed25519 signature is 64`);
    if (seen.has(s.keyid)) throw new AttestError('DSSE_DUPLICATE_SIGNER', `key ${s.keyid} signed more than once`);
    seen.add(s.keyid);
    return { keyid: s.keyid, sig };
  });
  return { payloadType, payload: body, signatures: sigs };
}

/**
 * Verifies an envelope's signatures against a trust policy: every signature by a trusted key must
 * verify; at least `threshold` distinct trusted keys; every required role present. Throws
 * DSSE_BAD_SIGNATURE, DSSE_THRESHOLD or DSSE_ROLE_MISSING.
 */
export function verifyEnvelope(env: Envelope, policy: TrustPolicy): VerifiedEnvelope {
  const message = pae(env.payloadType, env.payload);
  const signers: TrustedKey[] = [];
  const ignored: string[] = [];
  for (const s of env.signatures) {
    const key = policy.keys.find((k) => k.keyid === s.keyid);
    if (!key) {
      ignored.push(s.keyid);
      continue;
    }
    if (!ed25519VerifyStrict(key.publicKey, message, s.sig)) throw new AttestError('DSSE_BAD_SIGNATURE', `the signature of ${key.name} (${key.role}, key ${key.keyid.slice(0, 16)}…) does not verify`);
    if (!signers.includes(key)) signers.push(key);
  }
  if (signers.length < policy.threshold) {
    throw new AttestError('DSSE_THRESHOLD', `${signers.length} trusted key${signers.length === 1 ? '' : 's'} signed; the policy requires ${policy.threshold} of ${policy.keys.length}`);
  }
  for (const role of policy.requiredRoles) {
    if (!signers.some((k) => k.role === role)) throw new AttestError('DSSE_ROLE_MISSING', `no valid signature by a trusted ${role} key`);
  }
  return { payload: env.payload, signers, ignored };
}
