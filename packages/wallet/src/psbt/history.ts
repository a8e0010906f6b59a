/**
 * Previous spends for the rolling-window limits: CSV with a header (`time,amount[,asset][,txid]`)
 * or a JSON array of `{ "time", "amount", "asset"?, "txid"? }`. `time` is ISO 8601 with a zone
 * (`2026-11-21T09:30:00Z`), `amount` the amount that left the wallet (change excluded) as a
 * BTC decimal string or `N sat`; `asset` defaults to BTC. Problems are reported as `file:line`.
 */
import type { Problem } from '@keygrade/errors';
import { parseAmount } from './amount.js';
import { PsbtError } from './errors.js';
import { readRecords } from './records.js';

export interface PastSpend {
  time: Date;
  sats: bigint;
  asset: string;
  txid: string | undefined;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a spend history; `file` names the source in errors and picks CSV (`.csv`) or JSON.
 * @example parseSpendHistory('time,amount\n2026-11-21T09:30:00Z,0.8\n', 'spends.csv')
 */
export function parseSpendHistory(text: string, file: string): PastSpend[] {
  const problems: Problem[] = [];
  const out: PastSpend[] = [];
  const add = (raw: Record<string, unknown>, where: { line?: number; path: string }) => {
    const at = (field: string, message: string) => problems.push({ file, ...(where.line !== undefined ? { line: where.line } : {}), path: `${where.path}${field}`, message });
    const time = raw.time;
    const amount = raw.amount;
    let date: Date | undefined;
    if (typeof time !== 'string' || !ISO.test(time) || Number.isNaN(Date.parse(time))) at('time', 'must be an ISO 8601 time with a zone, such as 2026-11-21T09:30:00Z');
    else date = new Date(time);
    let sats: bigint | undefined;
    if (typeof amount !== 'string') at('amount', 'must be a decimal string such as "0.8" (BTC) or "80000 sat"');
    else {
      const r = parseAmount(amount, 'btc');
      if (r.ok) sats = r.sats;
      else at('amount', r.message);
    }
    const asset = raw.asset === undefined || raw.asset === '' ? 'BTC' : raw.asset;
    if (typeof asset !== 'string' || !/^[A-Z0-9]{2,10}$/.test(asset)) at('asset', 'must be an asset code such as BTC');
    const txid = raw.txid === undefined || raw.txid === '' ? undefined : raw.txid;
    if (txid !== undefined && (typeof txid !== 'string' || !/^[0-9a-fA-F]{64}$/.test(txid))) at('txid', 'must be a transaction id (64 hex digits)');
    if (date && sats !== undefined && typeof asset === 'string') out.push({ time: date, sats, asset, txid: typeof txid === 'string' ? txid.toLowerCase() : undefined });
  };
  const table = {
    code: 'SPEND_HISTORY_INVALID',
    columns: ['time', 'amount', 'asset', 'txid'],
    headerOk: (h: readonly string[]) => h.includes('time') && h.includes('amount'),
    headerHelp: 'time and amount (and optionally asset, txid)',
    jsonWhat: 'a JSON array of spends',
    elementWhat: 'an object with time and amount',
  } as const;
  for (const r of readRecords(text, file, table, problems)) add(r.fields, r.loc);
  if (problems.length > 0) throw new PsbtError('SPEND_HISTORY_INVALID', `${file}: the spend history does not validate (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
  return out;
}
