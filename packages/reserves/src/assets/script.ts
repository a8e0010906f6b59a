/**
 * The script templates the asset verifier evaluates, parsed defensively from attacker-supplied
 * bytes, and the signature checks of BIP-322's "required rules": SIGHASH_ALL only, strict DER
 * (BIP 66), low S, strict public keys (compressed only under segwit), minimal pushes, NULLDUMMY
 * and NULLFAIL. Anything outside these templates is "inconclusive" (UNSUPPORTED_SCRIPT): never
 * counted, never guessed.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesEqual } from '../bytes.js';
import { failure, type AssetFailure } from './errors.js';

/** The output types the verifier understands. */
export type OutputType =
  | { type: 'p2pkh'; hash: Uint8Array }
  | { type: 'p2sh'; hash: Uint8Array }
  | { type: 'p2wpkh'; hash: Uint8Array }
  | { type: 'p2wsh'; hash: Uint8Array }
  | { type: 'p2tr'; key: Uint8Array }
  | { type: 'unknown' };

/** Classifies a scriptPubKey by exact byte template. */
export function classify(s: Uint8Array): OutputType {
  if (s.length === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 0x14 && s[23] === 0x88 && s[24] === 0xac) return { type: 'p2pkh', hash: s.subarray(3, 23) };
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) return { type: 'p2sh', hash: s.subarray(2, 22) };
  if (s.length === 22 && s[0] === 0x00 && s[1] === 0x14) return { type: 'p2wpkh', hash: s.subarray(2) };
  if (s.length === 34 && s[0] === 0x00 && s[1] === 0x20) return { type: 'p2wsh', hash: s.subarray(2) };
  if (s.length === 34 && s[0] === 0x51 && s[1] === 0x20) return { type: 'p2tr', key: s.subarray(2) };
  return { type: 'unknown' };
}

/** The scriptPubKey of a P2PKH output, which is also the BIP-143 scriptCode of P2WPKH. */
export function p2pkhScript(hash: Uint8Array): Uint8Array {
  const s = new Uint8Array(25);
  s.set([0x76, 0xa9, 0x14]);
  s.set(hash, 3);
  s.set([0x88, 0xac], 23);
  return s;
}

/**
 * The data pushes of a push-only script (a scriptSig), or undefined when it holds another opcode
 * or a push that is not minimal (MINIMALDATA).
 */
export function parsePushes(s: Uint8Array): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < s.length) {
    const op = s[i++]!;
    let len: number;
    if (op === 0x00) len = 0;
    else if (op <= 0x4b) len = op;
    else if (op === 0x4c && i + 1 <= s.length) len = s[i++]!;
    else if (op === 0x4d && i + 2 <= s.length) {
      len = s[i]! | (s[i + 1]! << 8);
      i += 2;
    } else return undefined; // PUSHDATA4 (never minimal for standard sizes), OP_N and every other opcode
    if (i + len > s.length) return undefined;
    const data = s.subarray(i, i + len);
    i += len;
    if (!minimalPush(op, data)) return undefined;
    out.push(data);
  }
  return out;
}

function minimalPush(op: number, data: Uint8Array): boolean {
  if (data.length === 0) return op === 0x00;
  if (data.length === 1 && ((data[0]! >= 1 && data[0]! <= 16) || data[0] === 0x81)) return false; // must be OP_N / OP_1NEGATE
  if (data.length <= 75) return op === data.length;
  if (data.length <= 255) return op === 0x4c;
  return op === 0x4d;
}

/** A bare multisig script: OP_m <key>… OP_n OP_CHECKMULTISIG (the `multi` and `sortedmulti` descriptors). */
export interface Multisig {
  m: number;
  keys: Uint8Array[];
}

/**
 * Parses `OP_m <key_1> … <key_n> OP_n OP_CHECKMULTISIG` with 1 ≤ m ≤ n ≤ 16 (OP_N small
 * integers) and 33-byte keys (65-byte keys too when `allowUncompressed`, legacy P2SH only).
 */
export function parseMultisig(s: Uint8Array, allowUncompressed = false): Multisig | undefined {
  if (s.length < 3 || s[s.length - 1] !== 0xae) return undefined;
  const m = s[0]! - 0x50;
  const n = s[s.length - 2]! - 0x50;
  if (m < 1 || m > 16 || n < m || n > 16) return undefined;
  const keys: Uint8Array[] = [];
  let i = 1;
  while (i < s.length - 2) {
    const len = s[i]!;
    if (!(len === 33 || (allowUncompressed && len === 65)) || i + 1 + len > s.length - 2) return undefined;
    keys.push(s.subarray(i + 1, i + 1 + len));
    i += 1 + len;
  }
  return keys.length === n ? { m, keys } : undefined;
}

/** A single-key witness script: `<33-byte key> OP_CHECKSIG`. */
export function parsePkScript(s: Uint8Array): Uint8Array | undefined {
  return s.length === 35 && s[0] === 33 && s[34] === 0xac ? s.subarray(1, 34) : undefined;
}

/** STRICTENC public key: compressed (02/03) or, outside segwit, uncompressed (04). */
export function keyProblem(key: Uint8Array, segwit: boolean): string | undefined {
  if (key.length === 33 && (key[0] === 2 || key[0] === 3)) return undefined;
  if (key.length === 65 && key[0] === 4) return segwit ? 'segwit requires compressed public keys' : undefined;
  return 'a public key is not a strictly encoded SEC1 point';
}

const HALF_N = secp256k1.Point.CURVE().n >> 1n;
const SIGHASH_ALL = 0x01;

/** BIP 66 IsValidSignatureEncoding: strict DER of two positive minimal INTEGERs, no padding. */
export function isStrictDer(sig: Uint8Array): boolean {
  if (sig.length < 8 || sig.length > 72) return false;
  if (sig[0] !== 0x30 || sig[1] !== sig.length - 2) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= sig.length) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 6 !== sig.length) return false;
  if (sig[2] !== 0x02 || lenR === 0 || sig[4]! & 0x80) return false;
  if (lenR > 1 && sig[4] === 0x00 && !(sig[5]! & 0x80)) return false;
  if (sig[lenR + 4] !== 0x02 || lenS === 0 || sig[lenR + 6]! & 0x80) return false;
  if (lenS > 1 && sig[lenR + 6] === 0x00 && !(sig[lenR + 7]! & 0x80)) return false;
  return true;
}

function derInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/**
 * Checks one ECDSA signature (DER ‖ hashtype) under the required rules and against `sighash`.
 * Returns `true` when it verifies, `false` for an empty signature (a legal "no" vote), or a
 * failure for a present signature that is non-strict or does not verify (NULLFAIL).
 */
export function checkEcdsa(sigWithType: Uint8Array, key: Uint8Array, sighash: () => Uint8Array, segwit: boolean): true | false | AssetFailure {
  if (sigWithType.length === 0) return false;
  const type = sigWithType[sigWithType.length - 1]!;
  if (type !== SIGHASH_ALL) return failure('SIGHASH_NOT_ALL', `a signature uses sighash type 0x${type.toString(16).padStart(2, '0')}; BIP-322 requires SIGHASH_ALL (0x01)`);
  const der = sigWithType.subarray(0, -1);
  if (!isStrictDer(der)) return failure('NON_STRICT', 'a signature is not strict DER (BIP 66)');
  const keyWhy = keyProblem(key, segwit);
  if (keyWhy) return failure('NON_STRICT', keyWhy);
  const lenR = der[3]!;
  const r = derInt(der.subarray(4, 4 + lenR));
  const s = derInt(der.subarray(6 + lenR));
  if (s > HALF_N) return failure('NON_STRICT', 'a signature has a high S value (LOW_S)');
  try {
    const sig = new secp256k1.Signature(r, s).toBytes('compact');
    if (secp256k1.verify(sig, sighash(), key, { prehash: false, lowS: true, format: 'compact' })) return true;
  } catch {
    // r or s out of range, or a key off the curve: fall through to the failure
  }
  return failure('BAD_SIGNATURE', 'an ECDSA signature does not verify');
}

/** Checks a BIP-340 key-path signature: 64 bytes (SIGHASH_DEFAULT) or 65 bytes ending in 0x01. */
export function checkSchnorr(sig: Uint8Array, key: Uint8Array, sighash: (type: number) => Uint8Array): true | AssetFailure {
  if (sig.length !== 64 && sig.length !== 65) return failure('BAD_SIGNATURE', `a Taproot signature has ${sig.length} bytes, not 64 or 65`);
  const type = sig.length === 65 ? sig[64]! : 0x00;
  if (sig.length === 65 && type !== SIGHASH_ALL) return failure('SIGHASH_NOT_ALL', `a Taproot signature uses sighash type 0x${type.toString(16).padStart(2, '0')}; BIP-322 requires SIGHASH_ALL (or the 64-byte default)`);
  try {
    if (schnorr.verify(sig.subarray(0, 64), sighash(type), key)) return true;
  } catch {
    // an output key that is not a valid x-only point
  }
  return failure('BAD_SIGNATURE', 'a Schnorr signature does not verify');
}

/**
 * OP_CHECKMULTISIG under NULLDUMMY and NULLFAIL: the stack holds exactly `dummy, sig_1 … sig_m`;
 * signatures match keys in order. Fewer valid signatures than m is TOO_FEW_SIGNATURES.
 */
export function checkMultisig(stack: Uint8Array[], ms: Multisig, sighash: () => Uint8Array, segwit: boolean): AssetFailure | undefined {
  if (stack.length === 0 || stack[0]!.length !== 0) return failure('NON_STRICT', 'the multisig dummy element must be empty (NULLDUMMY)');
  const sigs = stack.slice(1);
  if (sigs.length < ms.m) return failure('TOO_FEW_SIGNATURES', `${sigs.length} signature(s) for a ${ms.m}-of-${ms.keys.length} multisig`);
  if (sigs.length > ms.m) return failure('BAD_STRUCTURE', `${sigs.length} signatures for a ${ms.m}-of-${ms.keys.length} multisig leave extra stack items (CLEANSTACK)`);
  for (const k of ms.keys) {
    const why = keyProblem(k, segwit);
    if (why) return failure('NON_STRICT', why);
  }
  let hash: Uint8Array | undefined;
  const h = () => (hash ??= sighash());
  let valid = 0;
  let key = 0;
  for (const sig of sigs) {
    if (sig.length === 0) continue;
    let matched = false;
    while (key < ms.keys.length && !matched) {
      const r = checkEcdsa(sig, ms.keys[key++]!, h, segwit);
      if (r === true) matched = true;
      else if (r !== false && r.code !== 'BAD_SIGNATURE') return r;
    }
    if (!matched) return failure('BAD_SIGNATURE', 'a multisig signature matches no remaining key (NULLFAIL)');
    valid++;
  }
  if (valid < ms.m) return failure('TOO_FEW_SIGNATURES', `${valid} valid signature(s) for a ${ms.m}-of-${ms.keys.length} multisig`);
  return undefined;
}

/** Whether two byte strings are equal (re-exported for the spend checks). */
export const same = bytesEqual;
