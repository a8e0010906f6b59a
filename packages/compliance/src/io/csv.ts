/**
 * CSV import and export of a register: one row per entry, one column per field. The columns are
 * derived from the register's schema, so a field added to a schema gets its column:
 *   - a nested object is flattened into dotted columns (`tester.name`, `approval.on`);
 *   - a list of words or ids is one cell, items separated by `|` (a `|` or `\` inside an item is
 *     escaped with `\`);
 *   - a list of records (findings, checks, training, evidence) is one cell of JSON;
 *   - an empty cell is an absent field.
 * Export then import gives back the same entries (io.test.ts checks it with property tests).
 * Cells are written as they are: a spreadsheet may treat a cell starting with `=`, `+`, `-` or `@`
 * as a formula, so open exported files in a spreadsheet with care.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { ComplianceError } from '../errors.js';
import { REGISTERS, registerProblems, type RegisterEntries, type RegisterKind } from '../registers.js';
import { readCsv, writeCsv } from './csv-text.js';

/** How a column's cell encodes its value. */
export type ColumnType = 'text' | 'int' | 'list' | 'json';

export interface Column {
  /** Header name: the dotted field path. */
  name: string;
  path: string[];
  type: ColumnType;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else return s;
  }
}

function leafType(schema: z.ZodType): ColumnType {
  const s = unwrap(schema);
  if (s instanceof z.ZodNumber) return 'int';
  if (s instanceof z.ZodUnion && s.options.every((o) => o instanceof z.ZodLiteral && typeof o.value === 'number')) return 'int';
  if (s instanceof z.ZodArray) {
    const el = unwrap(s.element as z.ZodType);
    return el instanceof z.ZodString || el instanceof z.ZodEnum ? 'list' : 'json';
  }
  return 'text';
}

function columnsOf(schema: z.ZodType, prefix: string[]): Column[] {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodObject)) return [{ name: prefix.join('.'), path: prefix, type: leafType(schema) }];
  return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([key, field]) => columnsOf(field, [...prefix, key]));
}

/** The columns of a register's CSV, in schema order. */
export function csvColumns(kind: RegisterKind): Column[] {
  return columnsOf(REGISTERS[kind].schema as unknown as z.ZodType, []);
}

const escapeItem = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

function splitList(cell: string): string[] {
  const out: string[] = [];
  let item = '';
  for (let i = 0; i < cell.length; i += 1) {
    const c = cell[i]!;
    if (c === '\\' && i + 1 < cell.length) item += cell[++i];
    else if (c === '|') {
      out.push(item);
      item = '';
    } else item += c;
  }
  out.push(item);
  return out;
}

function cellOf(value: unknown, type: ColumnType): string {
  if (value === undefined || value === null) return '';
  switch (type) {
    case 'list':
      return (value as string[]).map(escapeItem).join('|');
    case 'json':
      return (value as unknown[]).length === 0 ? '' : JSON.stringify(value);
    default:
      return String(value);
  }
}

function get(obj: unknown, path: readonly string[]): unknown {
  let v = obj;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function set(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = obj;
  path.slice(0, -1).forEach((k) => {
    o[k] ??= {};
    o = o[k] as Record<string, unknown>;
  });
  o[path[path.length - 1]!] = value;
}

/**
 * The CSV text of a register (header row, then one row per entry).
 * @example registerToCsv('policies', registers.policies)
 */
export function registerToCsv<K extends RegisterKind>(kind: K, entries: readonly RegisterEntries[K][]): string {
  const columns = csvColumns(kind);
  return writeCsv([columns.map((c) => c.name), ...entries.map((e) => columns.map((c) => cellOf(get(e, c.path), c.type)))]);
}

/**
 * Reads a register from CSV text and validates every entry. Throws COMPLIANCE_IMPORT_PARSE (CSV
 * syntax, unknown or repeated columns) or COMPLIANCE_IMPORT_INVALID (entries), each problem with
 * its line and field.
 */
export function registerFromCsv<K extends RegisterKind>(kind: K, text: string, file = `${kind}.csv`): RegisterEntries[K][] {
  const { rows, problems } = readCsv(text);
  const fail = (code: 'COMPLIANCE_IMPORT_PARSE' | 'COMPLIANCE_IMPORT_INVALID', list: Problem[]) => {
    const located = list.map((p) => ({ file, ...p }));
    return new ComplianceError(code, `${file}: ${list.length} problem${list.length === 1 ? '' : 's'}, first: ${list[0]!.path ? `${list[0]!.path}: ` : ''}${list[0]!.message}`, { problems: located });
  };
  if (problems.length > 0) throw fail('COMPLIANCE_IMPORT_PARSE', problems);
  const [header, ...body] = rows;
  if (!header) return [];
  const columns = new Map(csvColumns(kind).map((c) => [c.name, c]));
  const headerProblems: Problem[] = [];
  const seen = new Set<string>();
  header.cells.forEach((name, i) => {
    if (!columns.has(name)) headerProblems.push({ line: header.line, column: i + 1, message: `unknown column "${name}" for ${kind} (known: ${[...columns.keys()].join(', ')})` });
    if (seen.has(name)) headerProblems.push({ line: header.line, column: i + 1, message: `column "${name}" appears twice` });
    seen.add(name);
  });
  if (headerProblems.length > 0) throw fail('COMPLIANCE_IMPORT_PARSE', headerProblems);

  const raws: Record<string, unknown>[] = [];
  const cellProblems: Problem[] = [];
  const lines: number[] = [];
  for (const row of body) {
    if (row.cells.length !== header.cells.length) {
      cellProblems.push({ line: row.line, message: `the row has ${row.cells.length} cells; the header has ${header.cells.length}` });
      continue;
    }
    const raw: Record<string, unknown> = {};
    row.cells.forEach((cell, i) => {
      if (cell === '') return;
      const column = columns.get(header.cells[i]!)!;
      let value: unknown = cell;
      if (column.type === 'int') value = /^-?\d+$/.test(cell) ? Number(cell) : cell;
      else if (column.type === 'list') value = splitList(cell);
      else if (column.type === 'json') {
        try {
          value = JSON.parse(cell) as unknown;
        } catch {
          cellProblems.push({ line: row.line, path: column.name, message: `${column.name} must hold JSON (a list of records)` });
          return;
        }
      }
      set(raw, column.path, value);
    });
    raws.push(raw);
    lines.push(row.line);
  }
  if (cellProblems.length > 0) throw fail('COMPLIANCE_IMPORT_INVALID', cellProblems);
  const { entries, problems: invalid } = registerProblems(kind, raws, '');
  if (invalid.length > 0) {
    // Paths start with the row index; report the file line and the field instead.
    throw fail(
      'COMPLIANCE_IMPORT_INVALID',
      invalid.map((p) => {
        const m = /^\.?(\d+)\.?(.*)$/.exec(p.path ?? '');
        return m ? { line: lines[Number(m[1])]!, path: m[2] || '(row)', message: p.message } : p;
      }),
    );
  }
  return entries;
}
