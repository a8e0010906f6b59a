/**
 * Populations for sampling (issue 5 item 4): every occurrence of a control in the audit period,
 * given as CSV with a header row, an item id column, a date column and any other columns (kept).
 * Refused, naming the line: malformed rows, empty or duplicate ids, dates that are not dates or fall
 * outside the period, and a population with no item.
 *
 * The canonical order (date, then id, by UTF-16 code units) makes a sample depend only on the set
 * of items, not on how the auditee's export happened to order the rows; the digest identifies that set.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Problem } from '@keygrade/errors';
import { readCsv } from './csv.js';
import { isIsoDate, type IsoDate } from './dates.js';
import { AuditError } from './errors.js';
import type { AuditPeriod } from './period.js';

export interface PopulationItem {
  id: string;
  /** The item's calendar date (the date part as written, for date-times). */
  date: IsoDate;
  /** 1-based line of the CSV record. */
  line: number;
  /** The other columns, by header name. */
  extra: Record<string, string>;
}

export interface Population {
  /** Items in canonical order: by date, then by id. */
  items: PopulationItem[];
  /** The header names of the other columns, in file order. */
  extraColumns: string[];
  /** SHA-256 (hex) of the canonical (id, date) list: equal digests mean the same population. */
  digest: string;
}

/** Header names accepted for the two required columns (case and surrounding spaces ignored). */
export const ID_COLUMNS = ['id', 'item_id', 'item id', 'itemid'] as const;
export const DATE_COLUMNS = ['date', 'item_date', 'item date', 'occurred_on', 'timestamp'] as const;

/** A date `YYYY-MM-DD`, or an ISO 8601 date-time whose date part is taken as written. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The calendar date of a population date field, or undefined. */
export function itemDate(text: string): IsoDate | undefined {
  const m = DATE_TIME.exec(text.trim());
  return m && isIsoDate(m[1]) ? m[1] : undefined;
}

/** Orders items by date, then id (code units, not locale: the same on every machine). */
export function compareItems(a: { id: string; date: IsoDate }, b: { id: string; date: IsoDate }): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** SHA-256 hex of the JSON list of [id, date] pairs in canonical order. */
export function populationDigest(items: readonly { id: string; date: IsoDate }[]): string {
  const canonical = [...items].sort(compareItems).map((i) => [i.id, i.date]);
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(canonical))));
}

/** Builds a population from items already parsed elsewhere (evidence, API), with the same checks as a CSV. */
export function buildPopulation(items: readonly Omit<PopulationItem, 'line' | 'extra'>[] | readonly PopulationItem[], options: { period?: AuditPeriod; file?: string } = {}): Population {
  return finish(items, options, []);
}

function finish(items: readonly Omit<PopulationItem, 'line' | 'extra'>[] | readonly PopulationItem[], options: { period?: AuditPeriod; file?: string }, earlier: Problem[]): Population {
  const problems: Problem[] = [...earlier];
  const first = new Map<string, number>();
  const out: PopulationItem[] = [];
  items.forEach((raw, index) => {
    const item: PopulationItem = { line: index + 1, extra: {}, ...raw };
    const where = { file: options.file, line: item.line };
    if (item.id.trim() === '') problems.push({ ...where, path: 'id', message: 'empty item id' });
    else if (first.has(item.id)) problems.push({ ...where, path: 'id', message: `duplicate item id ${JSON.stringify(item.id)} (first on line ${first.get(item.id)})` });
    else first.set(item.id, item.line);
    if (!isIsoDate(item.date)) problems.push({ ...where, path: 'date', message: `not a date: ${JSON.stringify(item.date)}` });
    else if (options.period && (item.date < options.period.start || item.date > options.period.end)) {
      problems.push({ ...where, path: 'date', message: `${item.date} is outside the audit period ${options.period.start} to ${options.period.end}` });
    }
    out.push(item);
  });
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throwProblems(problems, options.file);
  if (out.length === 0) throw new AuditError('AUDIT_POPULATION_EMPTY', `${options.file ? `${options.file}: ` : ''}the population has no item: there is nothing to sample`);
  out.sort(compareItems);
  const extraColumns = [...new Set(out.flatMap((i) => Object.keys(i.extra)))];
  return { items: out, extraColumns, digest: populationDigest(out) };
}

function throwProblems(problems: Problem[], file: string | undefined): void {
  if (problems.length === 0) return;
  const first = problems[0]!;
  const at = [file, first.line].filter((x) => x !== undefined).join(':');
  throw new AuditError('AUDIT_POPULATION_INVALID', `${at ? `${at}: ` : ''}${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}`, { problems });
}

/**
 * Parses a population CSV. Throws AUDIT_POPULATION_PARSE (CSV syntax, header), AUDIT_POPULATION_INVALID
 * (rows) or AUDIT_POPULATION_EMPTY, every problem with the file and line.
 * @example parsePopulation('id,date\nCHG-1,2026-03-02\n', { period: { start: '2026-01-01', end: '2026-12-31' } }).items[0].id // 'CHG-1'
 */
export function parsePopulation(text: string, options: { period?: AuditPeriod; file?: string } = {}): Population {
  const file = options.file;
  const { records, problems } = readCsv(text);
  const rows = records.filter((r) => !(r.fields.length === 1 && r.fields[0]!.trim() === ''));
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new AuditError('AUDIT_POPULATION_PARSE', `${[file, p.line].filter((x) => x !== undefined).join(':')}: ${p.message}`, { problems: problems.map((x) => ({ ...x, file })) });
  }
  const header = rows[0];
  if (!header) throw new AuditError('AUDIT_POPULATION_EMPTY', `${file ? `${file}: ` : ''}the population file is empty: expected a header row (id,date,...) and one row per item`);
  const names = header.fields.map((f) => f.trim());
  const lower = names.map((n) => n.toLowerCase());
  const headerProblem = (message: string) => new AuditError('AUDIT_POPULATION_PARSE', `${[file, header.line].filter((x) => x !== undefined).join(':')}: ${message}`, { problems: [{ file, line: header.line, message }] });
  const idCol = lower.findIndex((n) => (ID_COLUMNS as readonly string[]).includes(n));
  const dateCol = lower.findIndex((n) => (DATE_COLUMNS as readonly string[]).includes(n));
  if (idCol < 0 || dateCol < 0) {
    throw headerProblem(`the header row needs an id column (${ID_COLUMNS.join(', ')}) and a date column (${DATE_COLUMNS.join(', ')}); found: ${names.join(', ')}`);
  }
  const dup = lower.find((n, i) => lower.indexOf(n) !== i);
  if (dup !== undefined) throw headerProblem(`the column ${JSON.stringify(dup)} appears twice in the header row`);
  const bad: Problem[] = [];
  const items: PopulationItem[] = [];
  for (const r of rows.slice(1)) {
    if (r.fields.length !== names.length) {
      bad.push({ file, line: r.line, message: `expected ${names.length} fields (${names.join(', ')}), found ${r.fields.length}` });
      continue;
    }
    const date = itemDate(r.fields[dateCol]!);
    if (date === undefined) {
      bad.push({ file, line: r.line, path: names[dateCol], message: `not a date (YYYY-MM-DD or an ISO 8601 date-time): ${JSON.stringify(r.fields[dateCol])}` });
      continue;
    }
    const extra: Record<string, string> = {};
    names.forEach((n, i) => {
      if (i !== idCol && i !== dateCol) extra[n] = r.fields[i]!;
    });
    items.push({ id: r.fields[idCol]!.trim(), date, line: r.line, extra });
  }
  return finish(items, options, bad);
}
