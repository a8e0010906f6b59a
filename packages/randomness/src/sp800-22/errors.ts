import { BaseError } from '@keygrade/errors';

/**
 * Every expected failure of the SP 800-22 battery. Callers (CLI exit codes, tests) switch on these
 * codes, never on messages.
 */
export type Sp80022ErrorCode =
  /** The sequence is shorter than a test needs (SP 800-22 rev1a "input size recommendation", or sts-2.1.2's own limit). */
  | 'SP80022_INPUT_TOO_SHORT'
  /** A test parameter is out of its range (block length, template length, …). */
  | 'SP80022_INVALID_PARAMETER'
  /** Text that should hold bits holds something else (the message names the position). */
  | 'SP80022_INVALID_BITS'
  /** A test name that is not one of the fifteen. */
  | 'SP80022_UNKNOWN_TEST'
  /** Multi-stream analysis over results that do not line up (different tests or P-value counts per stream). */
  | 'SP80022_INCONSISTENT_RESULTS';

/** Problems with SP 800-22 inputs, parameters or results. */
export class Sp80022Error extends BaseError<Sp80022ErrorCode> {}
