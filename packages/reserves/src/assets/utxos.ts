/**
 * The UTXO snapshot: the unspent outputs at one block, which the asset proofs are checked against.
 * Read line by line (any size; the CLI streams it), defensively: every row is checked and the
 * first bad one stops the read with the file, line and field.
 *
 * CSV:    `# height=<n> blockhash=<64 hex>` on the first line, then the column names
 *         (`outpoint,amount,script_pubkey,height` in any order), then one UTXO per row.
 * NDJSON: `{"height":<n>,"blockhash":"<64 hex>"}` on the first line, then one object per line
 *         `{"outpoint":"<txid>:<vout>","amount":"<sat>","scriptPubKey":"<hex>","height":<n>}`.
 *
 * Amounts are integers in satoshis, at most 21,000,000 BTC (MAX_MONEY). Rows created above the
 * snapshot height are kept but never counted (UTXO_ABOVE_HEIGHT).
 */
import { AssetsError } from './errors.js';
import { MAX_MONEY } from './encoding.js';

/** One unspent output of the snapshot. */
export interface Utxo {
  /** `<txid in display hex>:<vout>` */
  outpoint: string;
  amount: bigint;
  /** Lowercase hex of the scriptPubKey. */
  script: string;
  height: number;
  /** Line of the snapshot file. */
  line: number;
}

/** A read snapshot: the block, and the rows kept (all, or those a filter wanted). */
export interface UtxoSnapshot {
  file: string;
  height: number;
  blockHash: string;
  /** Rows read (kept or not). */
  rows: number;
  byOutpoint: Map<string, Utxo>;
  /** Rows by scriptPubKey hex. */
  byScript: Map<string, Utxo[]>;
}

/** Which rows to keep: the CLI keeps only those the proofs name, so a full UTXO set fits in memory. */
export type KeepRow = (outpoint: string, scriptHex: string) => boolean;

const OUTPOINT = /^[0-9a-fA-F]{64}:(0|[1-9][0-9]{0,9})$/;
const SATS = /^(0|[1-9][0-9]{0,15})$/;
const HEIGHT = /^(0|[1-9][0-9]{0,9})$/;
const HEX = /^(?:[0-9a-fA-F]{2}){1,10000}$/;
const COLUMNS: Record<string, 'outpoint' | 'amount' | 'script' | 'height'> = {
  outpoint: 'outpoint',
  'txid:vout': 'outpoint',
  amount: 'amount',
  value: 'amount',
  script_pubkey: 'script',
  scriptpubkey: 'script',
  script: 'script',
  height: 'height',
};

/** Reads a UTXO snapshot one line at a time. */
export class UtxoSnapshotReader {
  private format?: 'csv' | 'ndjson';
  private header?: { height: number; blockHash: string };
  private columns?: Record<'outpoint' | 'amount' | 'script' | 'height', number>;
  private width = 0;
  private rows = 0;
  private readonly byOutpoint = new Map<string, Utxo>();
  private readonly byScript = new Map<string, Utxo[]>();

  constructor(
    readonly file: string,
    private readonly keep: KeepRow = () => true,
  ) {}

  private bad(line: number, message: string): never {
    throw new AssetsError('ASSETS_BAD_SNAPSHOT', `${this.file}:${line}: ${message}`);
  }

  /** Takes one line (without its newline); `n` is its 1-based number. */
  line(text: string, n: number): void {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return;
    if (!this.header) return this.readHeader(t, n);
    if (this.format === 'csv' && !this.columns) return this.readColumns(t, n);
    const row = this.format === 'csv' ? this.csvRow(t, n) : this.jsonRow(t, n);
    this.add(row, n);
  }

  private readHeader(t: string, n: number): void {
    let height: unknown;
    let hash: unknown;
    if (t.startsWith('{')) {
      this.format = 'ndjson';
      const o = this.json(t, n);
      height = o.height;
      hash = o.blockhash ?? o.blockHash;
      if (typeof height === 'number') height = String(height);
    } else if (t.startsWith('#')) {
      this.format = 'csv';
      const m = /^#\s*height=(\S+)\s+blockhash=(\S+)\s*$/.exec(t);
      if (!m) this.bad(n, 'the first line must be "# height=<block height> blockhash=<block hash>"');
      height = m[1];
      hash = m[2];
    } else this.bad(n, 'the first line must give the snapshot block: "# height=<n> blockhash=<hash>" (CSV) or {"height":…,"blockhash":…} (NDJSON)');
    if (typeof height !== 'string' || !HEIGHT.test(height)) this.bad(n, 'height: must be a block height (a non-negative integer)');
    if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) this.bad(n, 'blockhash: must be 64 hex digits');
    this.header = { height: Number(height), blockHash: hash.toLowerCase() };
  }

  private readColumns(t: string, n: number): void {
    const names = t.split(',').map((c) => c.trim().toLowerCase());
    const cols: Partial<Record<'outpoint' | 'amount' | 'script' | 'height', number>> = {};
    names.forEach((name, i) => {
      const key = COLUMNS[name];
      if (!key) this.bad(n, `unknown column "${name}" (expected outpoint, amount, script_pubkey, height)`);
      if (cols[key] !== undefined) this.bad(n, `column ${key} appears twice`);
      cols[key] = i;
    });
    for (const k of ['outpoint', 'amount', 'script', 'height'] as const) if (cols[k] === undefined) this.bad(n, `missing column ${k === 'script' ? 'script_pubkey' : k}`);
    this.columns = cols as Record<'outpoint' | 'amount' | 'script' | 'height', number>;
    this.width = names.length;
  }

  private csvRow(t: string, n: number): Record<string, unknown> {
    const f = t.split(',');
    if (f.length !== this.width) this.bad(n, `${f.length} fields, expected ${this.width}`);
    const c = this.columns!;
    return { outpoint: f[c.outpoint]!.trim(), amount: f[c.amount]!.trim(), script: f[c.script]!.trim(), height: f[c.height]!.trim() };
  }

  private json(t: string, n: number): Record<string, unknown> {
    let o: unknown;
    try {
      o = JSON.parse(t);
    } catch (e) {
      this.bad(n, `not JSON: ${(e as Error).message}`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) this.bad(n, 'must be a JSON object');
    return o as Record<string, unknown>;
  }

  private jsonRow(t: string, n: number): Record<string, unknown> {
    const o = this.json(t, n);
    for (const k of Object.keys(o)) if (!['outpoint', 'amount', 'scriptPubKey', 'script_pubkey', 'height', 'address'].includes(k)) this.bad(n, `${k}: unknown field`);
    const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v);
    return { outpoint: o.outpoint, amount: num(o.amount), script: o.scriptPubKey ?? o.script_pubkey, height: num(o.height) };
  }

  private add(r: Record<string, unknown>, n: number): void {
    this.rows++;
    const { outpoint, amount, script, height } = r;
    if (typeof outpoint !== 'string' || !OUTPOINT.test(outpoint) || Number(outpoint.slice(65)) > 0xffffffff) this.bad(n, 'outpoint: must be <txid as 64 hex digits>:<vout>');
    if (typeof amount !== 'string' || !SATS.test(amount)) this.bad(n, 'amount: must be a non-negative integer number of satoshis');
    const sats = BigInt(amount);
    if (sats > MAX_MONEY) this.bad(n, `amount: ${amount} sat is more than 21,000,000 BTC (MAX_MONEY)`);
    if (typeof script !== 'string' || !HEX.test(script)) this.bad(n, 'script_pubkey: must be hex of 1 to 10,000 bytes');
    if (typeof height !== 'string' || !HEIGHT.test(height)) this.bad(n, 'height: must be a block height (a non-negative integer)');
    const key = outpoint.toLowerCase();
    const hex = script.toLowerCase();
    if (!this.keep(key, hex)) return;
    const prior = this.byOutpoint.get(key);
    if (prior) this.bad(n, `outpoint ${key} already listed on line ${prior.line}`);
    const u: Utxo = { outpoint: key, amount: sats, script: hex, height: Number(height), line: n };
    this.byOutpoint.set(key, u);
    const list = this.byScript.get(hex);
    if (list) list.push(u);
    else this.byScript.set(hex, [u]);
  }

  /** Ends the read; throws when the file held no header. */
  finish(): UtxoSnapshot {
    if (!this.header) throw new AssetsError('ASSETS_BAD_SNAPSHOT', `${this.file}: empty: a UTXO snapshot starts with its block height and hash`);
    if (this.format === 'csv' && !this.columns) throw new AssetsError('ASSETS_BAD_SNAPSHOT', `${this.file}: no column names after the header line`);
    return { file: this.file, ...this.header, rows: this.rows, byOutpoint: this.byOutpoint, byScript: this.byScript };
  }
}

/** Reads a whole snapshot held in memory (tests, the browser). */
export function parseUtxoSnapshot(text: string, file = 'utxos', keep?: KeepRow): UtxoSnapshot {
  const r = new UtxoSnapshotReader(file, keep);
  text.split('\n').forEach((l, i) => r.line(l, i + 1));
  return r.finish();
}
