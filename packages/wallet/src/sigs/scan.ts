/**
 * The nonce-reuse scan (CCSS 2020 1.4.8, v9 1.05.10): two passes over transaction lines. Pass 1
 * indexes only r values (no sighash), so memory stays ~52 bytes per signature; pass 2 re-reads
 * the lines holding a repeated or known r, computes their sighashes, and recovers keys.
 */
import { numberToBytesBE } from '@noble/curves/utils.js';
import { toHex } from '../bytes.js';
import { extractSignatures, type SigRecord } from './extract.js';
import { FastRScanner } from './fast.js';
import { NonceIndex } from './nonce-index.js';
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

/** Pass 1: feed every line; then `wanted()` says which lines pass 2 must re-read. */
export class NonceScanner {
  readonly index: NonceIndex;
  private readonly files: string[] = [];
  private readonly knownAt = new Set<string>();
  private readonly fast = new FastRScanner();
  private lastFile: string | undefined;
  private lastIndex = -1;
  transactions = 0;

  constructor(expectedSignatures?: number) {
    this.index = new NonceIndex(expectedSignatures);
  }

  /** Indexes the r values of one line (`#` comments and blank lines are skipped). */
  add(line: string, file: string, lineNo: number): void {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    let f = file === this.lastFile ? this.lastIndex : this.files.indexOf(file);
    if (f < 0) f = this.files.push(file) - 1;
    this.lastFile = file;
    this.lastIndex = f;
    const where = `${file}:${lineNo}`;
    // The fast path indexes exactly what the reference extraction would; it declines anything unusual.
    if (!this.fast.scan(line, where, (r) => this.index1(r, f, lineNo))) {
      for (const s of extractSignatures(line, where, true).sigs) this.index1(numberToBytesBE(s.r, 32), f, lineNo);
    }
    this.transactions++;
  }

  /**
   * The same as `add` for a line given as bytes (a LineSplitter's output): the CLI's first pass,
   * which then never decodes the file into strings. Lines the fast path declines are decoded as
   * UTF-8 and go through `add`.
   */
  addBytes(b: Uint8Array, start: number, end: number, file: string, lineNo: number): void {
    let i = start;
    while (i < end && b[i]! <= 32) i++;
    if (i === end || b[i] === 35 /* # */) return;
    let f = file === this.lastFile ? this.lastIndex : this.files.indexOf(file);
    if (f < 0) f = this.files.push(file) - 1;
    this.lastFile = file;
    this.lastIndex = f;
    this.lineNo = lineNo;
    this.fileIndex = f;
    if (this.fast.scanBytes(b, start, end, () => `${file}:${lineNo}`, this.visit)) this.transactions++;
    else this.add(UTF8.decode(b.subarray(start, end)), file, lineNo);
  }

  private lineNo = 0;
  private fileIndex = 0;
  private readonly visit = (r: Uint8Array): void => this.index1(r, this.fileIndex, this.lineNo);

  private index1(r: Uint8Array, f: number, lineNo: number): void {
    this.index.add(r, f, lineNo);
    for (const k of KNOWN_BYTES) if (r[0] === k[0] && r[31] === k[31] && sameBytes(r, k)) this.knownAt.add(`${this.files[f]}:${lineNo}`);
  }

  /** The `file:line` keys pass 2 needs. */
  wanted(): Set<string> {
    const out = new Set(this.knownAt);
    for (const head of this.index.repeated) for (const [f, l] of this.index.group(head)) out.add(`${this.files[f]}:${l}`);
    return out;
  }

  /** Pass 2: the full records of the wanted lines → the report. `reveal` includes recovered private keys. */
  report(lines: Map<string, string>, reveal = false): ScanReport {
    const byR = new Map<string, (SigRecord & SigLocation)[]>();
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
    return { transactions: this.transactions, signatures: this.index.size, findings };
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
