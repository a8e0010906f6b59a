import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatAmount, parseAmount, parseAmountInto, parseAssetList } from './amount.js';
import { ReservesError } from './errors.js';

const code = (c: string) => (e: unknown) => e instanceof ReservesError && e.code === c;

test('asset lists: order kept, decimals read, bad entries refused', () => {
  assert.deepEqual(parseAssetList('BTC:8, ETH:18,USDT:6'), [
    { symbol: 'BTC', decimals: 8 },
    { symbol: 'ETH', decimals: 18 },
    { symbol: 'USDT', decimals: 6 },
  ]);
  assert.throws(() => parseAssetList('BTC'), code('RESERVES_BAD_ASSETS'));
  assert.throws(() => parseAssetList('BTC:8,BTC:8'), code('RESERVES_BAD_ASSETS'));
  assert.throws(() => parseAssetList('BTC:39'), code('RESERVES_BAD_ASSETS'));
  assert.throws(() => parseAssetList('B/C:8'), code('RESERVES_BAD_ASSETS'));
  assert.throws(() => parseAssetList(''), code('RESERVES_BAD_ASSETS'));
});

test('amounts convert exactly to base units', () => {
  assert.equal(parseAmount('1.5', 8), 150_000_000n);
  assert.equal(parseAmount('0.00000001', 8), 1n);
  assert.equal(parseAmount('12', 0), 12n);
  assert.equal(parseAmount('', 8), 0n);
  assert.equal(parseAmount(' 7 ', 2), 700n);
  assert.equal(parseAmount('1.100000000000', 8), 110_000_000n, 'zeros past the decimals keep the value exact');
  assert.equal(parseAmount('000123.4500', 4), 1_234_500n);
  // 0.1 + 0.2 style traps: decimal text never goes through a float
  assert.equal(parseAmount('0.3', 18), 300_000_000_000_000_000n);
  assert.equal(parseAmount('9007199254740993', 0), 9_007_199_254_740_993n);
});

test('amounts at the u128 boundary', () => {
  const max = (1n << 128n) - 1n;
  assert.equal(parseAmount(max.toString(), 0), max);
  assert.throws(() => parseAmount((max + 1n).toString(), 0), code('RESERVES_OVERFLOW'));
  assert.throws(() => parseAmount('340282366920938463463.374607431768211456', 18), code('RESERVES_OVERFLOW'));
  assert.equal(parseAmount('340282366920938463463.374607431768211455', 18), max);
  assert.throws(() => parseAmount('1'.padEnd(60, '0'), 0), code('RESERVES_OVERFLOW'));
});

test('bad amounts are refused with their code', () => {
  assert.throws(() => parseAmount('-1', 8), code('RESERVES_NEGATIVE'));
  assert.throws(() => parseAmount('-0.5', 8), code('RESERVES_NEGATIVE'));
  assert.throws(() => parseAmount('1.123456789', 8), code('RESERVES_TOO_MANY_DECIMALS'));
  assert.throws(() => parseAmount('0.5', 0), code('RESERVES_TOO_MANY_DECIMALS'));
  for (const bad of ['1e5', '1,5', '.5', '5.', '0x10', 'NaN', '+1', '1 2', '١']) assert.throws(() => parseAmount(bad, 8), code('RESERVES_BAD_AMOUNT'), bad);
});

test('property: parseAmount agrees with BigInt arithmetic and formatAmount inverts it', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 38 }), (units, decimals) => {
      const text = formatAmount(units, decimals);
      assert.equal(parseAmount(text, decimals), units);
      const buf = new Uint8Array(20).fill(0xaa);
      assert.equal(parseAmountInto(text, decimals, buf, 2), undefined);
      assert.equal(buf[0], 0xaa, 'writes only its 16 bytes');
      assert.equal(buf[19], 0xaa);
    }),
    { numRuns: 2000 },
  );
});
