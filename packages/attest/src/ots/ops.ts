/**
 * OpenTimestamps operations (python-opentimestamps `core/op.py`): the commitment path from a
 * digest to an attestation is a chain of these. Tags and limits follow the reference client:
 * messages and results are at most 4096 bytes; append/prepend arguments 1-4096 bytes.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8 } from '../bytes.js';
import { AttestError } from '../errors.js';
import { malformed, type Reader, type Writer } from './codec.js';

export type HashOpKind = 'sha256' | 'sha1' | 'ripemd160' | 'keccak256';

/** One operation of the commitment path. */
export type Op =
  | { readonly kind: HashOpKind }
  | { readonly kind: 'append' | 'prepend'; readonly arg: Uint8Array }
  | { readonly kind: 'reverse' | 'hexlify' };

export const MAX_MSG_LENGTH = 4096;

/** Tag byte and digest length of each hash operation. */
export const HASH_OPS: Readonly<Record<HashOpKind, { tag: number; size: number; fn: (m: Uint8Array) => Uint8Array }>> = {
  sha1: { tag: 0x02, size: 20, fn: sha1 },
  ripemd160: { tag: 0x03, size: 20, fn: ripemd160 },
  sha256: { tag: 0x08, size: 32, fn: sha256 },
  keccak256: { tag: 0x67, size: 32, fn: keccak_256 },
};

const OTHER_TAGS = { append: 0xf0, prepend: 0xf1, reverse: 0xf2, hexlify: 0xf3 } as const;

/** The hash operation with this tag byte, if any. */
export function hashOpByTag(tag: number): HashOpKind | undefined {
  return (Object.keys(HASH_OPS) as HashOpKind[]).find((k) => HASH_OPS[k].tag === tag);
}

/** True when `tag` starts an operation (as opposed to 0x00 attestation or 0xff fork). */
export function isOpTag(tag: number): boolean {
  return hashOpByTag(tag) !== undefined || Object.values(OTHER_TAGS).includes(tag as 0xf0);
}

/** Reads the operation whose tag byte was just read. */
export function readOp(r: Reader, tag: number): Op {
  const hash = hashOpByTag(tag);
  if (hash) return { kind: hash };
  switch (tag) {
    case OTHER_TAGS.append:
      return { kind: 'append', arg: r.varbytes('append argument', MAX_MSG_LENGTH, 1) };
    case OTHER_TAGS.prepend:
      return { kind: 'prepend', arg: r.varbytes('prepend argument', MAX_MSG_LENGTH, 1) };
    case OTHER_TAGS.reverse:
      return { kind: 'reverse' };
    case OTHER_TAGS.hexlify:
      return { kind: 'hexlify' };
    default:
      throw malformed(r.offset - 1, `unknown operation tag 0x${tag.toString(16).padStart(2, '0')}`);
  }
}

export function writeOp(w: Writer, op: Op): void {
  if (op.kind === 'append' || op.kind === 'prepend') w.byte(OTHER_TAGS[op.kind]).varbytes(op.arg);
  else if (op.kind === 'reverse' || op.kind === 'hexlify') w.byte(OTHER_TAGS[op.kind]);
  else w.byte(HASH_OPS[op.kind].tag);
}

/** Applies an operation to a message. Throws OTS_OP_FAILED when the reference client would refuse. */
export function applyOp(op: Op, msg: Uint8Array): Uint8Array {
  if (msg.length > MAX_MSG_LENGTH) throw new AttestError('OTS_OP_FAILED', `${op.kind}: message of ${msg.length} bytes exceeds ${MAX_MSG_LENGTH}`);
  let out: Uint8Array;
  switch (op.kind) {
    case 'append':
      out = concatBytes(msg, op.arg);
      break;
    case 'prepend':
      out = concatBytes(op.arg, msg);
      break;
    case 'reverse':
      if (msg.length === 0) throw new AttestError('OTS_OP_FAILED', 'reverse of an empty message');
      out = msg.slice().reverse();
      break;
    case 'hexlify':
      if (msg.length === 0 || msg.length > MAX_MSG_LENGTH / 2) throw new AttestError('OTS_OP_FAILED', `hexlify of a ${msg.length}-byte message`);
      out = utf8(toHex(msg));
      break;
    default:
      out = HASH_OPS[op.kind].fn(msg);
  }
  if (out.length > MAX_MSG_LENGTH) throw new AttestError('OTS_OP_FAILED', `${op.kind}: result of ${out.length} bytes exceeds ${MAX_MSG_LENGTH}`);
  return out;
}

/** Human-readable form, as `ots info` prints it: `append 1a2b…`, `sha256`. */
export function opToString(op: Op): string {
  return op.kind === 'append' || op.kind === 'prepend' ? `${op.kind} ${toHex(op.arg)}` : op.kind;
}
