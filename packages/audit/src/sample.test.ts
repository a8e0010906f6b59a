import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { chiSquareCritical } from '@keygrade/randomness';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { AuditError, type AuditErrorCode } from './errors.js';
import { parsePopulation, type Population } from './population.js';
import { drawSample, summariseResults, verifySample } from './sample.js';
import { parseSeed, SampleRng, selectRandom, selectSystematic } from './select.js';

const fails = (code: AuditErrorCode) => (e: unknown) => e instanceof AuditError && e.code === code;
/** Deterministic 32-byte seeds for the tests. */
const seedOf = (label: string | number) => sha256(utf8ToBytes(`keygrade-audit-test:${label}`));

function population(n: number, shuffle = false): Population {
  const rows = Array.from({ length: n }, (_, i) => `ITEM-${String(i + 1).padStart(4, '0')},2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`);
  if (shuffle) rows.reverse();
  return parsePopulation(`id,date\n${rows.join('\n')}\n`);
}

/**
 * Pearson's statistic for item inclusion counts of `trials` samples of k from n without replacement,
 * scaled by (n-1)/(n(1-p)), p = k/n: the counts are then approximately χ²(n-1) (sampling without
 * replacement makes them negatively correlated, so the unscaled statistic would be too small).
 */
function inclusionStatistic(counts: number[], trials: number, k: number): number {
  const n = counts.length;
  const p = k / n;
  const e = trials * p;
  const pearson = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
  return (pearson * (n - 1)) / (n * (1 - p));
}
const plainChi2 = (counts: number[]) => {
  const e = counts.reduce((a, b) => a + b, 0) / counts.length;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
};

describe('drawSample', () => {
  const pop = population(40);
  it('is reproducible from the seed and changes with it', () => {
    const a = drawSample({ population: pop, frequency: 'occurrence', risk: 'low', method: 'random', seed: seedOf(1) });
    const b = drawSample({ population: pop, frequency: 'occurrence', risk: 'low', method: 'random', seed: seedOf(1) });
    const c = drawSample({ population: pop, frequency: 'occurrence', risk: 'low', method: 'random', seed: seedOf(2) });
    assert.equal(a.size.size, 10);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.selectionOrder, c.selectionOrder);
    assert.equal(new Set(a.selectionOrder).size, 10);
    assert.deepEqual(a.items.map((i) => i.position), [...a.items.map((i) => i.position)].sort((x, y) => x - y));
    assert.equal(a.seed, bytesToHex(seedOf(1)));
  });
  it('does not depend on the order of the rows in the file', () => {
    const reversed = population(40, true);
    for (const method of ['random', 'systematic'] as const) {
      const a = drawSample({ population: pop, frequency: 'occurrence', risk: 'high', method, seed: seedOf(3) });
      const b = drawSample({ population: reversed, frequency: 'occurrence', risk: 'high', method, seed: seedOf(3) });
      assert.deepEqual(a.selectionOrder, b.selectionOrder);
    }
  });
  it('matches the recorded known answer (a change of algorithm would break every recorded audit sample)', () => {
    const s = drawSample({ population: population(12), frequency: 'monthly', risk: 'high', method: 'random', seed: parseSeed('00'.repeat(31) + '01') });
    const t = drawSample({ population: population(12), frequency: 'monthly', risk: 'high', method: 'systematic', seed: parseSeed('00'.repeat(31) + '01') });
    assert.deepEqual({ random: s.selectionOrder, systematic: t.selectionOrder, start: t.systematic!.startNumerator }, KNOWN_ANSWER);
  });
  it('matches an independent implementation of the documented procedure', () => {
    for (const [i, n] of [[0, 12], [1, 40], [2, 300], [3, 1000]] as const) {
      const p = population(n);
      const seed = seedOf(`reference-${i}`);
      const s = drawSample({ population: p, frequency: 'occurrence', risk: 'low', method: 'random', seed });
      assert.deepEqual(s.selectionOrder, referenceRandomSample(seed, p, s.size.size), `vector ${i}`);
    }
  });
  it('systematic: fixed interval n/k from a random start', () => {
    const s = drawSample({ population: pop, frequency: 'occurrence', risk: 'low', method: 'systematic', seed: seedOf(4) });
    assert.equal(s.systematic!.interval, 4);
    const positions = s.items.map((i) => i.position - 1);
    assert.deepEqual(positions.slice(1).map((p, i) => p - positions[i]!), Array(9).fill(4));
    assert.equal(positions[0], s.systematic!.startNumerator / 10 | 0);
  });
  it('takes the whole population when the table asks for more items than there are', () => {
    const s = drawSample({ population: population(3), frequency: 'occurrence', risk: 'high', method: 'random', seed: seedOf(5) });
    assert.deepEqual(s.items.map((i) => i.id), ['ITEM-0001', 'ITEM-0002', 'ITEM-0003']);
    assert.equal(s.size.wholePopulation, true);
  });
  it('needs a seed for random and systematic selection, and refuses a short or non-hex seed', () => {
    assert.throws(() => drawSample({ population: pop, frequency: 'monthly', risk: 'low', method: 'random' }), fails('AUDIT_INVALID_SEED'));
    assert.throws(() => parseSeed('ab'.repeat(31)), fails('AUDIT_INVALID_SEED'));
    assert.throws(() => parseSeed('zz'.repeat(32)), fails('AUDIT_INVALID_SEED'));
    assert.equal(parseSeed(`0x${'AB'.repeat(32)}`).length, 32);
  });
  it('judgement selection: chosen ids with a rationale, matching the size', () => {
    const s = drawSample({ population: pop, frequency: 'quarterly', risk: 'low', method: 'judgement', judgement: { ids: ['ITEM-0030', 'ITEM-0002'], rationale: 'largest changes of the year' } });
    assert.deepEqual(s.items.map((i) => i.id), ['ITEM-0002', 'ITEM-0030']);
    assert.equal(s.seed, undefined);
    assert.throws(() => drawSample({ population: pop, frequency: 'quarterly', risk: 'low', method: 'judgement', judgement: { ids: ['ITEM-0030', 'ITEM-0002'], rationale: '' } }), fails('AUDIT_JUDGEMENT_INVALID'));
    try {
      drawSample({ population: pop, frequency: 'quarterly', risk: 'low', method: 'judgement', judgement: { ids: ['ITEM-0030', 'NOPE', 'ITEM-0030'], rationale: 'why' } });
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof AuditError);
      assert.deepEqual(e.problems.map((p) => p.path), ['ids.1', 'ids.2', 'ids']);
    }
  });
  it('verifySample re-derives the sample; another population or seed is detected', () => {
    const s = drawSample({ population: pop, frequency: 'occurrence', risk: 'low', method: 'random', seed: seedOf(6) });
    assert.deepEqual(verifySample(s, population(40, true)), []);
    assert.match(verifySample(s, population(41))[0]!, /not the same population/);
    assert.deepEqual(verifySample({ ...s, seed: bytesToHex(seedOf(7)) }, pop), ['the selected items differ from the recorded ones']);
    const j = drawSample({ population: pop, frequency: 'annual', risk: 'low', method: 'judgement', judgement: { ids: ['ITEM-0004'], rationale: 'year-end' } });
    assert.deepEqual(verifySample(j, pop), []);
  });
});

describe('selection properties', () => {
  it('k distinct positions below n, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.uint8Array({ minLength: 32, maxLength: 48 }), fc.boolean(), (n, k0, seed, systematic) => {
        const k = Math.min(k0, n);
        const draw = () => {
          const rng = new SampleRng(seed, seedOf('digest'), 'p');
          return systematic ? selectSystematic(n, k, rng).positions : selectRandom(n, k, rng);
        };
        const a = draw();
        return a.length === k && new Set(a).size === k && a.every((p) => Number.isInteger(p) && p >= 0 && p < n) && a.join() === draw().join();
      }),
      { numRuns: 200 },
    );
  });
});

describe('uniformity (χ², fixed seeds: deterministic, yet a biased selection would fail)', () => {
  const ALPHA = 0.001;
  it('rejection sampling draws every value below n equally often (no modulo bias)', () => {
    for (const n of [3, 6, 7, 200, 257]) {
      const rng = new SampleRng(seedOf(`below-${n}`), seedOf('digest'), 'test');
      const counts = new Array<number>(n).fill(0);
      const draws = n * 200;
      for (let i = 0; i < draws; i++) counts[rng.below(n)]! += 1;
      const stat = plainChi2(counts);
      assert.ok(stat < chiSquareCritical(n - 1, ALPHA), `n=${n}: χ² ${stat.toFixed(2)} ≥ critical ${chiSquareCritical(n - 1, ALPHA).toFixed(2)}`);
    }
  });
  it('simple random selection: each item is selected equally often', () => {
    const n = 20;
    const k = 5;
    const trials = 4000;
    const counts = new Array<number>(n).fill(0);
    const firstDraw = new Array<number>(n).fill(0);
    for (let t = 0; t < trials; t++) {
      const picked = selectRandom(n, k, new SampleRng(seedOf(`random-${t}`), seedOf('digest'), 'random'));
      for (const p of picked) counts[p]! += 1;
      firstDraw[picked[0]!]! += 1;
    }
    const stat = inclusionStatistic(counts, trials, k);
    assert.ok(stat < chiSquareCritical(n - 1, ALPHA), `inclusion χ² ${stat.toFixed(2)}`);
    assert.ok(plainChi2(firstDraw) < chiSquareCritical(n - 1, ALPHA), `first-draw χ² ${plainChi2(firstDraw).toFixed(2)}`);
  });
  it('systematic selection: the start is uniform, and every item lies on exactly k of the n starts', () => {
    const n = 23;
    const k = 5;
    const trials = 4600;
    const starts = new Array<number>(n).fill(0);
    for (let t = 0; t < trials; t++) starts[selectSystematic(n, k, new SampleRng(seedOf(`sys-${t}`), seedOf('digest'), 'systematic')).startNumerator]! += 1;
    assert.ok(plainChi2(starts) < chiSquareCritical(n - 1, ALPHA), `start χ² ${plainChi2(starts).toFixed(2)}`);
    // Exact: over the n equally likely starts, each position is covered k times, so P(selected) = k/n.
    const cover = new Array<number>(n).fill(0);
    const fixed = { below: (m: number) => m - 1 } as unknown as SampleRng;
    for (let r = 0; r < n; r++) {
      const rng = { below: () => r } as unknown as SampleRng;
      const s = selectSystematic(n, k, rng);
      assert.equal(new Set(s.positions).size, k);
      for (const p of s.positions) cover[p]! += 1;
    }
    assert.deepEqual(cover, new Array<number>(n).fill(k));
    assert.ok(selectSystematic(n, k, fixed).positions.every((p) => p < n));
  });
});

describe('summariseResults', () => {
  const s = drawSample({ population: population(12), frequency: 'monthly', risk: 'low', method: 'random', seed: seedOf(8) });
  const [a, b, c] = s.items.map((i) => i.id);
  it('counts ok items and exceptions, and lists untested items', () => {
    const r = summariseResults(s, [{ itemId: a!, outcome: 'ok' }, { itemId: b!, outcome: 'exception', note: ' approval missing ' }]);
    assert.deepEqual(r, { sampleSize: 3, tested: 2, ok: 1, exceptions: [{ itemId: b!, note: 'approval missing' }], untested: [c!], complete: false });
  });
  it('refuses results for items outside the sample, twice for one item, or an exception without a note', () => {
    try {
      summariseResults(s, [{ itemId: 'X', outcome: 'ok' }, { itemId: a!, outcome: 'ok' }, { itemId: a!, outcome: 'ok' }, { itemId: c!, outcome: 'exception' }]);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof AuditError && e.code === 'AUDIT_RESULTS_INVALID');
      assert.deepEqual(e.problems.map((p) => p.path), ['results.0.itemId', 'results.2.itemId', 'results.3.note']);
    }
  });
});

const KNOWN_ANSWER = {
  random: ['ITEM-0003', 'ITEM-0001', 'ITEM-0004', 'ITEM-0008', 'ITEM-0011', 'ITEM-0012'],
  systematic: ['ITEM-0002', 'ITEM-0004', 'ITEM-0006', 'ITEM-0008', 'ITEM-0010', 'ITEM-0012'],
  start: 7,
};

/**
 * An independent re-implementation of the documented procedure (select.ts header): HMAC_DRBG SHA-256
 * written from SP 800-90A rev1 §10.1.2 with noble's HMAC, 256-bit Generate requests, masked rejection
 * sampling and a partial Fisher–Yates shuffle. A reviewer with another tool follows the same steps.
 */
function referenceRandomSample(seed: Uint8Array, population: Population, k: number): string[] {
  const cat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  let key: Uint8Array = new Uint8Array(32);
  let v: Uint8Array = new Uint8Array(32).fill(1);
  const update = (data: Uint8Array) => {
    key = hmac(sha256, key, cat(v, new Uint8Array([0]), data));
    v = hmac(sha256, key, v);
    if (data.length === 0) return;
    key = hmac(sha256, key, cat(v, new Uint8Array([1]), data));
    v = hmac(sha256, key, v);
  };
  update(cat(seed, hexToBytes(population.digest), utf8ToBytes('keygrade/audit/sample/v1 random')));
  let block: Uint8Array = new Uint8Array(0);
  let off = 0;
  const byte = () => {
    if (off === block.length) {
      v = hmac(sha256, key, v);
      block = v;
      update(new Uint8Array(0));
      off = 0;
    }
    return block[off++]!;
  };
  const below = (n: number) => {
    if (n === 1) return 0;
    const bits = (n - 1).toString(2).length;
    const bytes = Math.ceil(bits / 8);
    for (;;) {
      let x = byte() & (0xff >> (bytes * 8 - bits));
      for (let i = 1; i < bytes; i++) x = x * 256 + byte();
      if (x < n) return x;
    }
  };
  const idx = population.items.map((_, i) => i);
  const out: string[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + below(idx.length - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    out.push(population.items[idx[i]!]!.id);
  }
  return out;
}
