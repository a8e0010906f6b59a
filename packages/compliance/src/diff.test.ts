import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { diffEntries, diffLines } from './diff.js';

/** Length of a longest common subsequence, by plain recursion with a memo (a second implementation). */
function lcsLength(a: string[], b: string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const v = a[i] === b[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1));
    memo.set(key, v);
    return v;
  };
  return go(0, 0);
}

describe('entry diff', () => {
  it('a policy text change shows the lines removed and added, in place', () => {
    const before = 'Keys are generated offline.\nTwo people are present.\nThe room is checked.';
    const after = 'Keys are generated offline.\nThree people are present.\nThe room is checked.\nA video is kept.';
    assert.deepEqual(diffLines(before, after), [
      { op: '=', text: 'Keys are generated offline.' },
      { op: '-', text: 'Two people are present.' },
      { op: '+', text: 'Three people are present.' },
      { op: '=', text: 'The room is checked.' },
      { op: '+', text: 'A video is kept.' },
    ]);
  });

  it('fields by path: changed, added, removed, list items by index; equal versions have none', () => {
    const v1 = { id: 'POL-1', version: '1', owner: 'CISO', approval: { by: 'Board', on: '2026-01-05' }, nextReview: '2027-01-05', covers: ['ccss-v9:2.03.1.1'], text: 'a' };
    const v2 = { id: 'POL-1', version: '2', owner: 'CISO', approval: { by: 'Board', on: '2026-06-01' }, nextReview: '2027-06-01', covers: [], text: 'a', document: { sha256: 'f'.repeat(64) } };
    assert.deepEqual(diffEntries(v1, v2), [
      { path: 'version', before: '1', after: '2' },
      { path: 'approval.on', before: '2026-01-05', after: '2026-06-01' },
      { path: 'nextReview', before: '2027-01-05', after: '2027-06-01' },
      { path: 'covers.0', before: 'ccss-v9:2.03.1.1' },
      { path: 'document', after: { sha256: 'f'.repeat(64) } },
    ]);
    assert.deepEqual(diffEntries(v1, structuredClone(v1)), []);
  });

  it('the line diff rebuilds both texts and keeps a longest common subsequence (property)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const d = diffLines(a.join('\n'), b.join('\n'));
        assert.equal(d.filter((l) => l.op !== '+').map((l) => l.text).join('\n'), a.join('\n'));
        assert.equal(d.filter((l) => l.op !== '-').map((l) => l.text).join('\n'), b.join('\n'));
        assert.equal(d.filter((l) => l.op === '=').length, lcsLength(a.join('\n').split('\n'), b.join('\n').split('\n')));
      }),
      { numRuns: 500 },
    );
  });
});
