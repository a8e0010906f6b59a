import { BaseError } from '@keygrade/errors';

/**
 * Every expected failure of the randomness package. Callers (CLI exit codes, tests) switch on these
 * codes, never on messages.
 */
export type RandomnessErrorCode =
  // SP 800-90A DRBGs
  | 'DRBG_UNSUPPORTED'
  | 'DRBG_INVALID_ARGUMENT'
  | 'DRBG_SECURITY_STRENGTH'
  | 'DRBG_ENTROPY_INPUT_LENGTH'
  | 'DRBG_NONCE'
  | 'DRBG_INPUT_TOO_LONG'
  | 'DRBG_REQUEST_TOO_LARGE'
  | 'DRBG_RESEED_REQUIRED'
  | 'DRBG_PREDICTION_RESISTANCE_UNSUPPORTED'
  | 'DRBG_NO_ENTROPY_SOURCE'
  | 'DRBG_ENTROPY_SOURCE_FAILED'
  | 'DRBG_UNINSTANTIATED'
  // NIST CAVP response files
  | 'CAVP_PARSE'
  // SP 800-90B health tests and estimates
  | 'HEALTH_INVALID_PARAMETER'
  | 'HEALTH_NO_DATA'
  // dice, cards, chi-square, entropy accounting
  | 'DICE_INVALID'
  | 'CARDS_INVALID'
  | 'CARDS_DUPLICATE'
  | 'CHI2_INVALID_PARAMETER'
  | 'CHI2_EXPECTED_TOO_SMALL'
  | 'ENTROPY_INSUFFICIENT';

/** Problems with DRBG use, CAVP files, health-test parameters, dice, cards or entropy. */
export class RandomnessError extends BaseError<RandomnessErrorCode> {}
