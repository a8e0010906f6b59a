/**
 * Previous spends for the rolling-window limits: CSV with a header (`time,amount[,asset][,txid]`)
 * or a JSON array of `{ "time", "amount", "asset"?, "txid"? }`. `time` is ISO 8601 with a zone
 * (`2026-11-21T09:30:00Z`), `amount` the amount that left the wallet (change excluded) as a
 * BTC decimal string or `N sat`; `asset` defaults to BTC. Problems are reported as `file:line`.
 */
import type { Problem } from '@keygrade/errors';
import { parseAmount } from './amount.js';
import { PsbtError } from './errors.js';

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
  if (/\.csv$/i.test(file)) {
    const lines = text.split(/\r?\n/);
    const headerIdx = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    if (headerIdx < 0) return [];
    const header = lines[headerIdx]!.split(',').map((h) => h.trim().toLowerCase());
    const unknown = header.filter((h) => !['time', 'amount', 'asset', 'txid'].includes(h));
    if (!header.includes('time') || !header.includes('amount') || unknown.length > 0) {
      throw new PsbtError('SPEND_HISTORY_INVALID', `${file}:${headerIdx + 1}: the header must name time and amount (and optionally asset, txid)${unknown.length ? `; unknown column ${JSON.stringify(unknown[0])}` : ''}`);
    }
    for (let i = headerIdx + 1; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.trim() === '' || l.startsWith('#')) continue;
      const cells = l.split(',').map((c) => c.trim());
      if (cells.length !== header.length) {
        problems.push({ file, line: i + 1, message: `${cells.length} columns, the header has ${header.length}` });
        continue;
      }
      add(Object.fromEntries(header.map((h, k) => [h, cells[k]])), { line: i + 1, path: '' });
    }
  } else {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new PsbtError('SPEND_HISTORY_INVALID', `${file}: not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(data)) throw new PsbtError('SPEND_HISTORY_INVALID', `${file}: must be a JSON array of spends (or a .csv file)`);
    data.forEach((x, i) => {
      if (typeof x !== 'object' || x === null || Array.isArray(x)) problems.push({ file, path: `${i}`, message: 'must be an object with time and amount' });
      else add(x as Record<string, unknown>, { path: `${i}.` });
    });
  }
  if (problems.length > 0) throw new PsbtError('SPEND_HISTORY_INVALID', `${file}: the spend history does not validate (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
  return out;
}
