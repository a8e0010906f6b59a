/**
 * Errors of the proof-of-reserves package. Every expected failure carries a code from a closed
 * union (input problems: exit 2 in the CLI); a proof that is well formed but does not verify is
 * not an error but a {@link VerifyFailureCode} in the verification result (exit 1).
 */
import { BaseError } from '@keygrade/errors';

export type ReservesErrorCode =
  /** `--assets` list or an asset entry is malformed. */
  | 'RESERVES_BAD_ASSETS'
  /** An amount is not a plain decimal number. */
  | 'RESERVES_BAD_AMOUNT'
  /** An amount has non-zero digits beyond its asset's decimals. */
  | 'RESERVES_TOO_MANY_DECIMALS'
  /** A negative amount. */
  | 'RESERVES_NEGATIVE'
  /** A value, or a sum of values, does not fit in an unsigned 128-bit integer. */
  | 'RESERVES_OVERFLOW'
  /** A column or key names an asset that is not in the asset list. */
  | 'RESERVES_UNKNOWN_ASSET'
  /** Two accounts share one user id. */
  | 'RESERVES_DUPLICATE_ID'
  /** A user id is empty, too long or not valid text. */
  | 'RESERVES_BAD_ID'
  /** A row of the accounts file cannot be read (columns, quoting, JSON). */
  | 'RESERVES_BAD_ROW'
  /** Nothing to build: the accounts file holds no account. */
  | 'RESERVES_NO_ACCOUNTS'
  /** The requested tree height or leaf count is impossible. */
  | 'RESERVES_BAD_SHAPE'
  /** A proof file is not a well-formed proof. */
  | 'RESERVES_BAD_PROOF'
  /** A manifest file is not a well-formed manifest. */
  | 'RESERVES_BAD_MANIFEST'
  /** A key is malformed. */
  | 'RESERVES_BAD_KEY'
  /** A proof store is damaged or of another format. */
  | 'RESERVES_BAD_STORE'
  /** The account is not in the snapshot. */
  | 'RESERVES_NOT_FOUND';

/** Expected failures of `@keygrade/reserves`. */
export class ReservesError extends BaseError<ReservesErrorCode> {}
