/**
 * The fast, r-only first pass of the nonce-reuse scan: decodes a transaction line's hex into a
 * reused buffer (Node's native hex decoding where available), walks the BIP 144 serialization
 * with offsets into reused scratch arrays (no objects, no txid, no bigint, no allocation per line),
 * picks signatures as `signatureItems` does for the full extraction, and hands each r as 32
 * big-endian bytes to a callback. Anything it does not fully understand — bad hex,
 * a malformed transaction, a non-minimal CompactSize, trailing bytes, prevouts of the wrong count —
 * makes it return false, and the caller runs the reference path (`extractSignatures`), which
 * either throws the located error or finds the same signatures. This file only ever reads
 * attacker-controlled bytes: every length is checked against the end before it is used.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';

const N_BYTES = numberToBytesBE(secp256k1.Point.CURVE().n, 32);
const HEX = new Int16Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * Splits a byte stream into lines as readline does with crlfDelay Infinity (LF, CRLF or a lone CR
 * end a line) without decoding them, so the first pass never builds a string per line. The
 * callback also gets the byte offset of the line's start in the stream (plus `offset`, the
 * stream's own start in its file), which the second pass uses to read only the lines it needs.
 */
export class LineSplitter {
  private carry: Uint8Array | undefined;
  /** Byte offset (in the file) of the first byte of the next chunk's carried-over part. */
  private base: number;
  /** Lines handed out so far. */
  lineNo = 0;

  constructor(offset = 0) {
    this.base = offset;
  }

  /** Hands every complete line of `chunk` to `fn(bytes, start, end, lineNo, offset)`. */
  push(chunk: Uint8Array, fn: LineFn): void {
    let buf = chunk;
    if (this.carry) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.carry = undefined;
    }
    const base = this.base;
    let from = 0;
    if (buf.indexOf(13) < 0) {
      for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, from)) {
        fn(buf, from, i, ++this.lineNo, base + from);
        from = i + 1;
      }
    } else {
      for (let i = from; i < buf.length; i++) {
        const c = buf[i]!;
        if (c === 10) {
          fn(buf, from, i, ++this.lineNo, base + from);
          from = i + 1;
        } else if (c === 13) {
          if (i + 1 === buf.length) break; // CR at the end of a chunk: LF may follow in the next one
          fn(buf, from, i, ++this.lineNo, base + from);
          if (buf[i + 1] === 10) i++;
          from = i + 1;
        }
      }
    }
    this.base = base + from;
    if (from < buf.length) {
      // A copy (Buffer#slice would be a view into a chunk the reader may reuse).
      const c = new Uint8Array(buf.length - from);
      c.set(buf.subarray(from));
      this.carry = c;
    }
  }

  /** Hands out the last line when the stream did not end with a line break. */
  end(fn: LineFn): void {
    const c = this.carry;
    this.carry = undefined;
    if (!c) return;
    const last = c.length > 0 && c[c.length - 1] === 13 ? c.length - 1 : c.length;
    fn(c, 0, last, ++this.lineNo, this.base);
    this.base += c.length;
  }
}

/** A line src[start, end) (no line break), its 1-based number and the byte offset of its start. */
export type LineFn = (src: Uint8Array, start: number, end: number, lineNo: number, offset: number) => void;

/** Called for each signature: r (32 bytes, reused buffer: copy to keep) and the input index. */
export type RVisitor = (r: Uint8Array, vin: number) => void;

/** The whitespace String.prototype.trim and /\s/ agree on within ASCII: tab, LF, VT, FF, CR, space. */
export const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Node's Buffer when present: its native hex decoding is the fastest part of the hot path. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * Decodes hex pairs src[start, start + 2·cap) into out until the first pair that is not hex (as
 * Node's `buf.write(s, 'hex')`); returns the number of bytes written.
 */
function decodeHex(src: Uint8Array, start: number, cap: number, out: Uint8Array): number {
  for (let i = 0, j = start; i < cap; i++, j += 2) {
    const hi = HEX[src[j]!]!;
    const lo = HEX[src[j + 1]!]!;
    if ((hi | lo) < 0) return i;
    out[i] = (hi << 4) | lo;
  }
  return cap;
}

export class FastRScanner {
  private buf = new Uint8Array(1 << 16);
  /** Decode with Node's Buffer (default when available) or the lookup table (browsers; tests). */
  private readonly native: boolean;
  private readonly r = new Uint8Array(32);
  // Scratch offsets for one transaction (grown as needed, never shrunk): the hot path allocates nothing.
  private ssStart = new Int32Array(64);
  private ssLen = new Int32Array(64);
  private witFrom = new Int32Array(64);
  private witCount = new Int32Array(64);
  private itemStart = new Int32Array(256);
  private itemLen = new Int32Array(256);
  private pushStart = new Int32Array(64);
  private pushLen = new Int32Array(64);
  private p = 0;
  private end = 0;

  constructor(opts: { native?: boolean } = {}) {
    this.native = (opts.native ?? true) && NodeBuffer !== undefined;
    if (this.native) this.buf = NodeBuffer!.alloc(this.buf.length);
  }

  /**
   * Visits the r of every signature the full extraction would find in a line given as ASCII bytes
   * src[start, end) (not a comment or blank: the caller skips those). Returns false when the line
   * needs the reference path (which then throws the located error or finds the same signatures).
   */
  scanBytes(src: Uint8Array, start: number, end: number, visit: RVisitor): boolean {
    while (start < end && isSpace(src[start]!)) start++;
    while (end > start && isSpace(src[end - 1]!)) end--;
    const n = end - start;
    const cap = n >> 1;
    if (this.buf.length < cap) {
      const size = Math.max(cap, this.buf.length * 2);
      this.buf = this.native ? NodeBuffer!.alloc(size) : new Uint8Array(size);
    }
    // Hex decoding of the whole line stops at the first pair that is not hex: either the line is
    // all hex (no prevouts), or the transaction ends there at a whitespace byte.
    let w = 0;
    if (cap > 0 && this.native) {
      const text = src instanceof NodeBuffer! ? src.toString('latin1', start, end) : NodeBuffer!.from(src.buffer, src.byteOffset + start, n).toString('latin1');
      w = (this.buf as Buffer).write(text, 0, cap, 'hex');
    } else if (cap > 0) w = decodeHex(src, start, cap, this.buf);
    let prevouts = -1;
    if (w === cap) {
      if (n & 1) return false;
    } else {
      const sp = start + 2 * w;
      if (!isSpace(src[sp]!)) return false;
      prevouts = countPrevouts(src, sp, end);
      if (prevouts < 0) return false;
    }
    return this.walk(this.buf, w, prevouts, visit);
  }

  /** The same as `scanBytes` for a line given as a string. */
  scan(line: string, visit: RVisitor): boolean {
    const bytes = new TextEncoder().encode(line);
    // Non-ASCII text goes to the reference path (its whitespace rules differ from isSpace there).
    if (bytes.length !== line.length) return false;
    return this.scanBytes(bytes, 0, bytes.length, visit);
  }

  /** CompactSize at this.p, minimal encoding only (as @scure/btc-signer's decoder); -1 when malformed. */
  private varint(b: Uint8Array): number {
    const end = this.end;
    let p = this.p;
    if (p >= end) return -1;
    const b0 = b[p++]!;
    if (b0 < 0xfd) {
      this.p = p;
      return b0;
    }
    const n = b0 === 0xfd ? 2 : b0 === 0xfe ? 4 : 8;
    if (p + n > end) return -1;
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i]!;
    this.p = p + n;
    const min = b0 === 0xfd ? 0xfd : b0 === 0xfe ? 0x10000 : 0x100000000;
    return v < min || v > end ? -1 : v;
  }

  private walk(b: Uint8Array, end: number, prevouts: number, visit: RVisitor): boolean {
    if (end < 10) return false;
    this.end = end;
    const segwit = b[4] === 0 && b[5] === 1;
    this.p = segwit ? 6 : 4;
    const nIn = this.varint(b);
    if (nIn < 0) return false;
    if (prevouts >= 0 && prevouts !== nIn) return false;
    if (this.ssStart.length < nIn) {
      this.ssStart = new Int32Array(nIn * 2);
      this.ssLen = new Int32Array(nIn * 2);
      this.witFrom = new Int32Array(nIn * 2);
      this.witCount = new Int32Array(nIn * 2);
    }
    const ssStart = this.ssStart;
    const ssLen = this.ssLen;
    for (let i = 0; i < nIn; i++) {
      this.p += 36;
      if (this.p > end) return false;
      const l = this.varint(b);
      if (l < 0 || this.p + l + 4 > end) return false;
      ssStart[i] = this.p;
      ssLen[i] = l;
      this.p += l + 4;
    }
    const nOut = this.varint(b);
    if (nOut < 0) return false;
    for (let i = 0; i < nOut; i++) {
      this.p += 8;
      if (this.p > end) return false;
      const l = this.varint(b);
      if (l < 0 || this.p + l > end) return false;
      this.p += l;
    }
    if (segwit) {
      let k = 0;
      let anyWitness = false;
      for (let i = 0; i < nIn; i++) {
        const count = this.varint(b);
        if (count < 0) return false;
        this.witFrom[i] = k;
        this.witCount[i] = count;
        if (this.itemStart.length < k + count) {
          const grow = (a: Int32Array) => {
            const x = new Int32Array(Math.max(k + count, a.length * 2));
            x.set(a);
            return x;
          };
          this.itemStart = grow(this.itemStart);
          this.itemLen = grow(this.itemLen);
        }
        for (let j = 0; j < count; j++, k++) {
          const l = this.varint(b);
          if (l < 0 || this.p + l > end) return false;
          this.itemStart[k] = this.p;
          this.itemLen[k] = l;
          this.p += l;
        }
        if (count > 0) anyWitness = true;
      }
      if (!anyWitness) return false; // BIP 144: the marker needs a witness (the decoder rejects it)
    }
    if (this.p + 4 !== end) return false;
    const itemStart = this.itemStart;
    const itemLen = this.itemLen;
    for (let vin = 0; vin < nIn; vin++) {
      // The same choice of items as `signatureItems`, on offsets. For r values only the choice
      // matters, not the spend type: with no witness every scriptSig push is a candidate (the
      // pushes it skips — keys, an empty dummy, a multisig script — never parse as signatures).
      const wc = segwit ? this.witCount[vin]! : 0;
      const wf = segwit ? this.witFrom[vin]! : 0;
      if (wc === 2 && isPubkeyAt(b, itemStart[wf + 1]!, itemLen[wf + 1]!)) {
        if (this.rOf(b, itemStart[wf]!, itemLen[wf]!)) visit(this.r, vin);
        continue;
      }
      if (wc >= 3 && itemLen[wf] === 0 && this.isMultisig(b, itemStart[wf + wc - 1]!, itemLen[wf + wc - 1]!)) {
        for (let j = wf + 1; j < wf + wc - 1; j++) if (this.rOf(b, itemStart[j]!, itemLen[j]!)) visit(this.r, vin);
        continue;
      }
      const np = ssLen[vin] === 0 ? 0 : this.pushes(b, ssStart[vin]!, ssStart[vin]! + ssLen[vin]!); // -1 (not only pushes): none, as `?? []`
      for (let j = 0; j < np; j++) if (this.rOf(b, this.pushStart[j]!, this.pushLen[j]!)) visit(this.r, vin);
      for (let j = wf; j < wf + wc; j++) if (this.rOf(b, itemStart[j]!, itemLen[j]!)) visit(this.r, vin);
    }
    return true;
  }

  /** `pushes` of extract.ts into pushStart/pushLen: the number of pushes, -1 when the script holds other opcodes. */
  private pushes(s: Uint8Array, from: number, to: number): number {
    let n = 0;
    let i = from;
    while (i < to) {
      const op = s[i++]!;
      let len: number;
      if (op <= 0x4b) len = op;
      else if (op === 0x4c && i + 1 <= to) len = s[i++]!;
      else if (op === 0x4d && i + 2 <= to) {
        len = s[i]! | (s[i + 1]! << 8);
        i += 2;
      } else if (op === 0x4e && i + 4 <= to) {
        len = (s[i]! | (s[i + 1]! << 8) | (s[i + 2]! << 16) | (s[i + 3]! << 24)) >>> 0;
        i += 4;
      } else return -1;
      if (i + len > to) return -1;
      if (n === this.pushStart.length) {
        const a = new Int32Array(n * 2);
        a.set(this.pushStart);
        this.pushStart = a;
        const c = new Int32Array(n * 2);
        c.set(this.pushLen);
        this.pushLen = c;
      }
      this.pushStart[n] = i;
      this.pushLen[n++] = len;
      i += len;
    }
    return n;
  }

  /** `multisigKeys` of extract.ts is defined for s[from, from + len): OP_m <keys> OP_n OP_CHECKMULTISIG. */
  private isMultisig(s: Uint8Array, from: number, len: number): boolean {
    if (len < 3 || s[from + len - 1] !== 0xae || s[from]! < 0x51 || s[from]! > 0x60) return false;
    const n = this.pushes(s, from + 1, from + len - 2);
    if (n < 0) return false;
    for (let j = 0; j < n; j++) if (!isPubkeyAt(s, this.pushStart[j]!, this.pushLen[j]!)) return false;
    return true;
  }

  /**
   * Lax DER r of the signature ‖ sighash byte at b[from, from + len) into this.r, with exactly the
   * acceptance of `splitSig` (parseDerLax on all but the last byte; 0 < r, s < n; 9..80 bytes).
   * False when not a signature.
   */
  private rOf(b: Uint8Array, from: number, len: number): boolean {
    if (len < 9 || len > 80 || b[from] !== 0x30) return false;
    const end = from + len - 1;
    const seq = readLen(b, from + 1, end);
    if (seq < 0) return false;
    const r0 = readInt(b, lenNext, end);
    if (r0 < 0) return false;
    const rFrom = intFrom;
    const rTo = intTo;
    const s0 = readInt(b, r0, end);
    if (s0 < 0 || rTo === rFrom || intTo === intFrom) return false; // zero (or overflowed) r or s
    if (!below(b, intFrom, intTo)) return false;
    if (!below(b, rFrom, rTo)) return false;
    const r = this.r;
    const pad = 32 - (rTo - rFrom);
    for (let i = 0; i < pad; i++) r[i] = 0;
    for (let i = rFrom; i < rTo; i++) r[pad + i - rFrom] = b[i]!;
    return true;
  }
}

/** `isPubkey` of extract.ts on b[from, from + len). */
function isPubkeyAt(b: Uint8Array, from: number, len: number): boolean {
  return (len === 33 && (b[from] === 2 || b[from] === 3)) || (len === 65 && b[from] === 4);
}

/**
 * The number of prevouts in src[sp, end) (the part of a trimmed line after the transaction) when
 * every one is `-` or `<1–16 digits>:<hex pairs>`, as `parsePrevouts` accepts; -1 otherwise (the
 * reference path then reports it). The fast pass needs only their number: r values do not depend
 * on them, and a line that declares prevouts must have one per input.
 */
function countPrevouts(src: Uint8Array, sp: number, end: number): number {
  let i = sp;
  while (i < end && isSpace(src[i]!)) i++;
  let n = 0;
  for (;;) {
    n++;
    if (i < end && src[i] === 45 /* - */ && (i + 1 === end || src[i + 1] === 44)) i++;
    else {
      const digits = i;
      while (i < end && src[i]! >= 48 && src[i]! <= 57) i++;
      if (i === digits || i - digits > 16 || i === end || src[i] !== 58 /* : */) return -1;
      const hex = ++i;
      while (i < end && HEX[src[i]!]! >= 0) i++;
      if ((i - hex) & 1) return -1;
    }
    if (i === end) return n;
    if (src[i] !== 44 /* , */) return -1;
    i++;
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
