/**
 * What a blockchain timestamp of the registry covers. The registry stamps its checkpoints: the
 * `.ots` digest is the SHA-256 of the checkpoint's note text (origin, tree size, root hash and any
 * extension lines, without signature lines), so one stamp covers every entry in that tree.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { splitNote } from '@keygrade/tlog';
import { utf8 } from './bytes.js';

/** SHA-256 of a checkpoint's note text (signatures left out): the digest the registry stamps. */
export function checkpointDigest(signedCheckpoint: string): Uint8Array {
  return sha256(utf8(splitNote(signedCheckpoint).text));
}
