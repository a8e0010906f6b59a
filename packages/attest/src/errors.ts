import { BaseError } from '@keygrade/errors';

/**
 * Every expected failure of `@keygrade/attest`. Callers switch on the code, never on the message.
 *
 * DSSE envelopes and trust policies:
 * - `DSSE_MALFORMED`: the envelope is not a DSSE JSON envelope (syntax, fields, types, unknown fields, not canonical JSON).
 * - `DSSE_BASE64`: `payload` or a `sig` is not canonical standard base64.
 * - `DSSE_PAYLOAD_TYPE`: `payloadType` is not exactly the expected type.
 * - `DSSE_NO_SIGNATURES`: the envelope has no signature.
 * - `DSSE_KEYID_MISSING`: a signature has no `keyid` (strict: every signature names its key).
 * - `DSSE_DUPLICATE_SIGNER`: two signatures name the same key.
 * - `DSSE_BAD_SIGNATURE`: a signature by a trusted key does not verify (strict RFC 8032).
 * - `DSSE_THRESHOLD`: fewer distinct trusted keys signed than the policy's threshold.
 * - `DSSE_ROLE_MISSING`: no valid signature from a role the policy requires (auditor, peer reviewer).
 * - `TRUST_MALFORMED`: a trust (keys) file or policy is malformed.
 *
 * Certificates (in-toto Statement v1 with the Keygrade CCSS predicate):
 * - `CERT_STATEMENT_MALFORMED`: the payload is not an in-toto Statement v1.
 * - `CERT_PREDICATE_TYPE`: the statement carries another predicate type.
 * - `CERT_PREDICATE_INVALID`: the predicate breaks the certificate schema (every failing field is listed).
 * - `CERT_SIGNER_MISMATCH`: the auditor or peer reviewer named in the predicate did not sign with their role's key.
 * - `CERT_NOT_YET_VALID`: verified as of a time before `issuedAt`.
 * - `CERT_EXPIRED`: verified as of a time at or after `validUntil`.
 * - `CERT_LIFECYCLE_INVALID`: a list of lifecycle events is inconsistent (e.g. suspension after revocation).
 *
 * OpenTimestamps:
 * - `OTS_MALFORMED`: an `.ots` file breaks the format (magic, lengths, tags, trailing bytes, limits).
 * - `OTS_VERSION`: an `.ots` major version other than 1.
 * - `OTS_OP_FAILED`: an operation cannot be applied (message too long, reverse of an empty message).
 * - `OTS_DIGEST_MISMATCH`: the `.ots` file is for another digest than the one given.
 * - `OTS_COMMITMENT_MISMATCH`: the commitment at a Bitcoin attestation is not the block's merkle root.
 * - `OTS_HEADER_MISSING`: the header source has no header for an attested height.
 * - `OTS_HEADER_INVALID`: a header is not 80 bytes, its nBits do not decode to a valid target, or its
 *   target is easier than the network allows.
 * - `OTS_POW_INVALID`: the header's hash is above the target its nBits encode.
 * - `OTS_HEADERS_FILE`: a headers file is malformed or inconsistent (duplicate heights, broken chain).
 * - `OTS_PENDING`: only pending (calendar) attestations: not yet in a block.
 * - `OTS_NO_ATTESTATION`: no attestation this verifier can check.
 * - `OTS_CALENDAR_UNAVAILABLE`: no calendar could be reached (for example: no network).
 */
export type AttestErrorCode =
  | 'DSSE_MALFORMED'
  | 'DSSE_BASE64'
  | 'DSSE_PAYLOAD_TYPE'
  | 'DSSE_NO_SIGNATURES'
  | 'DSSE_KEYID_MISSING'
  | 'DSSE_DUPLICATE_SIGNER'
  | 'DSSE_BAD_SIGNATURE'
  | 'DSSE_THRESHOLD'
  | 'DSSE_ROLE_MISSING'
  | 'TRUST_MALFORMED'
  | 'CERT_STATEMENT_MALFORMED'
  | 'CERT_PREDICATE_TYPE'
  | 'CERT_PREDICATE_INVALID'
  | 'CERT_SIGNER_MISMATCH'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_EXPIRED'
  | 'CERT_LIFECYCLE_INVALID'
  | 'OTS_MALFORMED'
  | 'OTS_VERSION'
  | 'OTS_OP_FAILED'
  | 'OTS_DIGEST_MISMATCH'
  | 'OTS_COMMITMENT_MISMATCH'
  | 'OTS_HEADER_MISSING'
  | 'OTS_HEADER_INVALID'
  | 'OTS_POW_INVALID'
  | 'OTS_HEADERS_FILE'
  | 'OTS_PENDING'
  | 'OTS_NO_ATTESTATION'
  | 'OTS_CALENDAR_UNAVAILABLE';

/** An expected failure of the attestation library; `code` says which. */
export class AttestError extends BaseError<AttestErrorCode> {}

/** Codes that mean "the input is not even well-formed" (CLI exit 2) rather than "it does not verify". */
export const MALFORMED_CODES: ReadonlySet<AttestErrorCode> = new Set<AttestErrorCode>(['DSSE_MALFORMED', 'TRUST_MALFORMED', 'OTS_MALFORMED', 'OTS_VERSION', 'OTS_HEADERS_FILE']);

/** Narrows an unknown value to an AttestError. */
export function isAttestError(e: unknown): e is AttestError {
  return e instanceof AttestError;
}
