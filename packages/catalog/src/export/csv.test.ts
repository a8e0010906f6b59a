import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allRequirements } from '../model.js';
import { openCatalog } from '../node/index.js';
import { CSV_HEADER, csvRow, exportCsv } from './csv.js';

/** A strict RFC 4180 parser for the tests: records separated by CRLF, optional final CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const j = text.indexOf('"', i);
        if (j < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, j);
        i = j + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        field += text[i++];
      }
    }
    fields.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    records.push(fields);
    fields = [];
    if (i === text.length) return records;
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`expected CRLF at ${i}`);
    i += 2;
    if (i === text.length) return records;
  }
}

describe('csvRow', () => {
  it('quotes only the fields that need it and doubles quotes', () => {
    assert.equal(csvRow(['a', 'b,c', 'say "hi"', 'x\r\ny', '']), 'a,"b,c","say ""hi""","x\r\ny",');
  });

  it('round-trips any fields through an RFC 4180 parser', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\r', '\n', '级', '|') });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (fields) => {
        assert.deepEqual(parseCsv(`${csvRow(fields)}\r\n`), [fields]);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips fields with arbitrary unicode', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), (fields) => {
        assert.deepEqual(parseCsv(csvRow(fields)), [fields]);
      }),
    );
  });
});

describe('exportCsv', () => {
  const catalog = openCatalog();

  it('ccss-2021: header + 90 requirement rows, CRLF line breaks', () => {
    const edition = catalog.edition('ccss-2021');
    const text = exportCsv(edition);
    assert.ok(text.endsWith('\r\n'));
    const rows = parseCsv(text);
    assert.equal(rows.length, 1 + 90);
    assert.deepEqual(rows[0], [...CSV_HEADER]);
    assert.deepEqual(
      rows.slice(1).map((r) => r[6]),
      allRequirements(edition).map((r) => r.id),
    );
    for (const [i, r] of rows.entries()) assert.equal(r.length, CSV_HEADER.length, `row ${i}`);
  });

  for (const id of ['ccss-2020', 'ccss-v9']) {
    it(`${id}: one row per requirement with its level`, () => {
      const edition = catalog.edition(id);
      const rows = parseCsv(exportCsv(edition)).slice(1);
      assert.deepEqual(
        rows.map((r) => [r[0], r[6], r[7]]),
        allRequirements(edition).map((r) => [id, r.id, String(r.level)]),
      );
    });
  }
});
