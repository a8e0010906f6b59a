import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RevisionCache } from './revision-cache.js';

test('a value is returned only for the revision it was computed at', () => {
  const c = new RevisionCache<string>(3);
  c.set('a', 1, 'a@1');
  assert.equal(c.get('a', 1), 'a@1');
  assert.equal(c.get('a', 2), undefined);
  c.set('a', 2, 'a@2');
  assert.equal(c.get('a', 1), undefined);
  assert.equal(c.get('a', 2), 'a@2');
});

test('property: never more than max entries; the least recently used goes first', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.nat(3)), { maxLength: 60 }), (ops) => {
      const c = new RevisionCache<number>(3);
      const model: [string, number][] = [];
      for (const [key, rev] of ops) {
        const hit = c.get(key, rev);
        const i = model.findIndex(([k]) => k === key);
        assert.equal(hit !== undefined, i >= 0 && model[i]![1] === rev);
        if (hit !== undefined) model.push(model.splice(i, 1)[0]!);
        else {
          c.set(key, rev, rev);
          if (i >= 0) model.splice(i, 1);
          else if (model.length === 3) model.shift();
          model.push([key, rev]);
        }
        assert.ok(c.size <= 3);
      }
    }),
  );
});
