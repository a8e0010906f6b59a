/**
 * Lax DER parsing of historical ECDSA signatures, after libsecp256k1's
 * `ecdsa_signature_parse_der_lax` (contrib/lax_der_parsing.c), which Bitcoin Core used before
 * BIP 66: any length encoding, leading zero padding, trailing bytes after the sequence. Only for
 * scanning old transactions; new signatures are strict DER (BIP 66).
 */

/** r and s of a signature, or undefined when the bytes are not even laxly a signature. */
export interface RS {
  r: bigint;
  s: bigint;
  /** Whether the encoding is BIP 66 strict DER. */
  strict: boolean;
}

function readLen(b: Uint8Array, i: number): [len: number, next: number] | undefined {
  if (i >= b.length) return undefined;
  let len = b[i++]!;
  if (len & 0x80) {
    let n = len & 0x7f;
    if (n > b.length - i) return undefined;
    while (n > 0 && b[i] === 0) {
      i++;
      n--;
    }
    if (n > 4) return undefined;
    len = 0;
    for (; n > 0; n--) len = len * 256 + b[i++]!;
  }
  return [len, i];
}

function readInt(b: Uint8Array, i: number): [v: bigint, next: number] | undefined {
  if (b[i] !== 0x02) return undefined;
  const l = readLen(b, i + 1);
  if (!l || l[0] > b.length - l[1]) return undefined;
  const len = l[0];
  let p = l[1];
  const end = p + len;
  while (p < end && b[p] === 0) p++;
  if (end - p > 32) return [-1n, end]; // overflow: Core treats it as an invalid (zero) signature
  let v = 0n;
  for (; p < end; p++) v = (v << 8n) | BigInt(b[p]!);
  return [v, end];
}

/** Parses DER ‖ nothing (the caller removes the sighash byte). */
export function parseDerLax(sig: Uint8Array): RS | undefined {
  if (sig.length < 2 || sig[0] !== 0x30) return undefined;
  const seq = readLen(sig, 1);
  if (!seq) return undefined;
  const r = readInt(sig, seq[1]);
  if (!r) return undefined;
  const s = readInt(sig, r[1]);
  if (!s || r[0] <= 0n || s[0] <= 0n) return undefined;
  return { r: r[0], s: s[0], strict: isStrictDer(sig) };
}

/** BIP 66 IsValidSignatureEncoding (without the sighash byte). */
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
