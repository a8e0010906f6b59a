/**
 * Readers for the accounts file, one line at a time (the CLI streams files of any size):
 *
 * - CSV (RFC 4180 fields, no line breaks inside a field): a header `id,<SYMBOL>,<SYMBOL>…`,
 *   then one row per account. Asset columns may come in any order and any subset of the assets
 *   (a missing column or an empty field is 0).
 * - NDJSON: one object per line, `{"id":"alice","balances":{"BTC":"1.5","ETH":"0.25"}}`.
 *   Amounts are strings: a JSON number would already have lost digits.
 *
 * Blank lines are skipped. Every problem stops the read with the file and line.
 */
import type { Asset } from './amount.js';
import { parseAmountInto } from './amount.js';
import { locate, type AccountSink } from './accounts.js';
import { ReservesError, type ReservesErrorCode } from './errors.js';

/** Accounts file formats. */
export type AccountsFormat = 'csv' | 'ndjson';

/** Feeds the lines of an accounts file into an {@link AccountSink} (an `AccountTable`, or the streaming build's spill). */
export interface AccountsReader {
  /** Reads one line (without its line break); `line` is 1-based. */
  line(text: string, line: number): void;
  /** Call after the last line: checks the file was not empty. */
  finish(): void;
}

/** The format of an accounts file from its name (`.csv`, `.ndjson`, `.jsonl`), or undefined. */
export function formatOf(file: string): AccountsFormat | undefined {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(ndjson|jsonl)$/i.test(file)) return 'ndjson';
  return undefined;
}

/** A reader of one accounts file into `table`. */
export function accountsReader(format: AccountsFormat, table: AccountSink, file?: string): AccountsReader {
  return format === 'csv' ? csvReader(table, file) : ndjsonReader(table, file);
}

function fail(code: ReservesErrorCode, file: string | undefined, line: number, message: string): ReservesError {
  return new ReservesError(code, locate({ ...(file !== undefined ? { file } : {}), line }, message));
}

function csvReader(table: AccountSink, file: string | undefined): AccountsReader {
  const assets = table.assets;
  const balances = new Uint8Array(table.balanceBytes);
  let columns: (Asset & { index: number })[] | undefined;
  let width = 0;
  let headerLine = 0;
  const where = { ...(file !== undefined ? { file } : {}), line: 0 };
  return {
    line(raw, line) {
      const text = csvLineText(raw, line);
      if (text === undefined) return;
      const fields = splitCsv(text);
      if (typeof fields === 'string') throw fail('RESERVES_BAD_ROW', file, line, fields);
      if (!columns) {
        headerLine = line;
        columns = [];
        const seen = new Set<string>();
        for (const [i, name] of fields.slice(1).entries()) {
          const symbol = name.trim();
          const index = assets.findIndex((a) => a.symbol === symbol);
          if (index < 0) throw fail('RESERVES_UNKNOWN_ASSET', file, line, `column ${i + 2} "${symbol}" is not one of the assets (${assets.map((a) => a.symbol).join(', ')})`);
          if (seen.has(symbol)) throw fail('RESERVES_BAD_ROW', file, line, `column "${symbol}" appears twice`);
          seen.add(symbol);
          columns.push({ ...assets[index]!, index });
        }
        width = fields.length;
        return;
      }
      if (fields.length !== width) throw fail('RESERVES_BAD_ROW', file, line, `expected ${width} fields (as in the header on line ${headerLine}), found ${fields.length}`);
      balances.fill(0);
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c]!;
        const p = parseAmountInto(fields[c + 1]!, col.decimals, balances, col.index * 16);
        if (p) throw fail(p.code, file, line, `${col.symbol}: ${p.message}`);
      }
      where.line = line;
      table.add(fields[0]!, balances, where);
    },
    finish() {
      if (table.count === 0) throw new ReservesError('RESERVES_NO_ACCOUNTS', `${file ?? 'the input'} holds no account${columns ? '' : ' (not even a header line)'}`);
    },
  };
}

/** A CSV line without its CR and (on line 1) byte-order mark, or undefined for a blank line, which readers skip. */
export function csvLineText(raw: string, line: number): string | undefined {
  let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '') ? undefined : text;
}

/** Splits one CSV line into fields (RFC 4180 quoting); returns a message when the quoting is broken. */
export function splitCsv(text: string): string[] | string {
  if (!text.includes('"')) return text.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return 'a quoted field is not closed on this line (fields may not span lines)';
        v += text.slice(i, q);
        if (text[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i === text.length) return out;
      if (text[i] !== ',') return `unexpected character after a quoted field at column ${i + 1}`;
      i++;
    } else {
      const c = text.indexOf(',', i);
      const field = text.slice(i, c < 0 ? text.length : c);
      if (field.includes('"')) return `a quote inside an unquoted field at column ${i + 1 + field.indexOf('"')}`;
      out.push(field);
      if (c < 0) return out;
      i = c + 1;
    }
  }
}

function ndjsonReader(table: AccountSink, file: string | undefined): AccountsReader {
  const assets = table.assets;
  const balances = new Uint8Array(table.balanceBytes);
  const bySymbol = new Map(assets.map((a, i) => [a.symbol, { ...a, index: i }]));
  return {
    line(raw, line) {
      let text = raw;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw fail('RESERVES_BAD_ROW', file, line, `not JSON: ${(e as Error).message}`);
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail('RESERVES_BAD_ROW', file, line, 'each line must be an object {"id": …, "balances": {…}}');
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) if (k !== 'id' && k !== 'balances') throw fail('RESERVES_BAD_ROW', file, line, `unknown field "${k}" (expected id and balances)`);
      if (typeof o.id !== 'string') throw fail('RESERVES_BAD_ID', file, line, 'id must be a string');
      const b = o.balances;
      if (typeof b !== 'object' || b === null || Array.isArray(b)) throw fail('RESERVES_BAD_ROW', file, line, 'balances must be an object of asset symbol to amount');
      balances.fill(0);
      for (const [symbol, amount] of Object.entries(b as Record<string, unknown>)) {
        const a = bySymbol.get(symbol);
        if (!a) throw fail('RESERVES_UNKNOWN_ASSET', file, line, `balances.${symbol}: not one of the assets (${assets.map((x) => x.symbol).join(', ')})`);
        if (typeof amount !== 'string') throw fail('RESERVES_BAD_AMOUNT', file, line, `balances.${symbol}: write the amount as a string ("1.5"): a JSON number may already have lost digits`);
        const p = parseAmountInto(amount, a.decimals, balances, a.index * 16);
        if (p) throw fail(p.code, file, line, `balances.${symbol}: ${p.message}`);
      }
      table.add(o.id, balances, { ...(file !== undefined ? { file } : {}), line });
    },
    finish() {
      if (table.count === 0) throw new ReservesError('RESERVES_NO_ACCOUNTS', `${file ?? 'the input'} holds no account`);
    },
  };
}
