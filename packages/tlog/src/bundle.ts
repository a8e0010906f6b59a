/**
 * C2SP tlog-proof (`c2sp.org/tlog-proof@v1`): an offline-verifiable proof that an entry is in a
 * log, stored as a `.tlog-proof` file.
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64>            (optional)
 *     index <decimal>
 *     <base64 inclusion proof hash, deepest first>   (zero or more)
 *     <empty line>
 *     <signed checkpoint, verbatim, with any cosignatures>
 */
import { base64 } from '@scure/base';
import type { Checkpoint } from './checkpoint.js';
import { openCosignedCheckpoint, parseWitnessVerifierKey, type VerifiedCosignature, type WitnessVerifier } from './cosignature.js';
import { TlogError } from './errors.js';
import { checkHash, HASH_SIZE, leafHash } from './hash.js';
import { parseVerifierKey, splitNote, type NoteVerifier } from './note.js';
import { verifyInclusion } from './proof.js';
import { checkCount, parseDecimal } from './util.js';

/** First line of a tlog-proof. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** Suggested file extension. */
export const TLOG_PROOF_EXTENSION = '.tlog-proof';
/** No tree of at most 2^53 - 1 leaves has a longer inclusion proof. */
const MAX_PROOF_HASHES = 63;

/** The contents of a tlog-proof. */
export interface TlogProof {
  readonly index: number;
  /** Inclusion proof hashes, from the leaf's sibling up. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim (log signature and cosignatures). */
  readonly checkpoint: string;
  /** Opaque, unauthenticated application data; absent when none. */
  readonly extra?: Uint8Array;
}

/** Writes a tlog-proof file. Checks the shapes of its parts, not the signatures. */
export function formatTlogProof(p: TlogProof): string {
  checkCount(p.index, 'index');
  if (p.proof.length > MAX_PROOF_HASHES) throw new TlogError('TLOG_PROOF_MALFORMED', `inclusion proof has ${p.proof.length} hashes, more than ${MAX_PROOF_HASHES}`);
  p.proof.forEach((h, i) => checkHash(h, `proof[${i}]`));
  try {
    splitNote(p.checkpoint);
  } catch (e) {
    throw new TlogError('TLOG_PROOF_MALFORMED', `checkpoint is not a signed note: ${(e as Error).message}`);
  }
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined && p.extra.length > 0) lines.push(`extra ${base64.encode(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map((h) => base64.encode(h)), '');
  return `${lines.join('\n')}\n${p.checkpoint}`;
}

/**
 * Parses a tlog-proof file (untrusted input) without verifying it. Strict: exact header,
 * optional `extra` line with non-empty canonical base64, `index` in canonical decimal, proof
 * hashes of exactly 32 bytes, an empty line, then the checkpoint note. Throws
 * TLOG_PROOF_MALFORMED naming the line.
 */
export function parseTlogProof(text: string): TlogProof {
  if (typeof text !== 'string') throw new TlogError('TLOG_PROOF_MALFORMED', 'tlog-proof must be text');
  const bad = (line: number, why: string): TlogError => new TlogError('TLOG_PROOF_MALFORMED', `tlog-proof line ${line}: ${why}`);
  const lines: string[] = [];
  let at = 0;
  let checkpoint: string | undefined;
  // Read lines up to the empty one; the rest of the file is the checkpoint note.
  while (checkpoint === undefined) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) throw bad(lines.length + 1, 'file ends before the empty line that precedes the checkpoint');
    const line = text.slice(at, nl);
    at = nl + 1;
    if (line === '') checkpoint = text.slice(at);
    else lines.push(line);
    if (lines.length > MAX_PROOF_HASHES + 3) throw bad(lines.length, 'too many lines before the checkpoint');
  }
  let n = 0;
  if (lines[n] !== TLOG_PROOF_HEADER) throw bad(1, `expected ${TLOG_PROOF_HEADER}`);
  n++;
  let extra: Uint8Array | undefined;
  if (lines[n]?.startsWith('extra ')) {
    try {
      extra = base64.decode(lines[n]!.slice('extra '.length));
    } catch {
      throw bad(n + 1, 'extra data is not canonical base64');
    }
    if (extra.length === 0) throw bad(n + 1, 'extra line present with no data');
    n++;
  }
  const indexLine = lines[n];
  if (indexLine === undefined || !indexLine.startsWith('index ')) throw bad(n + 1, 'expected "index <n>"');
  const index = parseDecimal(indexLine.slice('index '.length));
  if (index === undefined) throw bad(n + 1, 'index is not a decimal without leading zeros up to 2^53 - 1');
  n++;
  const proof: Uint8Array[] = [];
  for (; n < lines.length; n++) {
    let h: Uint8Array;
    try {
      h = base64.decode(lines[n]!);
    } catch {
      throw bad(n + 1, 'proof hash is not canonical base64');
    }
    if (h.length !== HASH_SIZE) throw bad(n + 1, `proof hash is ${h.length} bytes, expected ${HASH_SIZE}`);
    proof.push(h);
  }
  if (proof.length > MAX_PROOF_HASHES) throw bad(n, `inclusion proof has more than ${MAX_PROOF_HASHES} hashes`);
  try {
    splitNote(checkpoint);
  } catch (e) {
    throw new TlogError('TLOG_PROOF_MALFORMED', `tlog-proof checkpoint (after line ${lines.length + 1}): ${(e as Error).message}`);
  }
  return extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra };
}

/** Trust policy for verifyTlogProof. */
export interface VerifyTlogProofOptions {
  /** The log's Ed25519 verifier key (vkey string or parsed). */
  readonly logKey: string | NoteVerifier;
  /** The checkpoint origin required; default: the log key's name. */
  readonly origin?: string;
  /** Witness cosignature/v1 verifier keys (vkey strings or parsed). */
  readonly witnessKeys?: readonly (string | WitnessVerifier)[];
  /** How many distinct witnesses must have cosigned; default: all of witnessKeys. */
  readonly witnessQuorum?: number;
}

/** What a verified tlog-proof establishes. */
export interface VerifiedTlogProof {
  readonly checkpoint: Checkpoint & { readonly extensions: readonly string[] };
  readonly index: number;
  readonly leafHash: Uint8Array;
  /** Witnesses whose cosignatures verified, with their times. */
  readonly witnesses: readonly VerifiedCosignature[];
  /** The unauthenticated extra data, if any. Do not trust it. */
  readonly extra?: Uint8Array;
}

/**
 * Verifies a tlog-proof for `entry` (the logged bytes; their RFC 9162 leaf hash is checked):
 * the checkpoint's log signature and origin, the witness quorum, and the inclusion of the
 * entry at the index in the checkpoint's tree. Throws a TlogError on any failure.
 *
 * @example
 * const { checkpoint, witnesses } = verifyTlogProof(text, entryBytes, { logKey: vkey, witnessKeys, witnessQuorum: 2 });
 */
export function verifyTlogProof(bundleText: string, entry: Uint8Array, options: VerifyTlogProofOptions): VerifiedTlogProof {
  const log = typeof options.logKey === 'string' ? parseVerifierKey(options.logKey) : options.logKey;
  const witnesses = (options.witnessKeys ?? []).map((k) => (typeof k === 'string' ? parseWitnessVerifierKey(k) : k));
  const p = parseTlogProof(bundleText);
  const opened = openCosignedCheckpoint(p.checkpoint, {
    log,
    witnesses,
    ...(options.witnessQuorum === undefined ? {} : { quorum: options.witnessQuorum }),
    origin: options.origin ?? log.name,
  });
  const lh = leafHash(entry);
  verifyInclusion(lh, p.index, opened.checkpoint.size, p.proof, opened.checkpoint.root);
  const out = { checkpoint: opened.checkpoint, index: p.index, leafHash: lh, witnesses: opened.cosignatures };
  return p.extra === undefined ? out : { ...out, extra: p.extra };
}
