import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CatalogError } from '@keygrade/errors';
import { buildEdition } from './build-edition.js';
import { allRequirements, LANGS, type Text } from './model.js';
import { openCatalog, SHIPPED_EDITIONS_DIR } from './node/index.js';

const catalog = openCatalog();

function texts(id: string): Text[] {
  const e = catalog.edition(id);
  return [
    ...e.aspects.flatMap((a) => [a.title, a.summary, ...a.controls.flatMap((c) => [c.title, ...(c.uncertified ? [c.uncertified] : []), ...c.requirements.map((r) => r.text)])]),
    ...e.definitions.flatMap((d) => [d.term, d.text]),
    ...e.caveats.flatMap((c) => [c.title, c.text]),
  ];
}

describe('shipped editions', () => {
  for (const id of catalog.editionIds) {
    it(`${id}: every text is written (no placeholder) in every language the edition declares`, () => {
      const e = catalog.edition(id);
      for (const t of texts(id)) {
        for (const lang of e.languages) {
          const s = t[lang];
          assert.ok(s && s.trim().length > 0, `missing ${lang} in ${JSON.stringify(t)}`);
          assert.ok(!/\bTODO\b/.test(s), `placeholder left: ${JSON.stringify(t)}`);
        }
      }
    });
  }
  it('ccss-2020 is bilingual and its Chinese texts are Chinese', () => {
    const e = catalog.edition('ccss-2020');
    assert.deepEqual(e.languages, [...LANGS]);
    for (const r of allRequirements(e)) assert.match(r.text['zh-CN']!, /[\u4e00-\u9fff]/, r.id);
    assert.equal(e.definitions.length, 19);
    assert.deepEqual(e.caveats.map((c) => c.id).sort(), ['dust', 'fork', 'reorgs']);
  });
  it('requirement ids of component-style editions are <component>.L<level>', () => {
    for (const id of ['ccss-2020', 'ccss-2021']) for (const r of allRequirements(catalog.edition(id))) assert.equal(r.id, `${r.controlId}.L${r.level}`);
  });
});

describe('catalog validation errors name file and path', () => {
  const dir = join(SHIPPED_EDITIONS_DIR, 'ccss-2021');
  const files = () =>
    [['edition.yaml'], ...readdirSync(join(dir, 'aspects')).map((f) => ['aspects', f])].map((p) => ({ path: p.join('/'), text: readFileSync(join(dir, ...p), 'utf8') }));

  it('reports a bad level key with file, line and field path', () => {
    const broken = files().map((f) => (f.path === 'aspects/1.05.yaml' ? { ...f, text: f.text.replace(/\n {6}3:\n/, '\n      4:\n') } : f));
    const err = (() => {
      try {
        buildEdition(broken);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof CatalogError);
    assert.equal(err.code, 'CATALOG_INVALID');
    const p = err.problems.find((x) => x.file === 'aspects/1.05.yaml');
    assert.ok(p, err.describe());
    assert.ok(p.line! > 1);
    assert.match(p.path!, /^controls\[\d+\]\.levels/);
  });
  it('reports duplicate ids, controls outside their aspect, and missing languages', () => {
    const broken = files().map((f) => (f.path === 'aspects/1.02.yaml' ? { ...f, text: f.text.replace('id: "1.2.2"', 'id: "1.2.1"').replace('id: "1.2.3"', 'id: "1.3.3"') } : f));
    assert.throws(
      () => buildEdition(broken),
      (e: unknown) => e instanceof CatalogError && /already used/.test(e.describe()) && /does not belong to aspect 1\.02/.test(e.describe()),
    );
    const zh = files().map((f) => (f.path === 'edition.yaml' ? { ...f, text: f.text.replace('languages: [en]', 'languages: [en, zh-CN]') } : f));
    assert.throws(() => buildEdition(zh), (e: unknown) => e instanceof CatalogError && /missing zh-CN text/.test(e.describe()));
  });
  it('reports YAML syntax errors with their line', () => {
    assert.throws(
      () => buildEdition([{ path: 'edition.yaml', text: 'id: ccss-x\nname: [unclosed\n' }]),
      (e: unknown) => e instanceof CatalogError && e.problems.length > 0 && e.problems[0]!.line !== undefined,
    );
  });
});
