import { BaseError } from '@keygrade/errors';

/**
 * Every expected failure of the audit rules. Callers (CLI exit codes, HTTP status maps, tests)
 * switch on these codes, never on messages.
 */
export type AuditErrorCode =
  // dates and calendars
  | 'AUDIT_INVALID_DATE'
  | 'AUDIT_INVALID_CALENDAR'
  // engagement, period, declarations
  | 'AUDIT_INVALID_ENGAGEMENT'
  | 'AUDIT_INVALID_PERIOD'
  | 'AUDIT_DECLARATIONS_MISSING'
  | 'AUDIT_CONFLICT_DECLARED'
  // populations and samples
  | 'AUDIT_POPULATION_PARSE'
  | 'AUDIT_POPULATION_INVALID'
  | 'AUDIT_POPULATION_EMPTY'
  | 'AUDIT_SAMPLE_SIZE'
  | 'AUDIT_OVERRIDE_RATIONALE'
  | 'AUDIT_INVALID_SEED'
  | 'AUDIT_JUDGEMENT_INVALID'
  | 'AUDIT_RESULTS_INVALID'
  // conclusion
  | 'AUDIT_FINDINGS_INVALID'
  // the audit file
  | 'AUDIT_FILE_INVALID';

/** Problems with an engagement, an audit period, a population, a sample or findings. */
export class AuditError extends BaseError<AuditErrorCode> {}
