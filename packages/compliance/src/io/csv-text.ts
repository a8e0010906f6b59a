/**
 * RFC 4180 CSV text: a writer and a reader. Imported files come from other tools and people, so the
 * reader is defensive: every record keeps its line, a quoted field may hold commas, doubled quotes
 * and line breaks, and a stray quote or an unterminated field is an error with line and column.
 */
import type { Problem } from '@keygrade/errors';

/** One record of a CSV text and the line it starts on (1-based). */
export interface CsvRow {
  line: number;
  cells: string[];
}

const needsQuotes = (s: string) => /[",\r\n]/.test(s) || s !== s.trim();

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection") get a leading apostrophe on
 * export, and so do cells already starting with one; `unguard` removes exactly one on import, so a
 * round trip gives back the same text.
 */
const FORMULA = /^[=+\-@\t\r']/;
const guard = (s: string) => (FORMULA.test(s) ? `'${s}` : s);
const unguard = (s: string) => (s.length > 1 && s[0] === "'" && FORMULA.test(s.slice(1)) ? s.slice(1) : s);

/** One field, guarded against formula injection and quoted when it has to be (RFC 4180 §2.6-2.7). */
export function csvField(value: string): string {
  const s = guard(value);
  return needsQuotes(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows, CRLF line ends (RFC 4180 §2.1). */
export function writeCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The records of a CSV text, or the syntax problems found. A UTF-8 byte-order mark is skipped. */
export function readCsv(text: string): { rows: CsvRow[]; problems: Problem[] } {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  const problems: Problem[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const advance = (c: string) => {
    i += 1;
    if (c === '\n') {
      line += 1;
      col = 1;
    } else col += 1;
  };
  while (i < s.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (s[i] === '"') {
        const at = { line, column: col };
        advance('"');
        let closed = false;
        while (i < s.length) {
          const c = s[i]!;
          if (c === '"' && s[i + 1] === '"') {
            cell += '"';
            advance(c);
            advance(c);
          } else if (c === '"') {
            advance(c);
            closed = true;
            break;
          } else {
            cell += c;
            advance(c);
          }
        }
        if (!closed) {
          problems.push({ ...at, message: 'a quoted field is never closed' });
          return { rows, problems };
        }
        if (i < s.length && !',\r\n'.includes(s[i]!)) {
          problems.push({ line, column: col, message: 'text after a closing quote (write a quote inside a quoted field as "")' });
          return { rows, problems };
        }
      } else {
        while (i < s.length && !',\r\n'.includes(s[i]!)) {
          if (s[i] === '"') {
            problems.push({ line, column: col, message: 'a quote inside an unquoted field (quote the whole field and double the quote)' });
            return { rows, problems };
          }
          cell += s[i];
          advance(s[i]!);
        }
      }
      cells.push(unguard(cell));
      if (s[i] === ',') {
        advance(',');
        continue;
      }
      break;
    }
    if (s[i] === '\r') advance('\r');
    if (s[i] === '\n') advance('\n');
    // A blank line (one empty cell) is no record.
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: start, cells });
  }
  return { rows, problems };
}
