import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bitAt, bitsFromArray, bitsFromBytes, bitsFromHex, bitsFromText, bitsToString, complementBits, normalizeBits, sliceBits } from './bits.js';
import { Sp80022Error } from './errors.js';

const bitStrings = fc.array(fc.constantFrom('0', '1'), { maxLength: 300 }).map((a) => a.join(''));

describe('bit sequences', () => {
  it('reads bytes most significant bit first (sts-2.1.2 binary format)', () => {
    const s = bitsFromBytes(Uint8Array.from([0x80, 0x01, 0xff]));
    assert.equal(bitsToString(s), '100000000000000111111111');
    assert.equal(bitsToString(bitsFromBytes(Uint8Array.from([0xa5]), 4)), '1010');
  });
  it('text, hex, bytes and arrays agree (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const s = bitsFromBytes(bytes);
        const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
        assert.deepEqual(bitsFromHex(hex), s);
        assert.deepEqual(bitsFromText(bitsToString(s)), s);
        assert.deepEqual(bitsFromArray(Array.from(bitsToString(s), Number)), s);
      }),
    );
  });
  it('skips whitespace in text and hex', () => {
    assert.equal(bitsToString(bitsFromText(' 10\n 1\t1\r\n')), '1011');
    assert.equal(bitsToString(bitsFromHex('a 5\nF')), '101001011111');
  });
  it('names line and column of a bad character', () => {
    assert.throws(() => bitsFromText('0101\n01x1'), (e: unknown) => e instanceof Sp80022Error && e.code === 'SP80022_INVALID_BITS' && /line 2, column 3 \(character 7\): "x" is not a bit/.test(e.message));
    assert.throws(() => bitsFromHex('00 zz'), (e: unknown) => e instanceof Sp80022Error && /line 1, column 4/.test(e.message));
    assert.throws(() => bitsFromArray([0, 1, 2]), (e: unknown) => e instanceof Sp80022Error && e.code === 'SP80022_INVALID_BITS');
  });
  it('slices and complements bit for bit (property)', () => {
    fc.assert(
      fc.property(bitStrings, fc.nat(), fc.nat(), (str, x, y) => {
        const s = bitsFromText(str);
        const start = x % (str.length + 1);
        const len = y % (str.length - start + 1);
        assert.equal(bitsToString(sliceBits(s, start, len)), str.slice(start, start + len));
        assert.equal(bitsToString(complementBits(s)), Array.from(str, (c) => (c === '1' ? '0' : '1')).join(''));
        for (let i = 0; i < str.length; i++) assert.equal(bitAt(s, i), Number(str[i]));
      }),
    );
  });
  it('normalises hand-made sequences: clears bits past the length and adds the padding word', () => {
    const s = normalizeBits({ words: Uint32Array.from([0xffffffff]), length: 4 });
    assert.equal(bitsToString(s), '1111');
    assert.equal(s.words[0], 0xf0000000);
    assert.ok(s.words.length >= 2);
    assert.throws(() => normalizeBits({ words: new Uint32Array(1), length: 33 }), Sp80022Error);
  });
});
