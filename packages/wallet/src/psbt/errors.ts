/**
 * Errors of the PSBT spend check and the sweep builder. Every expected failure carries a code
 * from a closed union; the CLI maps each of them to exit 2 (bad input). Decoder errors name the
 * byte offset and, where there is one, the map and key type (BIP 174 / BIP 370 field names).
 */
import { BaseError, type Problem } from '@keygrade/errors';

export type PsbtErrorCode =
  /** A PSBT that does not decode: encoding, framing, a field value, a version. */
  | 'PSBT_DECODE'
  /** A spend policy file (YAML) that does not validate. */
  | 'SPEND_POLICY_INVALID'
  /** A spend history file (CSV or JSON) that does not validate. */
  | 'SPEND_HISTORY_INVALID'
  /** A UTXO file for the sweep that does not validate. */
  | 'SWEEP_UTXOS_INVALID'
  /** The sweep cannot be built safely (shared keys, fee above the total, dust, unsupported script). */
  | 'SWEEP_REFUSED';

/** Expected failures of the PSBT and sweep modules (bad input or a refused request). */
export class PsbtError extends BaseError<PsbtErrorCode> {
  /** 0-based byte offset in the decoded PSBT, when the error is about one. */
  readonly offset: number | undefined;

  constructor(code: PsbtErrorCode, message: string, options: { offset?: number; problems?: readonly Problem[]; cause?: unknown } = {}) {
    super(code, message, options);
    this.offset = options.offset;
  }
}
