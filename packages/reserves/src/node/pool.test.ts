import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { guidedRanges } from './pool.js';

test('guided job ranges cover the leaves once, shrink to one unit at the end, and keep unit boundaries', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), (count, unit, times, workers, lastAtLow) => {
      const most = unit * times;
      const r = guidedRanges(count, most, unit, workers, lastAtLow);
      // Contiguous, in ascending order, covering [0, count) exactly.
      assert.equal(r[0]![0], 0);
      assert.equal(r.at(-1)![1], count);
      for (let i = 1; i < r.length; i++) assert.equal(r[i]![0], r[i - 1]![1]);
      for (const [from, to] of r) assert.ok(to > from && to - from <= most);
      // In the order they are handed out, sizes never grow (the first one may be a remainder).
      const handed = lastAtLow ? [...r].reverse() : r;
      const sizes = handed.map(([from, to]) => to - from);
      const grows = sizes.findIndex((s, i) => i >= 2 && s > sizes[i - 1]!);
      assert.equal(grows, -1, 'a job handed out later is bigger');
      // The last job handed out is one unit (or all there is), and every job but the remainder is whole units.
      assert.equal(sizes.at(-1), Math.min(count, unit));
      for (const s of sizes.slice(1)) assert.equal(s % unit, 0);
      // Boundaries are whole units counted from the end where the small jobs are.
      for (const [from, to] of r) assert.equal(lastAtLow ? from % unit : (count - to) % unit, 0);
    }),
  );
});

test('guided job ranges: 10.5 M leaves in blocks of 8,192 on 2 workers', () => {
  const r = guidedRanges(10_485_760, 131_072, 8192, 2, true);
  const blocks = r.map(([from, to]) => (to - from) / 8192);
  // The lowest ranges are handed out last: single blocks, then growing to whole jobs of 16 blocks
  // (the highest, handed out first, is what is left over).
  assert.deepEqual(blocks.slice(0, 14), [1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12]);
  assert.ok(blocks.slice(14, -1).every((b) => b === 16));
  assert.ok(blocks.at(-1)! >= 1 && blocks.at(-1)! <= 16);
  assert.equal(r.length, 91);
  // With jobs no bigger than a unit, the ranges are the plain equal ones.
  assert.deepEqual(guidedRanges(1000, 100, 100, 2, true), Array.from({ length: 10 }, (_, i) => [100 * i, 100 * i + 100]));
});
