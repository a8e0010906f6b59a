import { BaseError } from '@keygrade/errors';

/**
 * Every expected failure of the continuous-compliance rules. Callers (CLI exit codes, HTTP status
 * maps, tests) switch on these codes, never on messages.
 */
export type ComplianceErrorCode =
  // register entries and the validity configuration
  | 'COMPLIANCE_INVALID_ENTRY'
  | 'COMPLIANCE_INVALID_DATE'
  | 'COMPLIANCE_INVALID_CONFIG'
  // evaluation inputs
  | 'COMPLIANCE_INVALID_LINK'
  | 'COMPLIANCE_INVALID_ANSWERS'
  | 'COMPLIANCE_EDITION_MISMATCH'
  | 'COMPLIANCE_INVALID_TIMELINE'
  // import and export
  | 'COMPLIANCE_IMPORT_PARSE'
  | 'COMPLIANCE_IMPORT_INVALID'
  | 'COMPLIANCE_OSCAL_INVALID';

/** Problems with a register entry, a link, a configuration, an evaluation or an imported file. */
export class ComplianceError extends BaseError<ComplianceErrorCode> {}
