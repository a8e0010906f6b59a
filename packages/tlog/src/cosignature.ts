/**
 * C2SP tlog-cosignature, cosignature/v1: a witness's timestamped Ed25519 statement that a
 * checkpoint is the largest consistent tree head it has seen for that log.
 *
 * - Witness key ID = SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4];
 *   vkey `name+hexid+base64(0x04 || pubkey)`.
 * - Signed message: `cosignature/v1\ntime <t>\n` followed by the checkpoint note text.
 * - Note signature bytes: key ID (4) || timestamp (8, big-endian seconds) || Ed25519 signature (64).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { TlogError } from './errors.js';
import {
  checkNoteText,
  ed25519Verify,
  encodeKeyPair,
  encodeVerifierKey,
  formatKeyId,
  formatSignatureLine,
  openNote,
  splitNote,
  type KeyInfo,
  type NoteSignature,
  type NoteVerifier,
  type OpenNoteOptions,
  parseEd25519KeyOfType,
  parseEd25519SignerOfType,
  parseVerifierKey,
  decodeKeyString,
  type Ed25519NoteVerifier,
} from './note.js';

/** Signature type byte of cosignature/v1 witness keys (signed-note §Signature types). */
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;
/** Length of a cosignature/v1 signature after the key ID: timestamp (8) + Ed25519 (64). */
export const COSIGNATURE_V1_SIZE = 72;

const UTF8 = new TextEncoder();

/** A witness key able to cosign checkpoints. */
export interface WitnessSigner extends KeyInfo {
  /** The 72-byte timestamped signature over the checkpoint note text at `timestamp` (UNIX seconds). */
  cosign(checkpointText: string, timestamp: number): Uint8Array;
}

/**
 * A witness verifier key. As a NoteVerifier it checks cosignature/v1 signatures, so it can go
 * into openNote / openCheckpoint next to the log's key.
 */
export type WitnessVerifier = NoteVerifier & KeyInfo;

/** A cosignature that verified. */
export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: number;
  /** UNIX seconds at which the witness cosigned. */
  readonly timestamp: number;
}

function checkTimestamp(t: number): void {
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) throw new TlogError('TLOG_COSIGNATURE_MALFORMED', `timestamp must be a safe integer >= 0 (UNIX seconds), got ${String(t)}`);
}

function messageBytes(textBytes: Uint8Array, timestamp: number): Uint8Array {
  const head = UTF8.encode(`cosignature/v1\ntime ${timestamp}\n`);
  const out = new Uint8Array(head.length + textBytes.length);
  out.set(head);
  out.set(textBytes, head.length);
  return out;
}

/** The message a cosignature/v1 signs: header line, time line, checkpoint note text. */
export function cosignatureMessage(checkpointText: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  checkNoteText(checkpointText);
  return messageBytes(UTF8.encode(checkpointText), timestamp);
}

/**
 * The timestamp of a 72-byte cosignature/v1 signature (after the key ID). Throws
 * TLOG_COSIGNATURE_MALFORMED for another length or a time beyond 2^53 - 1 seconds.
 */
export function cosignatureTimestamp(signature: Uint8Array): number {
  if (signature.length !== COSIGNATURE_V1_SIZE) throw new TlogError('TLOG_COSIGNATURE_MALFORMED', `cosignature is ${signature.length} bytes after the key ID, expected ${COSIGNATURE_V1_SIZE}`);
  const view = new DataView(signature.buffer, signature.byteOffset, 8);
  const hi = view.getUint32(0);
  if (hi > 0x1fffff) throw new TlogError('TLOG_COSIGNATURE_MALFORMED', 'cosignature timestamp is beyond 2^53 - 1 seconds');
  return hi * 2 ** 32 + view.getUint32(4);
}

function verifyWitness(publicKey: Uint8Array, checkpointText: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== COSIGNATURE_V1_SIZE) return false;
  let t: number;
  try {
    t = cosignatureTimestamp(signature);
  } catch {
    return false;
  }
  return ed25519Verify(publicKey, messageBytes(checkpointText, t), signature.subarray(8));
}

/**
 * Parses a witness verifier key `name+hexid+base64(0x04 || pubkey)`, checking the key ID.
 * Throws TLOG_KEY_INVALID, or TLOG_KEY_ALGORITHM for another type byte.
 */
export function parseWitnessVerifierKey(vkey: string): WitnessVerifier {
  const d = parseEd25519KeyOfType(vkey, SIGNATURE_TYPE_COSIGNATURE_V1, 'cosignature/v1 witness');
  const publicKey = d.publicKey;
  return {
    name: d.name,
    keyId: d.keyId,
    type: SIGNATURE_TYPE_COSIGNATURE_V1,
    publicKey,
    vkey,
    verify: (message, signature) => verifyWitness(publicKey, message, signature),
  };
}

/**
 * Parses a verifier key of either kind this package checks: an Ed25519 note key (type 0x01,
 * e.g. a log key) or a cosignature/v1 witness key (type 0x04). For lists of trusted keys.
 */
export function parseAnyVerifierKey(vkey: string): Ed25519NoteVerifier | WitnessVerifier {
  const { type } = decodeKeyString(vkey, 'verifier key');
  return type === SIGNATURE_TYPE_COSIGNATURE_V1 ? parseWitnessVerifierKey(vkey) : parseVerifierKey(vkey);
}

/**
 * Parses a witness signer key `PRIVATE+KEY+name+hexid+base64(0x04 || seed)` (the Go
 * sumdb/note skey layout with the cosignature/v1 type byte), checking the key ID.
 */
export function parseWitnessSignerKey(skey: string): WitnessSigner {
  const d = parseEd25519SignerOfType(skey, SIGNATURE_TYPE_COSIGNATURE_V1, 'cosignature/v1 witness');
  const { seed, publicKey } = d;
  return {
    name: d.name,
    keyId: d.keyId,
    type: SIGNATURE_TYPE_COSIGNATURE_V1,
    publicKey,
    vkey: encodeVerifierKey(d.name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey),
    cosign(checkpointText, timestamp) {
      const sig = ed25519.sign(cosignatureMessage(checkpointText, timestamp), seed);
      const out = new Uint8Array(COSIGNATURE_V1_SIZE);
      const view = new DataView(out.buffer);
      view.setUint32(0, Math.floor(timestamp / 2 ** 32));
      view.setUint32(4, timestamp % 2 ** 32);
      out.set(sig, 8);
      return out;
    },
  };
}

/**
 * A new witness key pair `{ skey, vkey }` with type byte 0x04. The seed (32 bytes) defaults to
 * fresh randomness.
 */
export function generateWitnessKey(name: string, seed?: Uint8Array): { skey: string; vkey: string } {
  return encodeKeyPair(name, SIGNATURE_TYPE_COSIGNATURE_V1, seed ?? ed25519.utils.randomSecretKey());
}

/**
 * Cosigns a checkpoint note text (which must parse as a checkpoint) at `unixSeconds`:
 * returns the note signature line (with its newline) to append to the signed checkpoint, e.g.
 * with addSignatureLines. The witness must have verified the log's signature and the
 * checkpoint's consistency before calling this.
 *
 * @example const line = cosignCheckpoint(opened.text, witness, Math.floor(Date.now() / 1000));
 */
export function cosignCheckpoint(checkpointText: string, witness: WitnessSigner, unixSeconds: number): string {
  parseCheckpoint(checkpointText);
  return formatSignatureLine(witness.name, witness.keyId, witness.cosign(checkpointText, unixSeconds));
}

/**
 * Verifies one cosignature line over a checkpoint note text; returns its timestamp. Throws
 * TLOG_COSIGNATURE_MALFORMED (line form, wrong length) or TLOG_COSIGNATURE_INVALID (another
 * key, or a bad signature).
 */
export function verifyCosignature(checkpointText: string, signatureLine: string, witness: WitnessVerifier): number {
  let sig: NoteSignature;
  try {
    const line = signatureLine.endsWith('\n') ? signatureLine : `${signatureLine}\n`;
    const s = splitNote(`x\n\n${line}`).signatures;
    if (s.length !== 1) throw new Error('more than one line');
    sig = s[0]!;
  } catch (e) {
    throw new TlogError('TLOG_COSIGNATURE_MALFORMED', `cosignature line is malformed: ${(e as Error).message}`);
  }
  if (sig.name !== witness.name || sig.keyId !== witness.keyId) {
    throw new TlogError('TLOG_COSIGNATURE_INVALID', `cosignature is by ${sig.name}+${formatKeyId(sig.keyId)}, not by witness ${witness.name}+${formatKeyId(witness.keyId)}`);
  }
  const t = cosignatureTimestamp(sig.signature);
  if (!witness.verify(UTF8.encode(checkpointText), sig.signature)) {
    throw new TlogError('TLOG_COSIGNATURE_INVALID', `cosignature by ${sig.name}+${formatKeyId(sig.keyId)} does not verify`);
  }
  return t;
}

/** Policy for openCosignedCheckpoint. */
export interface CosignedCheckpointPolicy extends OpenNoteOptions {
  /** The log's key(s); at least one must have signed. */
  readonly log: NoteVerifier | readonly NoteVerifier[];
  /** The witnesses whose cosignatures count. */
  readonly witnesses?: readonly WitnessVerifier[];
  /** How many distinct witnesses must have cosigned (default: all of `witnesses`). */
  readonly quorum?: number;
  /** The checkpoint origin required (TLOG_CHECKPOINT_ORIGIN otherwise). */
  readonly origin?: string;
}

/** A checkpoint verified against a log key and a witness quorum. */
export interface CosignedCheckpoint {
  readonly checkpoint: Checkpoint & { readonly extensions: readonly string[] };
  readonly text: string;
  readonly logSignatures: readonly NoteSignature[];
  readonly cosignatures: readonly VerifiedCosignature[];
}

/**
 * Opens a signed checkpoint that must carry a valid signature by the log and valid
 * cosignatures by at least `quorum` of the witnesses. Any bad signature by a known key rejects
 * it. Throws TLOG_LOG_SIGNATURE_MISSING, TLOG_COSIGNATURE_QUORUM, or the openNote /
 * parseCheckpoint codes.
 */
export function openCosignedCheckpoint(signedNote: string | Uint8Array, policy: CosignedCheckpointPolicy): CosignedCheckpoint {
  const logKeys: readonly NoteVerifier[] = Array.isArray(policy.log) ? policy.log : [policy.log as NoteVerifier];
  const witnesses = policy.witnesses ?? [];
  const quorum = policy.quorum ?? witnesses.length;
  if (!Number.isSafeInteger(quorum) || quorum < 0 || quorum > witnesses.length) {
    throw new TlogError('TLOG_INVALID_ARGUMENT', `witness quorum must be 0..${witnesses.length}, got ${String(quorum)}`);
  }
  const note = openNote(signedNote, [...logKeys, ...witnesses], policy);
  const isLog = (s: NoteSignature): boolean => logKeys.some((k) => k.name === s.name && k.keyId === s.keyId);
  const logSignatures = note.verified.filter(isLog);
  if (logSignatures.length === 0) throw new TlogError('TLOG_LOG_SIGNATURE_MISSING', 'checkpoint has no valid signature by the log key');
  const checkpoint = parseCheckpoint(note.text);
  if (policy.origin !== undefined && checkpoint.origin !== policy.origin) {
    throw new TlogError('TLOG_CHECKPOINT_ORIGIN', `checkpoint origin is ${JSON.stringify(checkpoint.origin)}, expected ${JSON.stringify(policy.origin)}`);
  }
  const cosignatures = note.verified.filter((s) => !isLog(s)).map((s) => ({ name: s.name, keyId: s.keyId, timestamp: cosignatureTimestamp(s.signature) }));
  if (cosignatures.length < quorum) {
    throw new TlogError('TLOG_COSIGNATURE_QUORUM', `checkpoint has cosignatures by ${cosignatures.length} of the witnesses, the quorum is ${quorum}`);
  }
  return { checkpoint, text: note.text, logSignatures, cosignatures };
}
