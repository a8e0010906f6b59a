import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addInto, addNumber, fromBigInt, increment, maskTrailingBits, toBigInt } from './bytes.js';

describe('big-endian byte arithmetic (mod 2^(8·length))', () => {
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 111 });
  it('addInto equals BigInt addition modulo 2^n', () => {
    fc.assert(
      fc.property(bytes, fc.uint8Array({ maxLength: 111 }), (a, x) => {
        const x2 = x.subarray(0, a.length);
        const want = (toBigInt(a) + toBigInt(x2)) % 2n ** BigInt(8 * a.length);
        const acc = a.slice();
        addInto(acc, x2);
        assert.equal(toBigInt(acc), want);
      }),
    );
  });
  it('addNumber and increment equal BigInt addition modulo 2^n', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (a, n) => {
        const mod = 2n ** BigInt(8 * a.length);
        const acc = a.slice();
        addNumber(acc, n);
        assert.equal(toBigInt(acc), (toBigInt(a) + BigInt(n)) % mod);
        const inc = a.slice();
        increment(inc);
        assert.equal(toBigInt(inc), (toBigInt(a) + 1n) % mod);
      }),
    );
  });
  it('fromBigInt inverts toBigInt', () => {
    fc.assert(fc.property(bytes, (a) => assert.deepEqual(fromBigInt(toBigInt(a), a.length), a)));
  });
  it('maskTrailingBits keeps the leftmost bits', () => {
    const b = Uint8Array.from([0xff, 0xff]);
    maskTrailingBits(b, 11);
    assert.deepEqual([...b], [0xff, 0xe0]);
  });
});
