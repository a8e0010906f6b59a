import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from './markdown.js';
import { escapeMarkdown } from './text-util.js';
import { workedExampleModel } from './test-fixtures.js';

describe('renderMarkdown', () => {
  const md = renderMarkdown(workedExampleModel());

  it('has the scorecard as a table of check marks', () => {
    assert.match(md, /^\| Aspect \| Level I \| Level II \| Level III \| Level \|$/m);
    assert.ok(md.includes('\n| 1.01 Key / Seed Generation | ✓ |   |   | I |\n'));
    assert.match(md, /^\| 1\.02 Wallet Creation \| ✓ \| ✓ \| ✓ \| III \|$/m);
    assert.equal((md.match(/ ✓ /g) ?? []).length, 19);
    assert.match(md, /^\*\*System level: Level I\*\*$/m);
  });

  it('has the summary, narrative, gaps, evidence and disclaimer', () => {
    assert.match(md, /^# CCSS self-assessment report: Acme Custody Ltd — Cold Vault$/m);
    assert.match(md, /^## Gaps to Level II$/m);
    assert.match(md, /^\| `1\.1\.1\.L2` \| II \| /m);
    assert.match(md, /^### 1\.01 Key \/ Seed Generation \(Level I\)$/m);
    assert.match(md, /^\| 1\.1\.1\.L1 \| evidence\/key ceremony\.pdf \(Ceremony transcript\) \| `a{64}` \| not checked \|$/m);
    assert.match(md, /not a CCSS certification/);
  });

  it('escapes user text: no raw HTML, no links, no table breakage', () => {
    assert.ok(!md.includes('<script>'));
    assert.ok(md.includes('&lt;script>alert(1)&lt;/script> & "quoted" \\| \\*not bold\\* \\[link\\](javascript:alert(1))'));
    assert.match(md, /No keyholder role exists for \\\| this system/);
  });

  it('escapeMarkdown neutralises block syntax at line starts and keeps line breaks', () => {
    assert.equal(escapeMarkdown('# title\n- item\n1. one', 'block'), '\\# title  \n\\- item  \n1\\. one');
    assert.equal(escapeMarkdown('# not a heading here\n# but here'), '# not a heading here  \n\\# but here');
    assert.equal(escapeMarkdown('a|b\nc', 'table'), 'a\\|b<br>c');
    assert.equal(escapeMarkdown('R&D &amp; <b>'), 'R&D &amp;amp; &lt;b>');
  });
});
