/**
 * Errors of the wallet package. Every expected failure carries a code from a closed union; the
 * CLI maps any of them to exit 2 (an input error) and prints the message, which names the
 * character position (descriptors) or the file and line (inventories, transactions).
 */
import { BaseError, type Problem } from '@keygrade/errors';

export type WalletErrorCode =
  /** A descriptor that does not parse: syntax, a key, a path, a threshold, a context rule. */
  | 'DESCRIPTOR_SYNTAX'
  /** The `#checksum` suffix is malformed or does not match (BIP 380). */
  | 'DESCRIPTOR_CHECKSUM'
  /** Valid descriptor language Keygrade does not evaluate (miniscript beyond multi, combo, …). */
  | 'DESCRIPTOR_UNSUPPORTED'
  /** Derivation failed: a hardened step from an xpub, an index out of range, an invalid child. */
  | 'DESCRIPTOR_DERIVE'
  /** Two independent script builders disagree on an output script (a bug: never expected). */
  | 'DESCRIPTOR_CROSS_CHECK'
  /** A Caravan wallet-config file that cannot be read. */
  | 'CARAVAN_INVALID'
  /** A key inventory (YAML or CSV) that does not validate. */
  | 'INVENTORY_INVALID'
  /** A transactions file for the signature scan that does not parse. */
  | 'SIGS_INPUT';

/** Expected wallet-package failures (bad input). */
export class WalletError extends BaseError<WalletErrorCode> {
  /** 0-based character offset in the descriptor, when the error is about one. */
  readonly position: number | undefined;

  constructor(code: WalletErrorCode, message: string, options: { position?: number; problems?: readonly Problem[]; cause?: unknown } = {}) {
    super(code, message, options);
    this.position = options.position;
  }
}

/** A descriptor error at a 0-based character offset; the message says "at position N" (1-based column). */
export function descriptorError(code: WalletErrorCode, position: number, message: string): WalletError {
  return new WalletError(code, `descriptor: ${message} (at position ${position + 1})`, { position });
}
