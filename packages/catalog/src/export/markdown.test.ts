import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allControls, allRequirements } from '../model.js';
import { openCatalog } from '../node/index.js';
import { exportMarkdown, markdownCell } from './markdown.js';

const catalog = openCatalog();

/** Lines of the GFM tables: they start with a pipe. */
function tableLines(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('|'));
}

/** Splits a table row on unescaped pipes (GFM §4.10). */
function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('markdownCell', () => {
  it('escapes pipes and turns every line break into <br>', () => {
    assert.equal(markdownCell('a|b\nc\r\nd\re'), 'a\\|b<br>c<br>d<br>e');
  });
});

describe('exportMarkdown', () => {
  for (const id of catalog.editionIds) {
    for (const lang of ['en', 'zh-CN'] as const) {
      it(`${id} (${lang}): every requirement id appears, tables are well formed`, () => {
        const edition = catalog.edition(id);
        const md = exportMarkdown(edition, lang);
        for (const r of allRequirements(edition)) assert.ok(md.includes(`**${r.id}**`), `requirement ${r.id}`);
        assert.ok(md.startsWith(`# ${edition.name}\n`));
        const lines = tableLines(md);
        const width = edition.style === 'component' ? 6 : 5;
        // header + separator per aspect, then one row per control; a raw newline in a cell would break the count.
        assert.equal(lines.length, 2 * edition.aspects.length + allControls(edition).length);
        for (const line of lines) {
          assert.ok(line.endsWith('|'), line);
          assert.equal(cells(line).length, width, line);
        }
      });
    }
  }

  it('escapes pipes and newlines inside cells', () => {
    const edition = structuredClone(catalog.edition('ccss-2021'));
    const control = edition.aspects[0]!.controls[0]!;
    control.title = { en: 'a | b' };
    control.requirements[0]!.text = { en: 'line one\nline two | more' };
    const md = exportMarkdown(edition);
    const row = tableLines(md).find((l) => l.includes(`| ${control.id} |`))!;
    assert.ok(row.includes('a \\| b'));
    assert.ok(row.includes('line one<br>line two \\| more'));
    assert.equal(cells(row).length, 6);
  });

  it('writes definitions and caveats sections when the edition has them', () => {
    const md = exportMarkdown(catalog.edition('ccss-2021'));
    assert.match(md, /\n## Definitions\n/);
    assert.match(md, /\n## Caveats\n/);
  });
});
