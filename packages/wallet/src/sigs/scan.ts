/**
 * The nonce-reuse scan (CCSS 2020 1.4.8, v9 1.05.10): two passes over transaction lines. Pass 1
 * indexes only r values (no sighash), so memory stays ~52 bytes per signature; pass 2 re-reads
 * the lines holding a repeated or known r, computes their sighashes, and recovers keys.
 */
import { numberToBytesBE } from '@noble/curves/utils.js';
import { toHex } from '../bytes.js';
import { extractSignatures, type SigRecord } from './extract.js';
import { FastRScanner, isSpace } from './fast.js';
import { NonceIndex, type NonceIndexState } from './nonce-index.js';
import { KNOWN_NONCES, keyFromNonce, keyMatches, negate, nonceFromKey, recoverFromReuse } from './recover.js';

/** Where a signature was found. */
export interface SigLocation {
  file: string;
  line: number;
}

export interface ReuseFinding {
  r: string;
  /** same-key: one key signed twice with one nonce; cross-key: different keys share a nonce; known-nonce: k = 1 or 1/2. */
  kind: 'same-key' | 'cross-key' | 'known-nonce';
  knownNonce: string | undefined;
  signatures: (SigLocation & { txid: string; vin: number; pubkey: string | undefined; spend: string; sighash: string | undefined; verified: boolean | undefined; highS: boolean; strictDer: boolean })[];
  keys: { pubkey: string; exposed: boolean; privateKey?: string }[];
  explanation: string;
}

export interface ScanReport {
  transactions: number;
  signatures: number;
  findings: ReuseFinding[];
}

const KNOWN = new Map(KNOWN_NONCES.map((n) => [toHex(numberToBytesBE(n.r, 32)), n]));
const UTF8 = new TextDecoder();
const KNOWN_BYTES = KNOWN_NONCES.map((n) => numberToBytesBE(n.r, 32));
/** Last bytes of the known r values: one comparison per signature in the common case. */
const KNOWN_LAST = KNOWN_BYTES.map((k) => k[31]!);

/** A wanted line of pass 2: where it is and, when pass 1 read it as bytes, the offset of its start. */
export interface WantedLine {
  file: string;
  line: number;
  offset: number | undefined;
}

/**
 * Pass 1 of one thread, as plain data (typed arrays whose buffers can be transferred): its index,
 * the signature-bearing lines with their byte offsets, the lines holding a known r.
 */
export interface ScanPart {
  index: NonceIndexState;
  files: string[];
  known: number[];
  lineFile: Uint32Array;
  lineNo: Uint32Array;
  lineOffset: Float64Array;
  transactions: number;
}

/** Pass 1: feed every line; then `wanted()` says which lines pass 2 must re-read. */
export class NonceScanner {
  readonly index: NonceIndex;
  /** Indexes joined from other threads (`join`): repeated r values are found over all of them at `wanted`. */
  private readonly others: NonceIndex[] = [];
  private readonly files: string[] = [];
  /** (file, line) pairs of lines holding a known r, flattened. */
  private known: number[] = [];
  private readonly fast = new FastRScanner();
  private lastFile: string | undefined;
  private lastIndex = -1;
  // Signature-bearing lines read as bytes: file, line number and byte offset (for pass 2).
  private lineFile = new Uint32Array(1024);
  private lineNo = new Uint32Array(1024);
  private lineOffset = new Float64Array(1024);
  private lines = 0;
  /** The line tables of joined parts, as they came, with their file map and line bases (read only at `wantedLines`). */
  private readonly joinedLines: { part: ScanPart; fileMap: number[]; base: number[] }[] = [];
  transactions = 0;

  /** `seed`: the index's hash seed (random by default); the threads of one scan share it. */
  constructor(seed?: number) {
    this.index = new NonceIndex(seed);
  }

  /** Signatures indexed, over every joined part. */
  get signatures(): number {
    return this.others.reduce((n, x) => n + x.size, this.index.size);
  }

  private fileIndex(file: string): number {
    let f = file === this.lastFile ? this.lastIndex : this.files.indexOf(file);
    if (f < 0) f = this.files.push(file) - 1;
    this.lastFile = file;
    this.lastIndex = f;
    return f;
  }

  /** Indexes the r values of one line (`#` comments and blank lines are skipped); `offset` is where the line starts in its file, when known. */
  add(line: string, file: string, lineNo: number, offset = -1): void {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const f = this.fileIndex(file);
    const before = this.index.size;
    this.cur = f;
    this.curLine = lineNo;
    // The fast path indexes exactly what the reference extraction would; it declines anything unusual.
    if (!this.fast.scan(line, this.visit)) {
      for (const s of extractSignatures(line, `${file}:${lineNo}`, true).sigs) this.index1(numberToBytesBE(s.r, 32), f, lineNo);
    }
    this.transactions++;
    if (offset >= 0 && this.index.size > before) this.noteLine(f, lineNo, offset);
  }

  /**
   * The same as `add` for a line given as bytes (a LineSplitter's output): the CLI's first pass,
   * which then never decodes the file into strings. Lines the fast path declines are decoded as
   * UTF-8 and go through `add`.
   */
  addBytes(b: Uint8Array, start: number, end: number, file: string, lineNo: number, offset = -1): void {
    let i = start;
    while (i < end && isSpace(b[i]!)) i++;
    if (i === end || b[i] === 35 /* # */) return;
    const f = this.fileIndex(file);
    const before = this.index.size;
    this.cur = f;
    this.curLine = lineNo;
    if (this.fast.scanBytes(b, start, end, this.visit)) {
      this.transactions++;
      if (offset >= 0 && this.index.size > before) this.noteLine(f, lineNo, offset);
    } else this.add(UTF8.decode(b.subarray(start, end)), file, lineNo, offset);
  }

  private cur = 0;
  private curLine = 0;
  private readonly visit = (r: Uint8Array): void => this.index1(r, this.cur, this.curLine);

  private index1(r: Uint8Array, f: number, lineNo: number): void {
    this.index.add(r, f, lineNo);
    const last = r[31]!;
    if (KNOWN_LAST.includes(last)) for (const k of KNOWN_BYTES) if (last === k[31] && sameBytes(r, k)) this.known.push(f, lineNo);
  }

  private noteLine(f: number, lineNo: number, offset: number): void {
    const n = this.lines;
    if (n === this.lineNo.length) {
      const grow = <T extends Uint32Array | Float64Array>(a: T, b: T): T => (b.set(a), b);
      this.lineFile = grow(this.lineFile, new Uint32Array(n * 2));
      this.lineNo = grow(this.lineNo, new Uint32Array(n * 2));
      this.lineOffset = grow(this.lineOffset, new Float64Array(n * 2));
    }
    this.lineFile[n] = f;
    this.lineNo[n] = lineNo;
    this.lineOffset[n] = offset;
    this.lines = n + 1;
  }

  /** This scanner's pass 1 as data, for `join` in another thread (the scanner must not be used afterwards). */
  toPart(): ScanPart {
    return { index: this.index.state(), files: [...this.files], known: this.known, lineFile: this.lineFile.subarray(0, this.lines), lineNo: this.lineNo.subarray(0, this.lines), lineOffset: this.lineOffset.subarray(0, this.lines), transactions: this.transactions };
  }

  /**
   * Joins the pass 1 of another thread (built with this scanner's seed). `place` maps each of the
   * part's file names to the real file and the number of lines before what the part read as line
   * 1 (a thread reads blocks of a file under its own names, with lines counted from each block's
   * start). Reuse across parts is found in `wanted`.
   */
  join(part: ScanPart, place: (name: string) => { file: string; lineBase: number } = (file) => ({ file, lineBase: 0 })): void {
    const placed = part.files.map(place);
    const fileMap = placed.map((p) => this.fileIndex(p.file));
    const base = placed.map((p) => p.lineBase);
    const idx = NonceIndex.fromState(part.index);
    idx.relocate(fileMap, base);
    this.others.push(idx);
    for (let i = 0; i < part.known.length; i += 2) this.known.push(fileMap[part.known[i]!]!, part.known[i + 1]! + base[part.known[i]!]!);
    this.joinedLines.push({ part, fileMap, base });
    this.transactions += part.transactions;
  }

  /** The `file:line` keys pass 2 needs. */
  wanted(): Set<string> {
    return new Set(this.wantedLines().map((w) => `${w.file}:${w.line}`));
  }

  /** The lines pass 2 needs (a repeated or known r), by file and line, with their byte offsets when known. */
  wantedLines(): WantedLine[] {
    const at = new Map<number, Set<number>>(); // file index → line numbers
    const put = (f: number, l: number) => {
      let lines = at.get(f);
      if (!lines) at.set(f, (lines = new Set()));
      lines.add(l);
    };
    for (let i = 0; i < this.known.length; i += 2) put(this.known[i]!, this.known[i + 1]!);
    for (const group of this.index.groups(this.others)) for (const [f, l] of group) put(f, l);
    const offsets = new Map<string, number>();
    const lookUp = (file: Uint32Array, no: Uint32Array, off: Float64Array, n: number, fileMap?: number[], base?: number[]) => {
      for (let i = 0; i < n; i++) {
        const a = file[i]!;
        const f = fileMap ? fileMap[a]! : a;
        const lines = at.get(f);
        const l = no[i]! + (base ? base[a]! : 0);
        if (lines?.has(l)) offsets.set(`${f}:${l}`, off[i]!);
      }
    };
    if (at.size > 0) {
      lookUp(this.lineFile, this.lineNo, this.lineOffset, this.lines);
      for (const { part, fileMap, base } of this.joinedLines) lookUp(part.lineFile, part.lineNo, part.lineOffset, part.lineOffset.length, fileMap, base);
    }
    return [...at.keys()]
      .sort((a, b) => a - b)
      .flatMap((f) => [...at.get(f)!].sort((a, b) => a - b).map((line) => ({ file: this.files[f]!, line, offset: offsets.get(`${f}:${line}`) })));
  }

  /** Pass 2: the full records of the wanted lines → the report. `reveal` includes recovered private keys. */
  report(lines: Map<string, string>, reveal = false): ScanReport {    const byR = new Map<string, (SigRecord & SigLocation)[]>();
    for (const [where, line] of lines) {
      const at = where.lastIndexOf(':');
      const loc = { file: where.slice(0, at), line: Number(where.slice(at + 1)) };
      for (const s of extractSignatures(line, where).sigs) {
        const r = toHex(numberToBytesBE(s.r, 32));
        const list = byR.get(r) ?? [];
        if (!list.some((x) => x.file === loc.file && x.line === loc.line && x.vin === s.vin && x.s === s.s)) list.push({ ...s, ...loc });
        byR.set(r, list);
      }
    }
    const findings: ReuseFinding[] = [];
    for (const [r, sigs] of byR) {
      const known = KNOWN.get(r);
      if (sigs.length < 2 && !known) continue;
      findings.push(analyse(r, sigs, known, reveal));
    }
    findings.sort((a, b) => a.signatures[0]!.file.localeCompare(b.signatures[0]!.file) || a.signatures[0]!.line - b.signatures[0]!.line);
    return { transactions: this.transactions, signatures: this.signatures, findings };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

function analyse(rHex: string, sigs: (SigRecord & SigLocation)[], known: (typeof KNOWN_NONCES)[number] | undefined, reveal: boolean): ReuseFinding {
  const r = BigInt(`0x${rHex}`);
  const keys = [...new Set(sigs.map((s) => s.pubkey).filter((p): p is string => p !== undefined))];
  const found = new Map<string, bigint>();
  let k: bigint | undefined = known?.k;
  // Same key, two usable signatures: solve for k and d.
  for (const pub of keys) {
    const mine = sigs.filter((s) => s.pubkey === pub && s.z !== undefined);
    for (let i = 0; i < mine.length && !found.has(pub); i++)
      for (let j = i + 1; j < mine.length && !found.has(pub); j++) {
        if (mine[i]!.z === mine[j]!.z) continue;
        const rec = recoverFromReuse(r, { s: mine[i]!.s, z: mine[i]!.z! }, { s: mine[j]!.s, z: mine[j]!.z! }, pub);
        if (rec) {
          found.set(pub, rec.d);
          k ??= rec.k;
        }
      }
  }
  if (k === undefined) {
    for (const [pub, d] of found) {
      const s = sigs.find((x) => x.pubkey === pub && x.z !== undefined)!;
      k = nonceFromKey(d, r, s.s, s.z!)[0];
    }
  }
  // A known nonce exposes every key that signed with it (either sign of k after low-S).
  if (k !== undefined) {
    for (const s of sigs) {
      if (!s.pubkey || s.z === undefined || found.has(s.pubkey)) continue;
      for (const kk of [k, negate(k)]) {
        const d = keyFromNonce(kk, r, s.s, s.z);
        if (keyMatches(d, s.pubkey)) found.set(s.pubkey, d);
      }
    }
  }
  const kind: ReuseFinding['kind'] = known ? 'known-nonce' : keys.length > 1 || (keys.length === 1 && sigs.some((s) => s.pubkey === undefined)) ? 'cross-key' : 'same-key';
  const exposed = [...found.keys()];
  const explanation = known
    ? `r is the x-coordinate of (${known.label})·G: a nonce anyone knows, so every key signing with it is exposed (${exposed.length} of ${keys.length} confirmed)`
    : kind === 'same-key'
      ? `${sigs.length} signatures by one key share a nonce: ${exposed.length ? 'the private key was recovered (d·G equals the public key)' : 'the private key is exposed, but the sighashes needed to recover it are missing (give the prevouts)'}`
      : `${keys.length} different keys share a nonce: whoever learns one key learns the nonce and then the others${exposed.length ? ` (${exposed.length} recovered)` : ''}`;
  return {
    r: rHex,
    kind,
    knownNonce: known?.label,
    signatures: sigs.map((s) => ({ file: s.file, line: s.line, txid: s.txid, vin: s.vin, pubkey: s.pubkey, spend: s.spend, sighash: s.z === undefined ? undefined : toHex(numberToBytesBE(s.z, 32)), verified: s.verified, highS: s.highS, strictDer: s.strictDer })),
    keys: keys.map((pubkey) => ({ pubkey, exposed: found.has(pubkey), ...(reveal && found.has(pubkey) ? { privateKey: toHex(numberToBytesBE(found.get(pubkey)!, 32)) } : {}) })),
    explanation,
  };
}

/** Scans in-memory lines (both passes); for files, the CLI streams pass 1 and re-reads for pass 2. */
export function scanLines(lines: readonly string[], file = '<input>', reveal = false): ScanReport {
  const sc = new NonceScanner();
  lines.forEach((l, i) => sc.add(l, file, i + 1));
  const want = sc.wanted();
  const keep = new Map<string, string>();
  lines.forEach((l, i) => {
    if (want.has(`${file}:${i + 1}`)) keep.set(`${file}:${i + 1}`, l);
  });
  return sc.report(keep, reveal);
}
