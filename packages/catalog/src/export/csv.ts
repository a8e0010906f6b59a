/**
 * CSV export of an edition: one row per requirement, RFC 4180 (CRLF line breaks, fields quoted
 * when they hold a comma, a double quote or a line break, quotes doubled inside quoted fields).
 */
import { pick, type Edition, type Lang } from '../model.js';

/** Header row of {@link exportCsv}. */
export const CSV_HEADER = ['edition', 'domain', 'aspect_id', 'aspect_title', 'control_id', 'control_title', 'requirement_id', 'level', 'text'] as const;

/** RFC 4180 §2 rule 6: a field holding CR, LF, a double quote or a comma must be enclosed in double quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

/** Renders one field: quoted (with `"` doubled, RFC 4180 §2 rule 7) only when it must be. */
export function csvField(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/**
 * Renders one CSV record without its line break (RFC 4180 §2 rule 4).
 * @example csvRow(['a', 'b,c', 'say "hi"']) // 'a,"b,c","say ""hi"""'
 */
export function csvRow(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** Joins records with CRLF, ending with a CRLF (RFC 4180 §2 rules 1-2). */
export function csvDocument(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => `${csvRow(r)}\r\n`).join('');
}

/**
 * Exports every requirement of an edition as CSV, one row each, in catalog order, under the
 * {@link CSV_HEADER} header. `domain` is the domain title; texts are in `lang`, falling back to English.
 * @example exportCsv(catalog.edition('ccss-2021')).split('\r\n').length // 1 header + 90 rows + 1 empty
 */
export function exportCsv(edition: Edition, lang: Lang = 'en'): string {
  const domains = new Map(edition.domains.map((d) => [d.id, pick(d.title, lang)]));
  const rows: string[][] = [[...CSV_HEADER]];
  for (const aspect of edition.aspects) {
    const domain = domains.get(aspect.domainId) ?? aspect.domainId;
    for (const control of aspect.controls) {
      for (const req of control.requirements) {
        rows.push([edition.id, domain, aspect.id, pick(aspect.title, lang), control.id, pick(control.title, lang), req.id, String(req.level), pick(req.text, lang)]);
      }
    }
  }
  return csvDocument(rows);
}
