import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CanonicalJsonError, canonicalJson } from './jcs.js';

test('RFC 8785 §3.2.2 sample: member order and number forms', () => {
  // Figures from RFC 8785 section 3.2.2 (input) and 3.2.3 (expected output).
  const input = {
    // eslint-disable-next-line no-loss-of-precision -- the RFC sample is written with more digits than a double holds
    numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
    string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
    literals: [null, true, false],
  };
  assert.equal(
    canonicalJson(input),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

test('RFC 8785 §3.2.3 sorting by UTF-16 code units', () => {
  // Figures from RFC 8785 section 3.2.3: the property names sort as shown there.
  const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
  // JSON.parse would re-order integer-like keys, so compare positions in the text.
  const text = canonicalJson(input);
  const positions = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(JSON.stringify(k) + ':'));
  assert.deepEqual([...positions].sort((a, b) => a - b), positions);
});

test('refuses values without a canonical form, naming where', () => {
  assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), (e: unknown) => e instanceof CanonicalJsonError && e.path === 'a[1]');
  assert.throws(() => canonicalJson({ s: 'x\ud800' }), CanonicalJsonError);
  assert.throws(() => canonicalJson({ n: 1n }), CanonicalJsonError);
  assert.throws(() => canonicalJson(new Date(0)), CanonicalJsonError);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJson(cyclic), CanonicalJsonError);
});

test('property: canonical form parses back to the same value and is idempotent', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const c = canonicalJson(v);
      assert.deepEqual(JSON.parse(c), JSON.parse(JSON.stringify(v)));
      assert.equal(canonicalJson(JSON.parse(c)), c);
    }),
  );
});
