import { BaseError } from '@keygrade/errors';

/**
 * Every expected failure of `@keygrade/tlog`. Callers switch on the code, never on the message.
 *
 * Merkle tree and proofs (RFC 9162 §2.1):
 * - `TLOG_INVALID_ARGUMENT`: a size, index, level or option is not a safe non-negative integer or is out of its domain.
 * - `TLOG_INDEX_OUT_OF_RANGE`: a leaf index is not below the tree size, or a node lies outside the tree.
 * - `TLOG_HASH_LENGTH`: a leaf hash, root or proof hash is not 32 bytes.
 * - `TLOG_SIZE_ORDER`: a consistency proof was asked between a larger and a smaller tree.
 * - `TLOG_CONSISTENCY_FROM_EMPTY`: a consistency proof from size 0 (meaningless; the caller decides what an empty tree means).
 * - `TLOG_PROOF_EMPTY`: an empty consistency proof where one is needed.
 * - `TLOG_PROOF_LENGTH`: a proof has more or fewer hashes than the sizes call for.
 * - `TLOG_ROOT_MISMATCH`: the proof does not lead to the expected root(s).
 * - `TLOG_HASH_READER`: a HashReader returned the wrong number of hashes or a hash of the wrong length.
 *
 * Tiles (C2SP tlog-tiles) and the tile builder:
 * - `TLOG_TILE_PATH`: a tile or entry-bundle path is not in canonical form.
 * - `TLOG_TILE_DATA`: tile data has the wrong length.
 * - `TLOG_TILE_MISMATCH`: fetched tiles do not hash to the known root.
 * - `TLOG_ENTRY_BUNDLE`: an entry bundle is malformed, or an entry is too long to bundle.
 * - `TLOG_BUILDER_STATE`: the tiles given to resume a builder do not match the tree size or root.
 *
 * Signed notes, checkpoints, cosignatures, proofs (C2SP signed-note, tlog-checkpoint, tlog-cosignature, tlog-proof):
 * - `TLOG_KEY_INVALID`: a key name, signer key (skey) or verifier key (vkey) is malformed, or its key ID does not match.
 * - `TLOG_KEY_ALGORITHM`: a key has a signature type this package does not handle.
 * - `TLOG_KEY_AMBIGUOUS`: two verifiers share a key name and key ID.
 * - `TLOG_NOTE_MALFORMED`: a note or note text breaks the signed-note format.
 * - `TLOG_NOTE_TOO_LARGE`: a note is longer, or has more signatures, than the configured limit.
 * - `TLOG_NOTE_BAD_SIGNATURE`: a signature by a known key does not verify.
 * - `TLOG_NOTE_UNVERIFIED`: no known key signed the note.
 * - `TLOG_CHECKPOINT_MALFORMED`: a checkpoint body breaks the tlog-checkpoint format.
 * - `TLOG_CHECKPOINT_ORIGIN`: a checkpoint is for another log (origin mismatch).
 * - `TLOG_COSIGNATURE_MALFORMED`: a cosignature line or timestamp is malformed.
 * - `TLOG_COSIGNATURE_INVALID`: a cosignature does not verify.
 * - `TLOG_COSIGNATURE_QUORUM`: fewer witnesses cosigned than the policy requires.
 * - `TLOG_PROOF_MALFORMED`: a `.tlog-proof` file breaks the tlog-proof format.
 * - `TLOG_LOG_SIGNATURE_MISSING`: a checkpoint verified only through witness keys, not the log key.
 */
export type TlogErrorCode =
  | 'TLOG_INVALID_ARGUMENT'
  | 'TLOG_INDEX_OUT_OF_RANGE'
  | 'TLOG_HASH_LENGTH'
  | 'TLOG_SIZE_ORDER'
  | 'TLOG_CONSISTENCY_FROM_EMPTY'
  | 'TLOG_PROOF_EMPTY'
  | 'TLOG_PROOF_LENGTH'
  | 'TLOG_ROOT_MISMATCH'
  | 'TLOG_HASH_READER'
  | 'TLOG_TILE_PATH'
  | 'TLOG_TILE_DATA'
  | 'TLOG_TILE_MISMATCH'
  | 'TLOG_ENTRY_BUNDLE'
  | 'TLOG_BUILDER_STATE'
  | 'TLOG_KEY_INVALID'
  | 'TLOG_KEY_ALGORITHM'
  | 'TLOG_KEY_AMBIGUOUS'
  | 'TLOG_NOTE_MALFORMED'
  | 'TLOG_NOTE_TOO_LARGE'
  | 'TLOG_NOTE_BAD_SIGNATURE'
  | 'TLOG_NOTE_UNVERIFIED'
  | 'TLOG_CHECKPOINT_MALFORMED'
  | 'TLOG_CHECKPOINT_ORIGIN'
  | 'TLOG_COSIGNATURE_MALFORMED'
  | 'TLOG_COSIGNATURE_INVALID'
  | 'TLOG_COSIGNATURE_QUORUM'
  | 'TLOG_PROOF_MALFORMED'
  | 'TLOG_LOG_SIGNATURE_MISSING';

/** An expected failure of the transparency-log library; `code` says which. */
export class TlogError extends BaseError<TlogErrorCode> {}
