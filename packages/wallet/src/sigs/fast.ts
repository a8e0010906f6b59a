/**
 * The fast, r-only first pass of the nonce-reuse scan: decodes a transaction line's hex into a
 * reused buffer, walks the BIP 144 serialization with offsets (no objects, no txid, no bigint),
 * picks signatures with the same `signatureItems` rules as the full extraction, and hands each r
 * as 32 big-endian bytes to a callback. Anything it does not fully understand — bad hex,
 * a malformed transaction, a non-minimal CompactSize, trailing bytes, prevouts of the wrong count —
 * makes it return false, and the caller runs the reference path (`extractSignatures`), which
 * either throws the located error or finds the same signatures. This file only ever reads
 * attacker-controlled bytes: every length is checked against the end before it is used.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { parsePrevouts, pushes, signatureItems, type Prevout } from './extract.js';

const N_BYTES = numberToBytesBE(secp256k1.Point.CURVE().n, 32);
const HEX = new Int16Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;
/** Two ASCII hex digits (first << 8 | second) → the byte, or -1: one lookup per byte on the hot path. */
const HEX2 = new Int16Array(65536).fill(-1);
for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) if (HEX[a]! >= 0 && HEX[b]! >= 0) HEX2[(a << 8) | b] = (HEX[a]! << 4) | HEX[b]!;

/**
 * Splits a byte stream into lines as readline does with crlfDelay Infinity (LF, CRLF or a lone CR
 * end a line) without decoding them, so the first pass never builds a string per line.
 */
export class LineSplitter {
  private carry: Uint8Array | undefined;
  /** Lines handed out so far. */
  lineNo = 0;

  /** Hands every complete line of `chunk` to `fn(bytes, start, end, lineNo)`. */
  push(chunk: Uint8Array, fn: (b: Uint8Array, start: number, end: number, lineNo: number) => void): void {
    let buf = chunk;
    if (this.carry) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.carry = undefined;
    }
    let from = 0;
    if (buf.indexOf(13) < 0) {
      for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, from)) {
        fn(buf, from, i, ++this.lineNo);
        from = i + 1;
      }
    } else {
      for (let i = from; i < buf.length; i++) {
        const c = buf[i]!;
        if (c === 10) {
          fn(buf, from, i, ++this.lineNo);
          from = i + 1;
        } else if (c === 13) {
          if (i + 1 === buf.length) break; // CR at the end of a chunk: LF may follow in the next one
          fn(buf, from, i, ++this.lineNo);
          if (buf[i + 1] === 10) i++;
          from = i + 1;
        }
      }
    }
    if (from < buf.length) this.carry = buf.slice(from);
  }

  /** Hands out the last line when the stream did not end with a line break. */
  end(fn: (b: Uint8Array, start: number, end: number, lineNo: number) => void): void {
    const c = this.carry;
    this.carry = undefined;
    if (!c) return;
    const last = c.length > 0 && c[c.length - 1] === 13 ? c.length - 1 : c.length;
    fn(c, 0, last, ++this.lineNo);
  }
}

/** Called for each signature: r (32 bytes, reused buffer: copy to keep) and the input index. */
export type RVisitor = (r: Uint8Array, vin: number) => void;

export class FastRScanner {
  private buf = new Uint8Array(1 << 16);
  private readonly r = new Uint8Array(32);

  /** Decodes hex into the buffer; -1 on a non-hex digit or odd length. */
  private decode(line: string, start: number, end: number): number {
    const n = end - start;
    if (n & 1) return -1;
    const len = n >> 1;
    if (this.buf.length < len) this.buf = new Uint8Array(Math.max(len, this.buf.length * 2));
    const b = this.buf;
    for (let i = 0, j = start; i < len; i++, j += 2) {
      const hi = HEX[line.charCodeAt(j)]!;
      const lo = HEX[line.charCodeAt(j + 1)]!;
      if ((hi | lo) < 0) return -1;
      b[i] = (hi << 4) | lo;
    }
    return len;
  }

  /** Decodes ASCII hex bytes src[start, end) into the buffer; -1 on a non-hex digit or odd length. */
  private decodeBytes(src: Uint8Array, start: number, end: number): number {
    const n = end - start;
    if (n & 1) return -1;
    const len = n >> 1;
    if (this.buf.length < len) this.buf = new Uint8Array(Math.max(len, this.buf.length * 2));
    const b = this.buf;
    for (let i = 0, j = start; i < len; i++, j += 2) {
      const v = HEX2[(src[j]! << 8) | src[j + 1]!]!;
      if (v < 0) return -1;
      b[i] = v;
    }
    return len;
  }

  /**
   * The same as `scan` for a line given as ASCII bytes src[start, end) (no string is made unless
   * the line has prevouts). Returns false when the line needs the reference path.
   */
  scanBytes(src: Uint8Array, start: number, end: number, where: () => string, visit: RVisitor): boolean {
    while (start < end && src[start]! <= 32) start++;
    while (end > start && src[end - 1]! <= 32) end--;
    let sp = start;
    while (sp < end && src[sp]! > 32) sp++;
    const len = this.decodeBytes(src, start, sp);
    if (len < 0) return false;
    let prevouts: (Prevout | undefined)[] | undefined;
    if (sp < end) {
      for (let i = sp; i < end; i++) if (src[i]! > 126) return false; // not ASCII: let the reference path report it
      try {
        prevouts = parsePrevouts(String.fromCharCode(...src.subarray(start, end)), sp - start, where());
      } catch {
        return false;
      }
    }
    return this.walk(this.buf.subarray(0, len), prevouts, visit);
  }

  /**
   * Visits the r of every signature the full extraction would find in a line (not a comment or
   * blank: the caller skips those). Returns false when the line needs the reference path.
   */
  scan(line: string, where: string, visit: RVisitor): boolean {
    let start = 0;
    let end = line.length;
    while (start < end && line.charCodeAt(start) <= 32) start++;
    while (end > start && line.charCodeAt(end - 1) <= 32) end--;
    let sp = start;
    while (sp < end && line.charCodeAt(sp) > 32) sp++;
    const len = this.decode(line, start, sp);
    if (len < 0) return false;
    let prevouts: (Prevout | undefined)[] | undefined;
    if (sp < end) {
      try {
        prevouts = parsePrevouts(line.slice(start, end), sp - start, where);
      } catch {
        return false;
      }
    }
    return this.walk(this.buf.subarray(0, len), prevouts, visit);
  }

  private walk(b: Uint8Array, prevouts: (Prevout | undefined)[] | undefined, visit: RVisitor): boolean {
    const end = b.length;
    let p = 4;
    // CompactSize, minimal encoding only (as @scure/btc-signer's decoder); -1 when malformed.
    const varint = (): number => {
      if (p >= end) return -1;
      const b0 = b[p++]!;
      if (b0 < 0xfd) return b0;
      const n = b0 === 0xfd ? 2 : b0 === 0xfe ? 4 : 8;
      if (p + n > end) return -1;
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i]!;
      p += n;
      const min = b0 === 0xfd ? 0xfd : b0 === 0xfe ? 0x10000 : 0x100000000;
      return v < min || v > end ? -1 : v;
    };
    if (end < 10) return false;
    const segwit = b[4] === 0 && b[5] === 1;
    if (segwit) p = 6;
    const nIn = varint();
    if (nIn < 0) return false;
    if (prevouts && prevouts.length !== nIn) return false;
    const ssStart = new Int32Array(nIn);
    const ssLen = new Int32Array(nIn);
    for (let i = 0; i < nIn; i++) {
      p += 36;
      if (p > end) return false;
      const l = varint();
      if (l < 0 || p + l + 4 > end) return false;
      ssStart[i] = p;
      ssLen[i] = l;
      p += l + 4;
    }
    const nOut = varint();
    if (nOut < 0) return false;
    for (let i = 0; i < nOut; i++) {
      p += 8;
      if (p > end) return false;
      const l = varint();
      if (l < 0 || p + l > end) return false;
      p += l;
    }
    const wits: Uint8Array[][] = [];
    let anyWitness = false;
    if (segwit) {
      for (let i = 0; i < nIn; i++) {
        const count = varint();
        if (count < 0) return false;
        const items: Uint8Array[] = [];
        for (let k = 0; k < count; k++) {
          const l = varint();
          if (l < 0 || p + l > end) return false;
          items.push(b.subarray(p, p + l));
          p += l;
        }
        if (count > 0) anyWitness = true;
        wits.push(items);
      }
      if (!anyWitness) return false; // BIP 144: the marker needs a witness (the decoder rejects it)
    }
    if (p + 4 !== end) return false;
    for (let vin = 0; vin < nIn; vin++) {
      const ss = ssLen[vin]! === 0 ? [] : (pushes(b.subarray(ssStart[vin]!, ssStart[vin]! + ssLen[vin]!)) ?? []);
      for (const it of signatureItems(ss, wits[vin] ?? [], prevouts?.[vin])) if (this.rOf(it.sig)) visit(this.r, vin);
    }
    return true;
  }

  /**
   * Lax DER r of `sig` ‖ sighash byte into this.r, with exactly the acceptance of `splitSig`
   * (parseDerLax on all but the last byte; 0 < r, s < n; 9..80 bytes). False when not a signature.
   */
  private rOf(sig: Uint8Array): boolean {
    if (sig.length < 9 || sig.length > 80 || sig[0] !== 0x30) return false;
    const end = sig.length - 1;
    const seq = readLen(sig, 1, end);
    if (seq < 0) return false;
    const r0 = readInt(sig, lenNext, end);
    if (r0 < 0) return false;
    const [rFrom, rTo] = [intFrom, intTo];
    const s0 = readInt(sig, r0, end);
    if (s0 < 0 || rTo === rFrom || intTo === intFrom) return false; // zero (or overflowed) r or s
    if (!below(sig, intFrom, intTo)) return false;
    if (!below(sig, rFrom, rTo)) return false;
    this.r.fill(0);
    this.r.set(sig.subarray(rFrom, rTo), 32 - (rTo - rFrom));
    return true;
  }
}

// Outputs of readLen / readInt (module state keeps the hot path allocation-free).
let lenNext = 0;
let intFrom = 0;
let intTo = 0;

/** der.ts readLen with an explicit end: the length, and its end in lenNext; -1 when malformed. */
function readLen(b: Uint8Array, i: number, end: number): number {
  if (i >= end) return -1;
  let len = b[i++]!;
  if (len & 0x80) {
    let n = len & 0x7f;
    if (n > end - i) return -1;
    while (n > 0 && b[i] === 0) {
      i++;
      n--;
    }
    if (n > 4) return -1;
    len = 0;
    for (; n > 0; n--) len = len * 256 + b[i++]!;
  }
  lenNext = i;
  return len;
}

/** der.ts readInt: the integer's significant bytes in [intFrom, intTo) and returns its end; -1 when malformed; an overflow (> 32 bytes) leaves intFrom = intTo. */
function readInt(b: Uint8Array, i: number, end: number): number {
  if (i >= end || b[i] !== 0x02) return -1;
  const len = readLen(b, i + 1, end);
  if (len < 0 || len > end - lenNext) return -1;
  let p = lenNext;
  const e = p + len;
  while (p < e && b[p] === 0) p++;
  if (e - p > 32) {
    intFrom = intTo = p; // parseDerLax: overflow is an invalid (non-positive) value
    return e;
  }
  intFrom = p;
  intTo = e;
  return e;
}

/** The big-endian integer in b[from, to) (at most 32 bytes, no leading zeros) is below n. */
function below(b: Uint8Array, from: number, to: number): boolean {
  if (to - from < 32) return true;
  for (let i = 0; i < 32; i++) {
    const x = b[from + i]!;
    if (x !== N_BYTES[i]) return x < N_BYTES[i]!;
  }
  return false;
}
