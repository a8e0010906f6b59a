/**
 * C2SP tlog-checkpoint: the signed note a log publishes for a tree head.
 *
 * Note text: origin line, tree size (decimal, no leading zeros), base64 root hash, then
 * optional non-empty extension lines, every line ending in a newline.
 */
import { base64 } from '@scure/base';
import { TlogError } from './errors.js';
import { checkHash, HASH_SIZE } from './hash.js';
import { checkNoteText, isValidKeyName, openNote, signNote, type NoteSignature, type NoteSigner, type NoteVerifier, type OpenNoteOptions } from './note.js';
import { checkCount, parseDecimal } from './util.js';

/** A tree head: which log (origin), how many leaves, which root. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** Opaque extension lines (not recommended by the spec); empty when none. */
  readonly extensions?: readonly string[];
}

/** A checkpoint taken from a verified signed note. */
export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint & { readonly extensions: readonly string[] };
  /** The checkpoint note text (what witnesses cosign). */
  readonly text: string;
  /** Signatures by the given verifiers. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by unknown keys (e.g. witnesses not asked about). */
  readonly unverified: readonly NoteSignature[];
}

/** Options of openCheckpoint. */
export interface OpenCheckpointOptions extends OpenNoteOptions {
  /** The origin the checkpoint must have (TLOG_CHECKPOINT_ORIGIN otherwise). */
  readonly origin?: string;
}

/**
 * The checkpoint note text. For our own logs the origin must also follow the spec's advice
 * (no Unicode spaces, no `+`), so it can double as the log's key name.
 *
 * @example formatCheckpoint({ origin: 'example.com/log', size: 5, root }) // 'example.com/log\n5\n<base64 root>\n'
 */
export function formatCheckpoint(cp: Checkpoint): string {
  if (!isValidKeyName(cp.origin)) {
    throw new TlogError('TLOG_CHECKPOINT_MALFORMED', `origin ${JSON.stringify(cp.origin)} must be non-empty, without spaces, '+' or control characters`);
  }
  checkCount(cp.size, 'checkpoint size');
  checkHash(cp.root, 'checkpoint root');
  const ext = cp.extensions ?? [];
  ext.forEach((line, i) => {
    if (typeof line !== 'string' || line === '' || line.includes('\n')) throw new TlogError('TLOG_CHECKPOINT_MALFORMED', `extension line ${i + 1} must be a non-empty single line`);
  });
  const text = [cp.origin, String(cp.size), base64.encode(cp.root), ...ext].map((l) => `${l}\n`).join('');
  checkNoteText(text);
  return text;
}

/**
 * Parses a checkpoint note text (untrusted input; normally from openNote or openCheckpoint).
 * Strict: at least three non-empty lines, size in canonical decimal and at most 2^53 - 1, root
 * in canonical base64 of exactly 32 bytes, non-empty extension lines. Throws
 * TLOG_CHECKPOINT_MALFORMED naming the line.
 */
export function parseCheckpoint(text: string): Checkpoint & { readonly extensions: readonly string[] } {
  const bad = (line: number, why: string): TlogError => new TlogError('TLOG_CHECKPOINT_MALFORMED', `checkpoint line ${line}: ${why}`);
  try {
    checkNoteText(text);
  } catch (e) {
    throw new TlogError('TLOG_CHECKPOINT_MALFORMED', `checkpoint text: ${(e as Error).message}`);
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new TlogError('TLOG_CHECKPOINT_MALFORMED', `checkpoint has ${lines.length} lines, needs origin, size and root`);
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw bad(1, 'origin is empty');
  const size = parseDecimal(sizeText);
  if (size === undefined) throw bad(2, `tree size ${JSON.stringify(sizeText)} is not a decimal without leading zeros up to 2^53 - 1`);
  let root: Uint8Array;
  try {
    root = base64.decode(rootText);
  } catch {
    throw bad(3, 'root hash is not canonical base64');
  }
  if (root.length !== HASH_SIZE) throw bad(3, `root hash is ${root.length} bytes, expected ${HASH_SIZE}`);
  extensions.forEach((l, i) => {
    if (l === '') throw bad(4 + i, 'extension lines must be non-empty');
  });
  return { origin, size, root, extensions };
}

/** Formats and signs a checkpoint: the signed note, ready to serve at `<prefix>/checkpoint`. */
export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

/**
 * Opens a signed checkpoint: openNote with `verifiers` (at least one must have signed, no known
 * signature may be bad), then parseCheckpoint, then the origin check when `options.origin` is
 * given. Pass the origin you expect: a valid checkpoint of another log is still valid.
 */
export function openCheckpoint(signedNote: string | Uint8Array, verifiers: readonly NoteVerifier[], options: OpenCheckpointOptions = {}): OpenedCheckpoint {
  const note = openNote(signedNote, verifiers, options);
  const checkpoint = parseCheckpoint(note.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new TlogError('TLOG_CHECKPOINT_ORIGIN', `checkpoint origin is ${JSON.stringify(checkpoint.origin)}, expected ${JSON.stringify(options.origin)}`);
  }
  return { checkpoint, text: note.text, verified: note.verified, unverified: note.unverified };
}
