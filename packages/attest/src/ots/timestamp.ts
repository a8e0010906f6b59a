/**
 * OpenTimestamps timestamps and detached timestamp files (`.ots`), after python-opentimestamps
 * `core/timestamp.py` and `core/notary.py`:
 *
 *     file      = magic(31) varuint(major version = 1) hash-op-tag digest timestamp
 *     timestamp = (0xff item)* item            -- 0xff marks "another branch follows"
 *     item      = 0x00 attestation | op timestamp
 *     attestation = tag(8) varbytes(payload ≤ 8192)
 *       Bitcoin block header  0588960d73d71901: payload = varuint(height)
 *       pending (calendar)    83dfe30d2ef90c8e: payload = varbytes(URI ≤ 1000, [A-Za-z0-9._/:-])
 *       anything else is kept as an unknown attestation, bytes intact.
 *
 * Branches are kept in file order, so parsing then serialising returns the same bytes.
 */
import { bytesEqual, fromUtf8, toHex, utf8 } from '../bytes.js';
import { AttestError } from '../errors.js';
import { malformed, Reader, Writer } from './codec.js';
import { applyOp, HASH_OPS, hashOpByTag, isOpTag, readOp, writeOp, type HashOpKind, type Op } from './ops.js';

/** `\x00OpenTimestamps\x00\x00Proof\x00` followed by 8 random bytes, as the reference client defines it. */
export const OTS_MAGIC = Uint8Array.from([0x00, ...utf8('OpenTimestamps'), 0x00, 0x00, ...utf8('Proof'), 0x00, 0xbf, 0x89, 0xe2, 0xe8, 0x84, 0xe8, 0x92, 0x94]);
export const OTS_MAJOR_VERSION = 1;
export const BITCOIN_TAG = Uint8Array.from([0x05, 0x88, 0x96, 0x0d, 0x73, 0xd7, 0x19, 0x01]);
export const PENDING_TAG = Uint8Array.from([0x83, 0xdf, 0xe3, 0x0d, 0x2e, 0xf9, 0x0c, 0x8e]);
/** Tags of other chains' attestations, named for display only (they are not verified here). */
export const KNOWN_OTHER_TAGS: Readonly<Record<string, string>> = { '06869a0d73d71b45': 'litecoin', '30fe8087b5c7ead7': 'ethereum' };
const MAX_PAYLOAD = 8192;
const MAX_URI = 1000;
const URI_CHARS = /^[A-Za-z0-9._/:-]*$/;
const MAX_DEPTH = 256;

export type Attestation =
  | { readonly kind: 'bitcoin'; readonly height: number }
  | { readonly kind: 'pending'; readonly uri: string }
  | { readonly kind: 'unknown'; readonly tag: Uint8Array; readonly payload: Uint8Array };

export type Branch = { readonly kind: 'attestation'; readonly attestation: Attestation } | { readonly kind: 'op'; readonly op: Op; readonly next: Timestamp };

/** A timestamp: the branches that start from one message. Never empty. */
export interface Timestamp {
  readonly branches: readonly Branch[];
}

/** A detached timestamp file: which hash of the file was stamped, its value, and the proof. */
export interface TimestampFile {
  readonly hashOp: HashOpKind;
  readonly digest: Uint8Array;
  readonly timestamp: Timestamp;
}

/** Parses an `.ots` file (untrusted input). Throws OTS_MALFORMED or OTS_VERSION. */
export function parseTimestampFile(bytes: Uint8Array): TimestampFile {
  const r = new Reader(bytes);
  if (!bytesEqual(r.bytesN(OTS_MAGIC.length, 'the magic header'), OTS_MAGIC)) throw malformed(0, 'not an OpenTimestamps proof (magic header mismatch)');
  const version = r.varuint('major version');
  if (version !== OTS_MAJOR_VERSION) throw new AttestError('OTS_VERSION', `.ots major version ${version} is not supported (only ${OTS_MAJOR_VERSION})`);
  const tag = r.byte('file hash operation');
  const hashOp = hashOpByTag(tag);
  if (!hashOp) throw malformed(r.offset - 1, `file hash operation 0x${tag.toString(16).padStart(2, '0')} is not a hash`);
  const digest = r.bytesN(HASH_OPS[hashOp].size, 'the file digest');
  const timestamp = readTimestamp(r, 0);
  if (!r.done) throw malformed(r.offset, 'trailing bytes after the timestamp');
  return { hashOp, digest, timestamp };
}

/** Serialises a timestamp file. */
export function serializeTimestampFile(f: TimestampFile): Uint8Array {
  if (f.digest.length !== HASH_OPS[f.hashOp].size) throw new AttestError('OTS_MALFORMED', `a ${f.hashOp} digest is ${HASH_OPS[f.hashOp].size} bytes`);
  const w = new Writer().bytes(OTS_MAGIC).varuint(OTS_MAJOR_VERSION).byte(HASH_OPS[f.hashOp].tag).bytes(f.digest);
  writeTimestamp(w, f.timestamp);
  return w.finish();
}

/** Serialises a bare timestamp (what a calendar returns). */
export function serializeTimestamp(t: Timestamp): Uint8Array {
  const w = new Writer();
  writeTimestamp(w, t);
  return w.finish();
}

/** Parses a bare timestamp (a calendar's answer; untrusted). */
export function parseTimestamp(bytes: Uint8Array): Timestamp {
  const r = new Reader(bytes);
  const t = readTimestamp(r, 0);
  if (!r.done) throw malformed(r.offset, 'trailing bytes after the timestamp');
  return t;
}

function readTimestamp(r: Reader, depth: number): Timestamp {
  if (depth > MAX_DEPTH) throw malformed(r.offset, `timestamp nested deeper than ${MAX_DEPTH}`);
  const branches: Branch[] = [];
  for (;;) {
    const tag = r.byte('a timestamp item');
    if (tag === 0xff) {
      branches.push(readItem(r, r.byte('a timestamp item'), depth));
      continue;
    }
    branches.push(readItem(r, tag, depth));
    return { branches };
  }
}

function readItem(r: Reader, tag: number, depth: number): Branch {
  if (tag === 0x00) return { kind: 'attestation', attestation: readAttestation(r) };
  if (!isOpTag(tag)) throw malformed(r.offset - 1, `unknown tag 0x${tag.toString(16).padStart(2, '0')}`);
  const op = readOp(r, tag);
  return { kind: 'op', op, next: readTimestamp(r, depth + 1) };
}

function readAttestation(r: Reader): Attestation {
  const tag = r.bytesN(8, 'an attestation tag');
  const at = r.offset;
  const payload = r.varbytes('attestation payload', MAX_PAYLOAD);
  const p = new Reader(payload);
  let a: Attestation;
  if (bytesEqual(tag, BITCOIN_TAG)) a = { kind: 'bitcoin', height: p.varuint('block height') };
  else if (bytesEqual(tag, PENDING_TAG)) {
    const raw = p.varbytes('calendar URI', MAX_URI);
    const uri = fromUtf8(raw);
    // The URI is later fetched by an upgrade: accept only the reference client's safe characters.
    if (uri === undefined || !URI_CHARS.test(uri)) throw malformed(at, 'calendar URI has characters outside [A-Za-z0-9._/:-]');
    a = { kind: 'pending', uri };
  } else return { kind: 'unknown', tag, payload };
  if (!p.done) throw malformed(at, `${a.kind} attestation payload has trailing bytes`);
  return a;
}

function writeTimestamp(w: Writer, t: Timestamp): void {
  if (t.branches.length === 0) throw new AttestError('OTS_MALFORMED', 'an empty timestamp cannot be serialised');
  t.branches.forEach((b, i) => {
    if (i < t.branches.length - 1) w.byte(0xff);
    if (b.kind === 'attestation') writeAttestation(w.byte(0x00), b.attestation);
    else {
      writeOp(w, b.op);
      writeTimestamp(w, b.next);
    }
  });
}

function writeAttestation(w: Writer, a: Attestation): void {
  if (a.kind === 'unknown') {
    if (a.tag.length !== 8) throw new AttestError('OTS_MALFORMED', 'an attestation tag is 8 bytes');
    w.bytes(a.tag).varbytes(a.payload);
  } else if (a.kind === 'bitcoin') w.bytes(BITCOIN_TAG).varbytes(new Writer().varuint(a.height).finish());
  else {
    if (!URI_CHARS.test(a.uri) || a.uri.length > MAX_URI) throw new AttestError('OTS_MALFORMED', `calendar URI ${JSON.stringify(a.uri)} is not allowed`);
    w.bytes(PENDING_TAG).varbytes(new Writer().varbytes(utf8(a.uri)).finish());
  }
}

/** An attestation reached from the digest, the message it commits to, and the path that led there. */
export interface AttestationPath {
  readonly attestation: Attestation;
  readonly commitment: Uint8Array;
  readonly path: readonly Op[];
}

/**
 * Every attestation of a timestamp with its commitment, computed by replaying the operations
 * from `msg` (depth first, file order). Throws OTS_OP_FAILED when an operation cannot apply.
 */
export function attestationPaths(t: Timestamp, msg: Uint8Array): AttestationPath[] {
  const out: AttestationPath[] = [];
  const walk = (node: Timestamp, m: Uint8Array, path: Op[]): void => {
    for (const b of node.branches) {
      if (b.kind === 'attestation') out.push({ attestation: b.attestation, commitment: m, path });
      else walk(b.next, applyOp(b.op, m), [...path, b.op]);
    }
  };
  walk(t, msg, []);
  return out;
}

/** A one-line description of an attestation. */
export function describeAttestation(a: Attestation): string {
  if (a.kind === 'bitcoin') return `Bitcoin block header attestation at height ${a.height}`;
  if (a.kind === 'pending') return `pending attestation at calendar ${a.uri}`;
  const name = KNOWN_OTHER_TAGS[toHex(a.tag)];
  return `${name ? `${name} attestation (not verified by Keygrade)` : 'unknown attestation'} tag ${toHex(a.tag)} payload ${toHex(a.payload)}`;
}
