/**
 * The certificate payload: an in-toto Statement v1 (in-toto attestation framework,
 * `https://in-toto.io/Statement/v1`) whose subject is the certified system, identified by the
 * SHA-256 of the audit report, and whose predicate is the Keygrade CCSS certificate.
 */
import { canonicalJson, canonicalJsonBytes } from '@keygrade/tlog';
import type { Problem } from '@keygrade/errors';
import { fromUtf8 } from './bytes.js';
import { AttestError } from './errors.js';
import { isObject } from './keys.js';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const CCSS_CERTIFICATE_PREDICATE_V1 = 'https://keygrade.dev/ccss-certificate/v1';

/** A named party with an optional stable identifier (registry id, LEI, …). */
export interface Party {
  readonly name: string;
  readonly id?: string;
}

/** A person who signs the certificate, and the key they sign with. */
export interface Signatory {
  readonly name: string;
  readonly firm?: string;
  /** Key ID (hex SHA-256 of the Ed25519 public key) the person signs this certificate with. */
  readonly keyid: string;
}

/** The Keygrade CCSS certificate predicate (v1). Dates: `YYYY-MM-DD`; instants: RFC 3339 UTC `…Z`. */
export interface CertificatePredicate {
  readonly certificateId: string;
  readonly organization: Party;
  readonly system: Party;
  /** Catalog edition id, e.g. `ccss-v9`. */
  readonly edition: string;
  /** The certified system level: 1, 2 or 3 (never above any aspect level: weakest link). */
  readonly level: 1 | 2 | 3;
  /** Level per aspect id (0 = uncertified). */
  readonly aspectLevels: Readonly<Record<string, number>>;
  /** The audit period. */
  readonly period: { readonly start: string; readonly end: string };
  readonly auditor: Signatory;
  readonly peerReviewer: Signatory;
  readonly issuedAt: string;
  readonly validUntil: string;
  /** The certificate this one replaces, if any. */
  readonly supersedes?: string;
}

/** An in-toto Statement v1 carrying a certificate. */
export interface CertificateStatement {
  readonly _type: typeof IN_TOTO_STATEMENT_V1;
  readonly subject: readonly { readonly name: string; readonly digest: { readonly sha256: string } }[];
  readonly predicateType: typeof CCSS_CERTIFICATE_PREDICATE_V1;
  readonly predicate: CertificatePredicate;
}

/** Builds the statement: subject = the system, identified by the SHA-256 (hex) of its audit report. */
export function buildStatement(predicate: CertificatePredicate, reportSha256: string): CertificateStatement {
  const statement: CertificateStatement = {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: subjectName(predicate), digest: { sha256: reportSha256 } }],
    predicateType: CCSS_CERTIFICATE_PREDICATE_V1,
    predicate,
  };
  validateStatement(JSON.parse(canonicalJson(statement)));
  return statement;
}

/** The subject name: `ccss:<organization>/<system>` (ids where given, names otherwise). */
export function subjectName(p: CertificatePredicate): string {
  return `ccss:${p.organization.id ?? p.organization.name}/${p.system.id ?? p.system.name}`;
}

/** The statement's bytes as signed: RFC 8785 canonical JSON. */
export function statementBytes(s: CertificateStatement): Uint8Array {
  return canonicalJsonBytes(s);
}

/** Parses and validates a DSSE payload as a certificate statement (untrusted input). */
export function parseStatement(payload: Uint8Array): CertificateStatement {
  const text = fromUtf8(payload);
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isObject(value)) throw new AttestError('CERT_STATEMENT_MALFORMED', 'the payload is not a JSON object');
  if (canonicalJson(value) !== text) throw new AttestError('CERT_STATEMENT_MALFORMED', 'the statement is not in canonical JSON form (RFC 8785)');
  return validateStatement(value);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const HEX64 = /^[0-9a-f]{64}$/;
const PREDICATE_FIELDS = ['certificateId', 'organization', 'system', 'edition', 'level', 'aspectLevels', 'period', 'auditor', 'peerReviewer', 'issuedAt', 'validUntil', 'supersedes'];

/** True for a real calendar date / instant in the exact forms above. */
export function isDate(s: unknown): s is string {
  return typeof s === 'string' && DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}
export function isInstant(s: unknown): s is string {
  return typeof s === 'string' && INSTANT.test(s) && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().replace('.000Z', 'Z') === s;
}

function validateStatement(v: Record<string, unknown>): CertificateStatement {
  if (v._type !== IN_TOTO_STATEMENT_V1) throw new AttestError('CERT_STATEMENT_MALFORMED', `_type must be ${IN_TOTO_STATEMENT_V1}`);
  for (const k of Object.keys(v)) if (!['_type', 'subject', 'predicateType', 'predicate'].includes(k)) throw new AttestError('CERT_STATEMENT_MALFORMED', `unknown statement field "${k}"`);
  const subject = v.subject;
  if (!Array.isArray(subject) || subject.length !== 1) throw new AttestError('CERT_STATEMENT_MALFORMED', 'a certificate statement has exactly one subject');
  const s0 = subject[0] as unknown;
  if (!isObject(s0) || typeof s0.name !== 'string' || s0.name === '' || !isObject(s0.digest) || Object.keys(s0).length !== 2 || Object.keys(s0.digest).join() !== 'sha256' || !HEX64.test(String(s0.digest.sha256))) {
    throw new AttestError('CERT_STATEMENT_MALFORMED', 'subject[0] must be { name, digest: { sha256: <64 lower-case hex> } }');
  }
  if (v.predicateType !== CCSS_CERTIFICATE_PREDICATE_V1) throw new AttestError('CERT_PREDICATE_TYPE', `predicateType is ${JSON.stringify(v.predicateType)}, expected ${CCSS_CERTIFICATE_PREDICATE_V1}`);
  const problems = predicateProblems(v.predicate);
  if (problems.length > 0) throw new AttestError('CERT_PREDICATE_INVALID', `the certificate predicate has ${problems.length} problem${problems.length > 1 ? 's' : ''}`, { problems });
  const p = v.predicate as CertificatePredicate;
  if (s0.name !== subjectName(p)) throw new AttestError('CERT_STATEMENT_MALFORMED', `subject name is ${JSON.stringify(s0.name)}, expected ${JSON.stringify(subjectName(p))}`);
  return v as unknown as CertificateStatement;
}

/** Every problem of a predicate value, with its field path (empty when valid). */
export function predicateProblems(p: unknown): Problem[] {
  const out: Problem[] = [];
  const bad = (path: string, message: string): void => void out.push({ path: `predicate.${path}`, message });
  if (!isObject(p)) return [{ path: 'predicate', message: 'must be an object' }];
  for (const k of Object.keys(p)) if (!PREDICATE_FIELDS.includes(k)) bad(k, 'unknown field');
  const str = (x: unknown): boolean => typeof x === 'string' && x.trim() !== '' && x === x.trim();
  if (!str(p.certificateId)) bad('certificateId', 'must be a non-empty string');
  for (const f of ['organization', 'system'] as const) {
    const x = p[f];
    if (!isObject(x) || !str(x.name) || (x.id !== undefined && !str(x.id)) || Object.keys(x).some((k) => k !== 'name' && k !== 'id')) bad(f, 'must be { name, id? } with non-empty strings');
  }
  if (!str(p.edition)) bad('edition', 'must be a catalog edition id');
  if (p.level !== 1 && p.level !== 2 && p.level !== 3) bad('level', 'must be 1, 2 or 3');
  if (!isObject(p.aspectLevels) || Object.keys(p.aspectLevels).length === 0) bad('aspectLevels', 'must map each aspect id to its level');
  else {
    for (const [k, l] of Object.entries(p.aspectLevels)) {
      if (l !== 0 && l !== 1 && l !== 2 && l !== 3) bad(`aspectLevels.${k}`, 'must be 0, 1, 2 or 3');
      else if (typeof p.level === 'number' && l < p.level) bad(`aspectLevels.${k}`, `is ${l}, below the system level ${p.level} (the system level is the weakest aspect's)`);
    }
  }
  if (!isObject(p.period) || !isDate(p.period.start) || !isDate(p.period.end) || Object.keys(p.period).length !== 2) bad('period', 'must be { start, end } as YYYY-MM-DD');
  else if (p.period.start > p.period.end) bad('period', 'start is after end');
  for (const f of ['auditor', 'peerReviewer'] as const) {
    const x = p[f];
    if (!isObject(x) || !str(x.name) || (x.firm !== undefined && !str(x.firm)) || !HEX64.test(String(x.keyid)) || Object.keys(x).some((k) => !['name', 'firm', 'keyid'].includes(k))) {
      bad(f, 'must be { name, firm?, keyid: <64 lower-case hex> }');
    }
  }
  if (isObject(p.auditor) && isObject(p.peerReviewer) && p.auditor.keyid === p.peerReviewer.keyid) bad('peerReviewer.keyid', 'the peer reviewer signs with another key than the auditor');
  if (!isInstant(p.issuedAt)) bad('issuedAt', 'must be an RFC 3339 UTC instant YYYY-MM-DDTHH:MM:SSZ');
  if (!isInstant(p.validUntil)) bad('validUntil', 'must be an RFC 3339 UTC instant YYYY-MM-DDTHH:MM:SSZ');
  else if (isInstant(p.issuedAt) && p.validUntil <= p.issuedAt) bad('validUntil', 'must be after issuedAt');
  if (isObject(p.period) && isDate(p.period.end) && isInstant(p.issuedAt) && p.issuedAt.slice(0, 10) < p.period.end) bad('issuedAt', 'is before the end of the audit period');
  if (p.supersedes !== undefined && (!str(p.supersedes) || p.supersedes === p.certificateId)) bad('supersedes', 'must be the id of another certificate');
  return out;
}
