import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openCatalog } from '../node/index.js';
import { CATALOG_JSON_SCHEMA, exportJson } from './json.js';

const catalog = openCatalog();

describe('exportJson', () => {
  for (const id of catalog.editionIds) {
    it(`${id}: schema tag first, parses back to the same edition`, () => {
      const edition = catalog.edition(id);
      const text = exportJson(edition);
      assert.ok(text.startsWith(`{\n  "schema": "${CATALOG_JSON_SCHEMA}",\n  "id": "${id}",`));
      const { schema, ...rest } = JSON.parse(text) as Record<string, unknown>;
      assert.equal(schema, CATALOG_JSON_SCHEMA);
      assert.deepEqual(rest, JSON.parse(JSON.stringify(edition)));
    });
  }

  it('is independent of the key order of its input', () => {
    const edition = catalog.edition('ccss-2021');
    const shuffled = JSON.parse(JSON.stringify(edition), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as typeof edition;
    assert.equal(exportJson(shuffled), exportJson(edition));
  });
});
