/**
 * CCSS certificates: an in-toto Statement v1 with the Keygrade certificate predicate, in a DSSE
 * envelope signed by the auditor and the peer reviewer (t of n, see keys.ts). Issuing signs;
 * verifying checks, in order: envelope form, signatures and policy, statement and predicate,
 * that the auditor and peer reviewer named in the predicate signed with keys of their role,
 * and the validity window at the given time.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJsonBytes } from '@keygrade/tlog';
import type { Problem } from '@keygrade/errors';
import { toHex, utf8 } from './bytes.js';
import { IN_TOTO_PAYLOAD_TYPE, parseEnvelope, serializeEnvelope, signEnvelope, verifyEnvelope } from './dsse.js';
import { AttestError, type AttestErrorCode } from './errors.js';
import type { Signer, TrustedKey, TrustPolicy } from './keys.js';
import { buildStatement, parseStatement, statementBytes, type CertificatePredicate, type CertificateStatement } from './statement.js';

/** Suggested file extension of a certificate. */
export const CERTIFICATE_EXTENSION = '.dsse.json';

/**
 * Issues a certificate: builds and validates the statement, signs it with each signer (auditor
 * and peer reviewer, plus any operator) and returns the envelope as canonical JSON text.
 */
export function issueCertificate(predicate: CertificatePredicate, reportSha256: string, signers: readonly Signer[]): string {
  const statement = buildStatement(predicate, reportSha256);
  return serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, statementBytes(statement), signers));
}

/** The outcome of verifying a certificate. Never throws for bad input: `failure` says why. */
export interface CertificateVerification {
  readonly valid: boolean;
  readonly failure?: { readonly code: AttestErrorCode; readonly message: string; readonly problems: readonly Problem[] };
  /** The statement, once the signatures verified (never set from an unverified payload). */
  readonly statement?: CertificateStatement;
  readonly signers: readonly Pick<TrustedKey, 'keyid' | 'name' | 'role'>[];
  /** Key IDs of signatures by keys the trust policy does not list (ignored). */
  readonly ignored: readonly string[];
  /** SHA-256 (hex) of the canonical envelope: the certificate's content address. */
  readonly certificateSha256?: string;
  /** `valid` if the window check passed, else which side of it the time was on. */
  readonly window?: 'valid' | 'not-yet-valid' | 'expired';
}

/**
 * Verifies a certificate envelope (file bytes or text) against a trust policy, as of `at`.
 *
 * @example const r = verifyCertificate(readFileSync('cert.dsse.json'), parseTrustPolicy(trust), { at: new Date() });
 */
export function verifyCertificate(input: string | Uint8Array, policy: TrustPolicy, options: { at: Date }): CertificateVerification {
  let signers: TrustedKey[] = [];
  let ignored: readonly string[] = [];
  let statement: CertificateStatement | undefined;
  let certificateSha256: string | undefined;
  let window: CertificateVerification['window'];
  try {
    const env = parseEnvelope(input);
    certificateSha256 = toHex(sha256(utf8(serializeEnvelope(env).trimEnd())));
    const v = verifyEnvelope(env, policy);
    signers = [...v.signers];
    ignored = v.ignored;
    statement = parseStatement(v.payload);
    const p = statement.predicate;
    for (const [who, role] of [['auditor', 'auditor'], ['peerReviewer', 'peer-reviewer']] as const) {
      const keyid = p[who].keyid;
      const k = signers.find((s) => s.keyid === keyid);
      if (!k) throw new AttestError('CERT_SIGNER_MISMATCH', `the ${role} named in the certificate (${p[who].name}, key ${keyid.slice(0, 16)}…) did not sign it with a trusted key`);
      if (k.role !== role) throw new AttestError('CERT_SIGNER_MISMATCH', `the ${role} named in the certificate signed with a key trusted as ${k.role}, not ${role}`);
    }
    window = windowAt(p, options.at);
    if (window === 'not-yet-valid') throw new AttestError('CERT_NOT_YET_VALID', `the certificate is valid from ${p.issuedAt}; checked as of ${iso(options.at)}`);
    if (window === 'expired') throw new AttestError('CERT_EXPIRED', `the certificate expired at ${p.validUntil}; checked as of ${iso(options.at)}`);
    return { valid: true, statement, signers: signers.map(pub), ignored, certificateSha256, window };
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    return {
      valid: false,
      failure: { code: e.code, message: e.message, problems: e.problems },
      ...(statement ? { statement } : {}),
      signers: signers.map(pub),
      ignored,
      ...(certificateSha256 ? { certificateSha256 } : {}),
      ...(window ? { window } : {}),
    };
  }
}

/** Where `at` falls in the certificate's validity window [issuedAt, validUntil). */
export function windowAt(p: Pick<CertificatePredicate, 'issuedAt' | 'validUntil'>, at: Date): 'valid' | 'not-yet-valid' | 'expired' {
  const t = at.getTime();
  if (t < Date.parse(p.issuedAt)) return 'not-yet-valid';
  if (t >= Date.parse(p.validUntil)) return 'expired';
  return 'valid';
}

/**
 * The registry-log entry that records a certificate's issuance: RFC 8785 JSON
 * `{"certificateId","certificateSha256","kind":"certificate-issued","v":1}`. It is derived from the
 * certificate alone, so a holder of the certificate and its `.tlog-proof` can check inclusion offline.
 */
export function certificateLogEntry(certificateId: string, certificateSha256: string): Uint8Array {
  return canonicalJsonBytes({ v: 1, kind: 'certificate-issued', certificateId, certificateSha256 });
}

function pub(k: TrustedKey): Pick<TrustedKey, 'keyid' | 'name' | 'role'> {
  return { keyid: k.keyid, name: k.name, role: k.role };
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}
