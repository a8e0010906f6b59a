/**
 * The UTXO list of a compromised wallet (CSV with a header, or a JSON array):
 *   outpoint       txid:vout
 *   amount_sat     whole satoshis   — or —   amount_btc  BTC decimal string (exact, ≤ 8 decimals)
 *   script_pubkey  hex of the output script
 *   branch, index  optional: 0 receive / 1 change, and the child index (else found by derivation)
 * Problems are reported as `file:line: column: message` (JSON: the array index and field).
 */
import type { Problem } from '@keygrade/errors';
import { fromHex } from '../bytes.js';
import { parseAmount } from '../psbt/amount.js';
import { PsbtError } from '../psbt/errors.js';
import { readRecords } from '../psbt/records.js';

export interface SweepUtxo {
  txid: string;
  vout: number;
  sats: bigint;
  script: Uint8Array;
  branch: number | undefined;
  index: number | undefined;
  /** Where it came from, for messages: `utxos.csv:3` or `utxos.json[2]`. */
  where: string;
}

const COLUMNS = ['outpoint', 'amount_sat', 'amount_btc', 'script_pubkey', 'branch', 'index'];

/**
 * Parses a UTXO file; `file` names it in errors and picks CSV (`.csv`) or JSON.
 * @example parseUtxos('outpoint,amount_sat,script_pubkey\n<txid>:0,150000,0014…\n', 'utxos.csv')
 */
export function parseUtxos(text: string, file: string): SweepUtxo[] {
  const problems: Problem[] = [];
  const out: SweepUtxo[] = [];
  const seen = new Set<string>();
  const add = (raw: Record<string, unknown>, where: string, loc: { line?: number; path: string }) => {
    const bad = (field: string, message: string) => problems.push({ file, ...(loc.line !== undefined ? { line: loc.line } : {}), path: `${loc.path}${field}`, message });
    const op = typeof raw.outpoint === 'string' ? /^([0-9a-fA-F]{64}):(\d{1,10})$/.exec(raw.outpoint) : null;
    if (!op || Number(op[2]) > 0xffffffff) bad('outpoint', 'must be txid:vout (64 hex digits, a colon, the output index)');
    const str = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v);
    const sat = str(raw.amount_sat);
    const btc = raw.amount_btc;
    let sats: bigint | undefined;
    if ((sat === undefined || sat === '') === (btc === undefined || btc === '')) bad('amount_sat', 'give exactly one of amount_sat (whole satoshis) and amount_btc (BTC decimal string)');
    else {
      const r = sat !== undefined && sat !== '' ? (typeof sat === 'string' && /^\d+$/.test(sat) ? parseAmount(sat, 'sat') : { ok: false as const, message: 'must be whole satoshis' }) : typeof btc === 'string' && /^\d+(\.\d+)?$/.test(btc) ? parseAmount(btc, 'btc') : { ok: false as const, message: 'must be a BTC decimal string such as "0.015"' };
      if (!r.ok) bad(sat !== undefined && sat !== '' ? 'amount_sat' : 'amount_btc', r.message);
      else if (r.sats === 0n) bad(sat !== undefined && sat !== '' ? 'amount_sat' : 'amount_btc', 'must be more than zero');
      else sats = r.sats;
    }
    const spk = raw.script_pubkey;
    if (typeof spk !== 'string' || !/^([0-9a-fA-F]{2}){1,10000}$/.test(spk)) bad('script_pubkey', 'must be the output script in hex');
    const int = (field: 'branch' | 'index', max: number): number | undefined => {
      const v = str(raw[field]);
      if (v === undefined || v === '') return undefined;
      if (typeof v !== 'string' || !/^\d{1,10}$/.test(v) || Number(v) > max) {
        bad(field, `must be a whole number from 0 to ${max}`);
        return undefined;
      }
      return Number(v);
    };
    const branch = int('branch', 9);
    const index = int('index', 0x7fffffff);
    if (op && sats !== undefined && typeof spk === 'string' && /^([0-9a-fA-F]{2})+$/.test(spk)) {
      const key = `${op[1]!.toLowerCase()}:${Number(op[2])}`;
      if (seen.has(key)) bad('outpoint', `${key} is listed twice`);
      seen.add(key);
      out.push({ txid: op[1]!.toLowerCase(), vout: Number(op[2]), sats, script: fromHex(spk.toLowerCase()), branch, index, where });
    }
  };
  const table = {
    code: 'SWEEP_UTXOS_INVALID',
    columns: COLUMNS,
    headerOk: (h: readonly string[]) => h.includes('outpoint') && h.includes('script_pubkey'),
    headerHelp: 'outpoint, amount_sat or amount_btc, script_pubkey (optional: branch, index)',
    jsonWhat: 'a JSON array of UTXOs',
    elementWhat: 'an object',
    emptyMessage: 'no UTXOs',
  } as const;
  for (const r of readRecords(text, file, table, problems)) add(r.fields, r.where, r.loc);
  if (problems.length > 0) throw new PsbtError('SWEEP_UTXOS_INVALID', `${file}: the UTXO list does not validate (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
  if (out.length === 0) throw new PsbtError('SWEEP_UTXOS_INVALID', `${file}: no UTXOs`);
  return out;
}
