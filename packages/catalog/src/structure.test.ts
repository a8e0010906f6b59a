import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allControls, allRequirements, pick } from './model.js';
import { openCatalog } from './node/index.js';
import { readComponentReference, readV9Reference, referenceDir } from './test/reference.js';

const catalog = openCatalog();
const ref = referenceDir();

// Counts from SCORING.md and the reference data, written down so they hold even without the reference folder.
const EXPECTED = {
  'ccss-2020': { aspects: 10, controls: 35, requirements: 81, byLevel: [19, 27, 35] },
  'ccss-2021': { aspects: 10, controls: 37, requirements: 90, byLevel: [23, 30, 37] },
  'ccss-v9': { aspects: 10, controls: 41, requirements: 59, byLevel: [30, 18, 11] },
} as const;

describe('edition counts (embedded figures)', () => {
  for (const [id, want] of Object.entries(EXPECTED)) {
    it(`${id} has ${want.aspects} aspects, ${want.controls} controls, ${want.requirements} requirements`, () => {
      const e = catalog.edition(id);
      assert.equal(e.aspects.length, want.aspects);
      assert.equal(allControls(e).length, want.controls);
      const reqs = allRequirements(e);
      assert.equal(reqs.length, want.requirements);
      assert.deepEqual([1, 2, 3].map((l) => reqs.filter((r) => r.level === l).length), [...want.byLevel]);
    });
  }
});

describe('structure matches the open CCSS reference data', { skip: ref.dir ? false : `skipped: ${ref.reason}` }, () => {
  for (const id of ['ccss-2020', 'ccss-2021'] as const) {
    it(`${id}: aspect and component ids, titles and level cells`, () => {
      const want = readComponentReference(ref.dir!, id);
      const got = catalog.edition(id);
      assert.deepEqual(
        got.aspects.map((a) => ({
          id: a.id,
          title: pick(a.title),
          controls: a.controls.map((c) => ({ id: c.id, title: pick(c.title), levels: c.requirements.map((r) => r.level), uncertified: c.uncertified !== undefined })),
        })),
        want,
      );
    });
  }
  it('ccss-v9: aspect, control and requirement ids, titles and levels', () => {
    const want = readV9Reference(ref.dir!);
    const got = catalog.edition('ccss-v9');
    assert.deepEqual(
      got.aspects.map((a) => ({
        id: a.id,
        title: pick(a.title),
        controls: a.controls.map((c) => ({ id: c.id, title: pick(c.title), requirements: c.requirements.map((r) => ({ id: r.id, level: r.level })) })),
      })),
      want.aspects,
    );
  });
});
