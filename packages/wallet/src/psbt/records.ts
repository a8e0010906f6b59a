/**
 * Small input tables (UTXO lists, spend histories): CSV with a header line (`#` lines and blank
 * lines ignored; plain comma-separated cells, no quoting) or a JSON array of objects. Each record
 * comes with where it stands, for messages: `file:line` in CSV, the array index in JSON.
 */
import type { Problem } from '@keygrade/errors';
import { PsbtError, type PsbtErrorCode } from './errors.js';

export interface InputRecord {
  fields: Record<string, unknown>;
  /** `file:3` or `file[2]`. */
  where: string;
  loc: { line?: number; path: string };
}

export interface RecordTable {
  code: PsbtErrorCode;
  /** Allowed CSV columns (lower case). */
  columns: readonly string[];
  /** True when the CSV header names what the table needs. */
  headerOk: (header: readonly string[]) => boolean;
  /** What the header must name, for the message. */
  headerHelp: string;
  /** The JSON form, for the message: "a JSON array of UTXOs". */
  jsonWhat: string;
  /** What each JSON element must be, for the message. */
  elementWhat: string;
  /** Message when the CSV has no header at all; undefined: an empty table is fine. */
  emptyMessage?: string;
}

/** Reads the records of `text`; `file` names it and picks CSV (`.csv`) or JSON. Row-shape problems are added to `problems`. */
export function readRecords(text: string, file: string, t: RecordTable, problems: Problem[]): InputRecord[] {
  const out: InputRecord[] = [];
  if (/\.csv$/i.test(file)) {
    const lines = text.split(/\r?\n/);
    const h = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    if (h < 0) {
      if (t.emptyMessage !== undefined) throw new PsbtError(t.code, `${file}: ${t.emptyMessage}`);
      return out;
    }
    const header = lines[h]!.split(',').map((c) => c.trim().toLowerCase());
    const unknown = header.find((c) => !t.columns.includes(c));
    if (unknown !== undefined || !t.headerOk(header)) throw new PsbtError(t.code, `${file}:${h + 1}: the header must name ${t.headerHelp}${unknown !== undefined ? `; unknown column ${JSON.stringify(unknown)}` : ''}`);
    for (let i = h + 1; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.trim() === '' || l.startsWith('#')) continue;
      const cells = l.split(',').map((c) => c.trim());
      if (cells.length !== header.length) {
        problems.push({ file, line: i + 1, message: `${cells.length} columns, the header has ${header.length}` });
        continue;
      }
      out.push({ fields: Object.fromEntries(header.map((c, k) => [c, cells[k]])), where: `${file}:${i + 1}`, loc: { line: i + 1, path: '' } });
    }
    return out;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PsbtError(t.code, `${file}: not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new PsbtError(t.code, `${file}: must be ${t.jsonWhat} (or a .csv file)`);
  data.forEach((x, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) problems.push({ file, path: `${i}`, message: `must be ${t.elementWhat}` });
    else out.push({ fields: x as Record<string, unknown>, where: `${file}[${i}]`, loc: { path: `${i}.` } });
  });
  return out;
}
