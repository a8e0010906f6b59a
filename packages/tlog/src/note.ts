/**
 * C2SP signed-note with Ed25519 signatures, and the Go sumdb/note key encodings.
 *
 * A signed note is a text ending in a newline, a blank line, and signature lines
 * `— <key name> <base64(key ID[4] || signature)>`. Key ID = SHA-256(name || 0x0A || type || public key)[:4].
 * Verifier key (vkey): `<name>+<hex key ID>+<base64(type || public key)>`; signer key (skey):
 * `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import { TlogError } from './errors.js';
import { findControlChar, isWellFormed } from './util.js';

/** Signature type byte of plain Ed25519 note signatures (signed-note §Signature types). */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** Signature lines start with an em dash (U+2014) and a space. */
export const SIGNATURE_LINE_PREFIX = '\u2014 ';
/** Default limit on the UTF-8 size of a note that openNote accepts. */
export const DEFAULT_MAX_NOTE_BYTES = 1 << 20;
/** Default limit on signature lines in a note (the spec asks for at least 16; Go allows 100). */
export const DEFAULT_MAX_SIGNATURES = 100;

/** Something that signs note texts under a key name and key ID. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** Signature bytes over `message` (the note text, or a message derived from it), without the key ID. */
  sign(message: Uint8Array): Uint8Array;
}

/** Something that checks signatures made under a key name and key ID. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** True when `signature` (without the key ID) is valid for the note text `message`. Never throws. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** An Ed25519 (type 0x01) or other key parsed from a vkey/skey, with its encodings. */
export interface KeyInfo {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
  /** The verifier key string. */
  readonly vkey: string;
}

/** An Ed25519 note signer parsed from an skey. */
export type Ed25519NoteSigner = NoteSigner & KeyInfo;
/** An Ed25519 note verifier parsed from a vkey. */
export type Ed25519NoteVerifier = NoteVerifier & KeyInfo;

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Uint8Array;
  /** The whole line, without its newline. */
  readonly line: string;
}

/** A note whose signatures were checked. */
export interface OpenedNote {
  /** The note text, final newline included: the signed message. */
  readonly text: string;
  /** Signatures by known keys, all valid, one per key. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by unknown keys, not checked (identical lines once). */
  readonly unverified: readonly NoteSignature[];
}

/** Limits for openNote. */
export interface OpenNoteOptions {
  /** Largest note accepted, in UTF-8 bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** Most signature lines accepted (default 100). */
  readonly maxSignatures?: number;
}

/** Stateless; shared. */
const UTF8 = new TextEncoder();

/**
 * Key names must be non-empty and hold no Unicode space and no `+` (signed-note §Format). We
 * also refuse ASCII control characters, which no note may contain.
 */
export function isValidKeyName(name: string): boolean {
  return typeof name === 'string' && name !== '' && isWellFormed(name) && !/[\p{White_Space}+]/u.test(name) && findControlChar(name) < 0;
}

function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new TlogError('TLOG_KEY_INVALID', `key name ${JSON.stringify(name)} is not valid: it must be non-empty, without spaces, '+' or control characters`);
}

/** Key ID: the first 4 bytes of SHA-256(name || 0x0A || type || publicKey), as a uint32 (signed-note §Signatures). */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  checkKeyName(name);
  const h = sha256.create().update(UTF8.encode(`${name}\n`)).update(Uint8Array.of(type)).update(publicKey).digest();
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

/** A key ID as 8 lower-case hex digits, as keys and messages show it. */
export function formatKeyId(id: number): string {
  return id.toString(16).padStart(8, '0');
}

/** Builds a vkey string `<name>+<hex key ID>+<base64(type || publicKey)>`. */
export function encodeVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  const id = keyId(name, type, publicKey);
  return `${name}+${formatKeyId(id)}+${base64.encode(concat(Uint8Array.of(type), publicKey))}`;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The parts of a vkey (or of an skey after `PRIVATE+KEY+`), checked for form only. */
export interface DecodedKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  /** Key material after the type byte. */
  readonly key: Uint8Array;
}

/**
 * Splits `<name>+<hex id>+<base64>` on its first two `+` only (the base64 part may hold `+`)
 * and checks each part's form. Does not check the key ID against the key.
 */
export function decodeKeyString(s: string, what: 'verifier key' | 'signer key'): DecodedKey {
  const bad = (why: string): TlogError => new TlogError('TLOG_KEY_INVALID', `${what} is malformed: ${why}`);
  if (typeof s !== 'string') throw bad('not a string');
  const i = s.indexOf('+');
  const j = i < 0 ? -1 : s.indexOf('+', i + 1);
  if (j < 0) throw bad('expected <name>+<key ID>+<key>');
  const name = s.slice(0, i);
  const hex = s.slice(i + 1, j);
  if (!isValidKeyName(name)) throw bad(`key name ${JSON.stringify(name)} is not valid`);
  if (!/^[0-9a-f]{8}$/.test(hex)) throw bad('key ID must be 8 lower-case hex digits');
  let raw: Uint8Array;
  try {
    raw = base64.decode(s.slice(j + 1));
  } catch {
    throw bad('key is not canonical base64');
  }
  if (raw.length < 1) throw bad('key is empty');
  return { name, keyId: parseInt(hex, 16), type: raw[0]!, key: raw.subarray(1) };
}

function checkDecodedId(d: DecodedKey, publicKey: Uint8Array, what: string): void {
  const want = keyId(d.name, d.type, publicKey);
  if (want !== d.keyId) throw new TlogError('TLOG_KEY_INVALID', `${what} for ${d.name} has key ID ${formatKeyId(d.keyId)}, but its key gives ${formatKeyId(want)}`);
}

/** Throws unless `key` is a 32-byte strictly-encoded Ed25519 public key. */
function checkEd25519PublicKey(key: Uint8Array, what: string): void {
  if (key.length !== 32) throw new TlogError('TLOG_KEY_INVALID', `${what} holds a ${key.length}-byte key; Ed25519 public keys are 32 bytes`);
  if (!ed25519.utils.isValidPublicKey(key, false)) throw new TlogError('TLOG_KEY_INVALID', `${what} holds bytes that are not an Ed25519 public key`);
}

/** Strict RFC 8032 verification (no ZIP-215 leniency); false on any malformed input. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/**
 * Parses a vkey of type `type` holding a 32-byte Ed25519 key, checking its key ID. Used for
 * note keys (0x01) here and witness keys (0x04) in cosignature.ts.
 */
export function parseEd25519KeyOfType(vkey: string, type: number, kind: string): DecodedKey & { publicKey: Uint8Array } {
  const d = decodeKeyString(vkey, 'verifier key');
  if (d.type !== type) {
    throw new TlogError('TLOG_KEY_ALGORITHM', `verifier key for ${d.name} has signature type 0x${d.type.toString(16).padStart(2, '0')}; ${kind} keys have type 0x${type.toString(16).padStart(2, '0')}`);
  }
  checkEd25519PublicKey(d.key, `verifier key for ${d.name}`);
  checkDecodedId(d, d.key, 'verifier key');
  return { ...d, publicKey: d.key.slice() };
}

/**
 * Parses an Ed25519 note verifier key (`name+hexid+base64(0x01 || pubkey)`), checking the key
 * ID. Throws TLOG_KEY_INVALID or TLOG_KEY_ALGORITHM.
 *
 * @example const v = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 */
export function parseVerifierKey(vkey: string): Ed25519NoteVerifier {
  const d = parseEd25519KeyOfType(vkey, SIGNATURE_TYPE_ED25519, 'Ed25519 note');
  const publicKey = d.publicKey;
  return {
    name: d.name,
    keyId: d.keyId,
    type: SIGNATURE_TYPE_ED25519,
    publicKey,
    vkey,
    verify: (message, signature) => ed25519Verify(publicKey, message, signature),
  };
}

/**
 * Parses the seed of an Ed25519 signer key `PRIVATE+KEY+name+hexid+base64(type || seed)` of
 * the given type, checking the key ID against the derived public key.
 */
export function parseEd25519SignerOfType(skey: string, type: number, kind: string): DecodedKey & { seed: Uint8Array; publicKey: Uint8Array } {
  if (typeof skey !== 'string' || !skey.startsWith('PRIVATE+KEY+')) throw new TlogError('TLOG_KEY_INVALID', 'signer key is malformed: it must start with PRIVATE+KEY+');
  const d = decodeKeyString(skey.slice('PRIVATE+KEY+'.length), 'signer key');
  if (d.type !== type) {
    throw new TlogError('TLOG_KEY_ALGORITHM', `signer key for ${d.name} has signature type 0x${d.type.toString(16).padStart(2, '0')}; ${kind} keys have type 0x${type.toString(16).padStart(2, '0')}`);
  }
  if (d.key.length !== 32) throw new TlogError('TLOG_KEY_INVALID', `signer key for ${d.name} holds ${d.key.length} bytes; Ed25519 seeds are 32 bytes`);
  const seed = d.key.slice();
  const publicKey = ed25519.getPublicKey(seed);
  checkDecodedId(d, publicKey, 'signer key');
  return { ...d, seed, publicKey };
}

/**
 * Parses an Ed25519 signer key (Go sumdb/note format), checking its key ID.
 * Throws TLOG_KEY_INVALID or TLOG_KEY_ALGORITHM.
 */
export function parseSignerKey(skey: string): Ed25519NoteSigner {
  const d = parseEd25519SignerOfType(skey, SIGNATURE_TYPE_ED25519, 'Ed25519 note');
  const { seed, publicKey } = d;
  return {
    name: d.name,
    keyId: d.keyId,
    type: SIGNATURE_TYPE_ED25519,
    publicKey,
    vkey: encodeVerifierKey(d.name, SIGNATURE_TYPE_ED25519, publicKey),
    sign: (message) => ed25519.sign(message, seed),
  };
}

/** Builds skey/vkey strings for an Ed25519 seed under the given type byte. */
export function encodeKeyPair(name: string, type: number, seed: Uint8Array): { skey: string; vkey: string } {
  checkKeyName(name);
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new TlogError('TLOG_KEY_INVALID', 'an Ed25519 seed is 32 bytes');
  const publicKey = ed25519.getPublicKey(seed);
  const id = formatKeyId(keyId(name, type, publicKey));
  return {
    skey: `PRIVATE+KEY+${name}+${id}+${base64.encode(concat(Uint8Array.of(type), seed))}`,
    vkey: `${name}+${id}+${base64.encode(concat(Uint8Array.of(type), publicKey))}`,
  };
}

/**
 * A new Ed25519 note key: `{ skey, vkey }` strings in the Go sumdb/note format. The seed
 * (32 bytes) defaults to fresh randomness from crypto.getRandomValues.
 *
 * @example const { skey, vkey } = generateSigner('log.example.com/audit');
 */
export function generateSigner(name: string, seed?: Uint8Array): { skey: string; vkey: string } {
  return encodeKeyPair(name, SIGNATURE_TYPE_ED25519, seed ?? ed25519.utils.randomSecretKey());
}

/**
 * Throws TLOG_NOTE_MALFORMED unless `text` can be a note text: ends in a newline, has an exact
 * UTF-8 form, and holds no ASCII control character other than newline.
 */
export function checkNoteText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw new TlogError('TLOG_NOTE_MALFORMED', 'note text must end with a newline');
  if (!isWellFormed(text)) throw new TlogError('TLOG_NOTE_MALFORMED', 'note text holds a lone UTF-16 surrogate (not valid UTF-8)');
  const c = findControlChar(text);
  if (c >= 0) throw new TlogError('TLOG_NOTE_MALFORMED', `note text holds control character U+${text.charCodeAt(c).toString(16).padStart(4, '0')} at offset ${c}`);
}

/** One signature line (with its newline) for `signature` by key `name`/`id`. */
export function formatSignatureLine(name: string, id: number, signature: Uint8Array): string {
  checkKeyName(name);
  const raw = new Uint8Array(4 + signature.length);
  new DataView(raw.buffer).setUint32(0, id >>> 0);
  raw.set(signature, 4);
  return `${SIGNATURE_LINE_PREFIX}${name} ${base64.encode(raw)}\n`;
}

/**
 * Signs a note text with each signer, in order: text + blank line + one signature line per signer.
 *
 * @example signNote('hello\n', [parseSignerKey(skey)]) // 'hello\n\n— name base64…\n'
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkNoteText(text);
  if (signers.length === 0) throw new TlogError('TLOG_NOTE_MALFORMED', 'a signed note needs at least one signature');
  const msg = UTF8.encode(text);
  return `${text}\n${signers.map((s) => formatSignatureLine(s.name, s.keyId, s.sign(msg))).join('')}`;
}

/** A note split into its text and signature lines, parsed but not verified. */
export interface SplitNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

function decodeNote(note: string | Uint8Array, maxBytes: number): { s: string; bytes: number } {
  if (note instanceof Uint8Array) {
    if (note.length > maxBytes) throw new TlogError('TLOG_NOTE_TOO_LARGE', `note is ${note.length} bytes, more than the limit of ${maxBytes}`);
    try {
      return { s: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note), bytes: note.length };
    } catch {
      throw new TlogError('TLOG_NOTE_MALFORMED', 'note is not valid UTF-8');
    }
  }
  if (typeof note !== 'string') throw new TlogError('TLOG_NOTE_MALFORMED', 'note must be a string or bytes');
  // A UTF-16 code unit is at most 3 UTF-8 bytes: only count exactly when it could matter.
  if (note.length > maxBytes / 3 && UTF8.encode(note).length > maxBytes) throw new TlogError('TLOG_NOTE_TOO_LARGE', `note is more than the limit of ${maxBytes} bytes`);
  if (!isWellFormed(note)) throw new TlogError('TLOG_NOTE_MALFORMED', 'note holds a lone UTF-16 surrogate (not valid UTF-8)');
  return { s: note, bytes: -1 };
}

/**
 * Splits a signed note (untrusted input) into text and signature lines, checking the format
 * but no signature: valid UTF-8, no control characters but newline, the text ends at the last
 * blank line, every signature line is `— <valid name> <base64 of 5+ bytes>`. Throws
 * TLOG_NOTE_MALFORMED or TLOG_NOTE_TOO_LARGE.
 */
export function splitNote(note: string | Uint8Array, options: OpenNoteOptions = {}): SplitNote {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_NOTE_BYTES;
  const maxSignatures = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  const { s } = decodeNote(note, maxBytes);
  const c = findControlChar(s);
  if (c >= 0) throw new TlogError('TLOG_NOTE_MALFORMED', `note holds control character U+${s.charCodeAt(c).toString(16).padStart(4, '0')} at offset ${c}`);
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new TlogError('TLOG_NOTE_MALFORMED', 'note has no blank line before its signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new TlogError('TLOG_NOTE_MALFORMED', 'note must end with signature lines, each ending in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > maxSignatures) throw new TlogError('TLOG_NOTE_TOO_LARGE', `note has ${lines.length} signature lines, more than the limit of ${maxSignatures}`);
  const textLines = text.split('\n').length - 1;
  const signatures = lines.map((line, i): NoteSignature => {
    const where = `signature line ${i + 1} (note line ${textLines + 2 + i})`;
    if (!line.startsWith(SIGNATURE_LINE_PREFIX)) throw new TlogError('TLOG_NOTE_MALFORMED', `${where} does not start with an em dash and a space`);
    const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? rest : rest.slice(0, sp);
    const b64 = sp < 0 ? '' : rest.slice(sp + 1);
    if (!isValidKeyName(name)) throw new TlogError('TLOG_NOTE_MALFORMED', `${where} has an invalid key name ${JSON.stringify(name)}`);
    let raw: Uint8Array;
    try {
      raw = base64.decode(b64);
    } catch {
      throw new TlogError('TLOG_NOTE_MALFORMED', `${where} (${name}): signature is not canonical base64`);
    }
    if (raw.length < 5) throw new TlogError('TLOG_NOTE_MALFORMED', `${where} (${name}): signature is ${raw.length} bytes, less than a key ID and one byte`);
    const id = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    return { name, keyId: id, signature: raw.subarray(4), line };
  });
  return { text, signatures };
}

/** Indexes verifiers by (name, key ID); two verifiers for one pair are refused (TLOG_KEY_AMBIGUOUS). */
function verifierMap(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const m = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const k = `${v.name}\n${v.keyId}`;
    if (m.has(k)) throw new TlogError('TLOG_KEY_AMBIGUOUS', `two verifier keys share the name ${v.name} and key ID ${formatKeyId(v.keyId)}`);
    m.set(k, v);
  }
  return m;
}

/**
 * Opens a signed note (untrusted input): checks the format (see splitNote), ignores signatures
 * by unknown keys, verifies every signature by a known key (a key is known by name AND key ID)
 * and rejects the note if any of them fails (TLOG_NOTE_BAD_SIGNATURE) or if none is there
 * (TLOG_NOTE_UNVERIFIED). The text must only be trusted after this returns.
 *
 * @example
 * const { text } = openNote(signed, [parseVerifierKey(vkey)]);
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[], options: OpenNoteOptions = {}): OpenedNote {
  const known = verifierMap(verifiers);
  const { text, signatures } = splitNote(note, options);
  const msg = UTF8.encode(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKeys = new Set<string>();
  const seenLines = new Set<string>();
  for (const sig of signatures) {
    const k = `${sig.name}\n${sig.keyId}`;
    const v = known.get(k);
    if (!v) {
      if (!seenLines.has(sig.line)) unverified.push(sig);
      seenLines.add(sig.line);
      continue;
    }
    // Every signature by a known key is checked, repeated ones too: one bad one rejects the note.
    if (!v.verify(msg, sig.signature)) {
      throw new TlogError('TLOG_NOTE_BAD_SIGNATURE', `invalid signature for key ${sig.name}+${formatKeyId(sig.keyId)}`);
    }
    if (!seenKeys.has(k)) verified.push(sig);
    seenKeys.add(k);
  }
  if (verified.length === 0) throw new TlogError('TLOG_NOTE_UNVERIFIED', `note has no verifiable signatures (${unverified.length} by unknown keys)`);
  return { text, verified, unverified };
}

/**
 * Adds signature lines (e.g. witness cosignatures) to a signed note, dropping a new line when
 * the note already has a signature by the same name and key ID. Checks the note's format and
 * each line's form, not the signatures.
 */
export function addSignatureLines(signedNote: string, lines: readonly string[]): string {
  const { text, signatures } = splitNote(signedNote);
  const have = new Set(signatures.map((s) => `${s.name}\n${s.keyId}`));
  let out = `${text}\n${signatures.map((s) => `${s.line}\n`).join('')}`;
  for (const line of lines) {
    const one = splitNote(`x\n\n${line.endsWith('\n') ? line : `${line}\n`}`).signatures;
    if (one.length !== 1) throw new TlogError('TLOG_NOTE_MALFORMED', 'each added signature line must be a single line');
    const s = one[0]!;
    const k = `${s.name}\n${s.keyId}`;
    if (have.has(k)) continue;
    have.add(k);
    out += `${s.line}\n`;
  }
  return out;
}
