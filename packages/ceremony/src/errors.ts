import { BaseError } from '@keygrade/errors';

/**
 * Every expected failure of the ceremony package. Callers (CLI exit codes, tests) switch on these
 * codes, never on messages.
 */
export type CeremonyErrorCode =
  // entropy sources and their combination
  | 'CEREMONY_SOURCES'
  | 'CEREMONY_DICE'
  | 'CEREMONY_ENTROPY'
  | 'CEREMONY_HEALTH'
  // key derivation
  | 'CEREMONY_DERIVATION'
  // transcripts and sign-offs
  | 'TRANSCRIPT_INVALID'
  | 'TRANSCRIPT_KEY'
  // encrypted secret files
  | 'SECRET_FORMAT'
  | 'SECRET_DECRYPT'
  // release manifests
  | 'MANIFEST_INVALID';

/** Problems with ceremony inputs, transcripts, encrypted secrets or release manifests. */
export class CeremonyError extends BaseError<CeremonyErrorCode> {}
