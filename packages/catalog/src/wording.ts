/**
 * Official requirement wording that a user holds (the v9 text is C4 copyright, so Keygrade never
 * ships it): parsed from CSV or JSON keyed by requirement id, validated against the edition, stored
 * locally and attached to requirements as `official`.
 */
import { CatalogError, type Problem } from '@keygrade/errors';
import { allRequirements, indexEdition, type Edition } from './model.js';

export const WORDING_SCHEMA = 'keygrade.wording/v1';

export interface StoredWording {
  schema: typeof WORDING_SCHEMA;
  edition: string;
  importedFrom: string;
  importedAt: string;
  requirements: Record<string, string>;
}

/** Parses RFC 4180 CSV text into rows with their 1-based starting line numbers. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' && src[i + 1] === '\n') {
      i++;
      endRow();
      rowLine = ++line;
    } else if (ch === '\n') {
      endRow();
      rowLine = ++line;
    } else field += ch;
    i++;
  }
  if (quoted) throw new CatalogError('WORDING_INVALID', `CSV ends inside a quoted field that starts on line ${rowLine}`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/**
 * Reads wording from a file's text. JSON: `{ "<id>": "<text>" }` or `[{ "id": ..., "text": ... }]`.
 * CSV: a header with `requirement_id` (or `id`) and `text` columns. Every id must be a requirement
 * of the edition; every problem is reported with its line (CSV) or key (JSON).
 */
export function parseWording(edition: Edition, fileName: string, text: string): Map<string, string> {
  const index = indexEdition(edition);
  const problems: Problem[] = [];
  const out = new Map<string, string>();
  const add = (id: string, value: unknown, where: Omit<Problem, 'message'>) => {
    if (!index.requirement(id)) problems.push({ ...where, message: `${id} is not a requirement of ${edition.id}` });
    else if (typeof value !== 'string' || value.trim() === '') problems.push({ ...where, message: `the text of ${id} is empty or not a string` });
    else if (out.has(id)) problems.push({ ...where, message: `${id} appears twice` });
    else out.set(id, value.trim());
  };
  if (/\.json$/i.test(fileName) || /^\s*[[{]/.test(text)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new CatalogError('WORDING_INVALID', `${fileName} is not valid JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(data)) {
      data.forEach((row, i) => {
        const r = row as { id?: unknown; requirement_id?: unknown; text?: unknown };
        const id = r.requirement_id ?? r.id;
        if (typeof id !== 'string') problems.push({ file: fileName, path: `[${i}]`, message: 'each entry needs an id (or requirement_id) and a text' });
        else add(id, r.text, { file: fileName, path: `[${i}]` });
      });
    } else if (data && typeof data === 'object') {
      for (const [id, value] of Object.entries(data)) add(id, value, { file: fileName, path: JSON.stringify(id) });
    } else problems.push({ file: fileName, message: 'expected an object keyed by requirement id, or an array of { id, text }' });
  } else {
    const rows = parseCsv(text);
    const header = rows[0]?.fields.map((h) => h.trim().toLowerCase()) ?? [];
    const idCol = header.findIndex((h) => h === 'requirement_id' || h === 'id');
    const textCol = header.indexOf('text');
    if (idCol < 0 || textCol < 0) throw new CatalogError('WORDING_INVALID', `${fileName}: line 1: the CSV header needs the columns requirement_id (or id) and text`);
    for (const row of rows.slice(1)) add(row.fields[idCol]?.trim() ?? '', row.fields[textCol], { file: fileName, line: row.line });
  }
  if (out.size === 0 && problems.length === 0) problems.push({ file: fileName, message: 'the file holds no wording' });
  if (problems.length > 0) throw new CatalogError('WORDING_INVALID', `${fileName}: cannot import the wording (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
  return out;
}

/** An edition with the official wording attached to the requirements it covers. */
export function applyWording(edition: Edition, wording: ReadonlyMap<string, string>): Edition {
  return {
    ...edition,
    aspects: edition.aspects.map((a) => ({
      ...a,
      controls: a.controls.map((c) => ({
        ...c,
        requirements: c.requirements.map((r) => (wording.has(r.id) ? { ...r, official: wording.get(r.id)! } : r)),
      })),
    })),
  };
}

/** How much of an edition the wording covers. */
export function wordingCoverage(edition: Edition, wording: ReadonlyMap<string, string>): { covered: number; total: number } {
  const total = allRequirements(edition).length;
  return { covered: allRequirements(edition).filter((r) => wording.has(r.id)).length, total };
}

/** Reads stored wording (written by `catalog import-wording`). */
export function readStoredWording(text: string, source: string): Map<string, string> {
  let data: StoredWording;
  try {
    data = JSON.parse(text) as StoredWording;
  } catch (e) {
    throw new CatalogError('WORDING_INVALID', `${source} is not valid JSON: ${(e as Error).message}`);
  }
  if (data.schema !== WORDING_SCHEMA || typeof data.requirements !== 'object') throw new CatalogError('WORDING_INVALID', `${source} is not a Keygrade wording file`);
  return new Map(Object.entries(data.requirements));
}
