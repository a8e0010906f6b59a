/**
 * A small RFC 4180 CSV reader for populations. The file comes from the auditee's systems, so it is
 * parsed defensively: every record keeps the line it starts on, quoted fields may hold commas,
 * quotes ("") and line breaks, and a quote inside an unquoted field or an unterminated quoted field
 * is an error naming the line, never a guess.
 */
import type { Problem } from '@keygrade/errors';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

/** Records of a CSV text, or the syntax problems found (each with its line and column). */
export function readCsv(text: string): { records: CsvRecord[]; problems: Problem[] } {
  const records: CsvRecord[] = [];
  const problems: Problem[] = [];
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  let column = 1;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    let broken = false;
    for (;;) {
      let field = '';
      if (s[i] === '"') {
        const openLine = line;
        const openColumn = column;
        i += 1;
        column += 1;
        let closed = false;
        while (i < s.length) {
          const c = s[i]!;
          if (c === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              column += 2;
              continue;
            }
            i += 1;
            column += 1;
            closed = true;
            break;
          }
          if (c === '\n') {
            line += 1;
            column = 1;
          } else column += 1;
          field += c;
          i += 1;
        }
        if (!closed) {
          problems.push({ line: openLine, column: openColumn, message: 'a quoted field is never closed' });
          return { records, problems };
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          problems.push({ line, column, message: 'unexpected text after a closing quote (write a quote inside a quoted field as "")' });
          broken = true;
        }
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          if (s[i] === '"' && !broken) {
            problems.push({ line, column, message: 'a quote inside an unquoted field (quote the whole field and double the quote)' });
            broken = true;
          }
          field += s[i];
          i += 1;
          column += 1;
        }
      }
      // Skip to the end of a broken field so the next record still starts on its own line.
      while (broken && i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
        i += 1;
        column += 1;
      }
      fields.push(field);
      if (s[i] === ',') {
        i += 1;
        column += 1;
        continue;
      }
      break;
    }
    if (s[i] === '\r') i += 1;
    if (s[i] === '\n') i += 1;
    line += 1;
    column = 1;
    if (!broken) records.push({ line: start, fields });
  }
  return { records, problems };
}
