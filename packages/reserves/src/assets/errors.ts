/**
 * Errors and failure codes of the proof of assets. An input that cannot be read (a malformed
 * UTXO snapshot or proofs file) is an {@link AssetsError} (exit 2 in the CLI, naming the file and
 * the line or field); a proof that is well formed but does not verify is an
 * {@link AssetFailure} in the report (exit 1).
 */
import { BaseError } from '@keygrade/errors';

export type AssetsErrorCode =
  /** The UTXO snapshot file is malformed (header, a row, an amount, a duplicate outpoint). */
  | 'ASSETS_BAD_SNAPSHOT'
  /** The proofs file is malformed (JSON shape, a field, an address of another network). */
  | 'ASSETS_BAD_PROOFS'
  /** The manifest cannot be used for a solvency report (for example it lists no BTC). */
  | 'ASSETS_BAD_MANIFEST';

/** Expected input failures of the proof of assets. */
export class AssetsError extends BaseError<AssetsErrorCode> {}

/** Why one asset proof does not count. */
export type AssetFailureCode =
  /** Not base64, an unknown variant prefix, or bytes that are not a transaction / PSBT / witness. */
  | 'BAD_ENCODING'
  /** The transaction is not shaped as the standard requires (BIP-322 to_sign, BIP-127 commitment tx). */
  | 'BAD_STRUCTURE'
  /** A signature does not verify, or the script is not satisfied. */
  | 'BAD_SIGNATURE'
  /** A multisig input carries fewer valid signatures than its threshold. */
  | 'TOO_FEW_SIGNATURES'
  /** A signature uses a sighash type other than SIGHASH_ALL (BIP-322 "required rules"). */
  | 'SIGHASH_NOT_ALL'
  /** A signature or key is not strictly encoded (BIP 66 DER, low S, compressed keys in segwit). */
  | 'NON_STRICT'
  /** A script this verifier does not evaluate (BIP-322 "inconclusive"): it is not counted. */
  | 'UNSUPPORTED_SCRIPT'
  /** The signed message is not the binding message of this snapshot (other snapshot, root or height). */
  | 'WRONG_MESSAGE'
  /** The BIP-127 commitment input does not commit to the binding message. */
  | 'WRONG_COMMITMENT'
  /** A BIP-127 proof file names another block than the UTXO snapshot's. */
  | 'WRONG_BLOCK'
  /** A claimed UTXO is not in the UTXO snapshot. */
  | 'UTXO_NOT_IN_SNAPSHOT'
  /** A claimed UTXO was created above the snapshot's block height. */
  | 'UTXO_ABOVE_HEIGHT'
  /** The BIP-127 output is not the exact sum of the claimed inputs. */
  | 'AMOUNT_MISMATCH'
  /** One transaction spends the same outpoint twice (invalid by consensus). */
  | 'DUPLICATE_INPUT'
  /** The signature is for another address or key than the one claimed. */
  | 'WRONG_ADDRESS';

/** A proof failure: a code and a sentence saying what is wrong. */
export interface AssetFailure {
  code: AssetFailureCode;
  message: string;
}

/** Builds an {@link AssetFailure}. */
export function failure(code: AssetFailureCode, message: string): AssetFailure {
  return { code, message };
}
