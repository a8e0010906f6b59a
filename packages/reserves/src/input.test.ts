import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountTable } from './accounts.js';
import { readU128 } from './bytes.js';
import { ReservesError } from './errors.js';
import { accountsReader, formatOf, splitCsv, type AccountsFormat } from './input.js';
import { ASSETS } from './test-util.js';

function read(format: AccountsFormat, text: string): AccountTable {
  const t = new AccountTable(ASSETS);
  const r = accountsReader(format, t, `in.${format}`);
  text.split('\n').forEach((l, i) => r.line(l, i + 1));
  r.finish();
  return t;
}

function fails(format: AccountsFormat, text: string, code: string, where: RegExp): void {
  assert.throws(
    () => read(format, text),
    (e: unknown) => e instanceof ReservesError && e.code === code && where.test(e.message),
    `${code} ${where}`,
  );
}

test('CSV: header names the asset columns in any order; missing columns and empty fields are 0', () => {
  const t = read('csv', '\ufeffid,ETH,BTC\r\nalice,0.25,1.5\r\n\r\n"bob, jr",,2\n');
  assert.equal(t.count, 2);
  assert.equal(t.id(1), 'bob, jr');
  assert.equal(readU128(t.balances(0), 0), 150_000_000n);
  assert.equal(readU128(t.balances(0), 16), 250_000_000_000_000_000n);
  assert.equal(readU128(t.balances(1), 16), 0n);
  const only = read('csv', 'id,BTC\ncarol,3\n');
  assert.equal(readU128(only.balances(0), 16), 0n);
});

test('CSV: every bad row stops the read with file and line', () => {
  fails('csv', 'id,BTC,DOGE\na,1,1\n', 'RESERVES_UNKNOWN_ASSET', /^in\.csv:1: column 3 "DOGE"/);
  fails('csv', 'id,BTC,BTC\n', 'RESERVES_BAD_ROW', /in\.csv:1: column "BTC" appears twice/);
  fails('csv', 'id,BTC\na,1\nb,abc\n', 'RESERVES_BAD_AMOUNT', /^in\.csv:3: BTC: "abc" is not a decimal amount/);
  fails('csv', 'id,BTC\na,1\nb,-2\n', 'RESERVES_NEGATIVE', /^in\.csv:3: BTC: negative amount -2/);
  fails('csv', 'id,BTC\na,0.000000001\n', 'RESERVES_TOO_MANY_DECIMALS', /^in\.csv:2: BTC: 0\.000000001 has more than 8 decimals/);
  fails('csv', 'id,BTC\na,1\n\nb,2\na,3\n', 'RESERVES_DUPLICATE_ID', /^in\.csv:5: duplicate user id "a" \(first on line 2\)/);
  fails('csv', 'id,BTC\na,1,2\n', 'RESERVES_BAD_ROW', /^in\.csv:2: expected 2 fields/);
  fails('csv', 'id,BTC\n"a,1\n', 'RESERVES_BAD_ROW', /^in\.csv:2: a quoted field is not closed/);
  fails('csv', 'id,BTC\n,1\n', 'RESERVES_BAD_ID', /^in\.csv:2: the user id is empty/);
  fails('csv', 'id,BTC\n', 'RESERVES_NO_ACCOUNTS', /holds no account/);
  fails('csv', '', 'RESERVES_NO_ACCOUNTS', /not even a header/);
  fails('csv', `id,BTC\na,${1n << 128n}\n`, 'RESERVES_OVERFLOW', /^in\.csv:2: BTC: .* too large/);
});

test('NDJSON: amounts are strings, keys are assets', () => {
  const t = read('ndjson', '{"id":"alice","balances":{"ETH":"1","BTC":"0.1"}}\n\n{"id":"bob","balances":{}}');
  assert.equal(t.count, 2);
  assert.equal(readU128(t.balances(0), 0), 10_000_000n);
  fails('ndjson', '{"id":"a","balances":{"BTC":1.5}}', 'RESERVES_BAD_AMOUNT', /^in\.ndjson:1: balances\.BTC: write the amount as a string/);
  fails('ndjson', '{"id":"a","balances":{"XRP":"1"}}', 'RESERVES_UNKNOWN_ASSET', /^in\.ndjson:1: balances\.XRP/);
  fails('ndjson', '{"id":"a","balances":{}}\n{"id":"a","balances":{}}', 'RESERVES_DUPLICATE_ID', /^in\.ndjson:2: duplicate user id "a" \(first on line 1\)/);
  fails('ndjson', '{"id":"a","balances":{},"x":1}', 'RESERVES_BAD_ROW', /unknown field "x"/);
  fails('ndjson', '{"id":"a"', 'RESERVES_BAD_ROW', /^in\.ndjson:1: not JSON/);
  fails('ndjson', '{"id":7,"balances":{}}', 'RESERVES_BAD_ID', /id must be a string/);
  fails('ndjson', '{"id":"a","balances":{"ETH":"-1"}}', 'RESERVES_NEGATIVE', /^in\.ndjson:1: balances\.ETH: negative/);
});

test('user ids: control characters and lone surrogates are refused; ids compare by bytes', () => {
  fails('csv', 'id,BTC\na\tb,1\n', 'RESERVES_BAD_ID', /control character/);
  fails('ndjson', '{"id":"a\\ud800","balances":{}}', 'RESERVES_BAD_ID', /lone surrogate/);
  const t = read('csv', 'id,BTC\nÉmile,1\nE\u0301mile,2\n');
  assert.equal(t.count, 2, 'different Unicode spellings are different ids (no normalization)');
  assert.equal(t.find('Émile'), 0);
  assert.equal(t.find('nobody'), -1);
});

test('CSV splitting and format detection', () => {
  assert.deepEqual(splitCsv('a,"b ""q"", c",d'), ['a', 'b "q", c', 'd']);
  assert.deepEqual(splitCsv('"",x'), ['', 'x']);
  assert.equal(typeof splitCsv('a"b,c'), 'string');
  assert.equal(typeof splitCsv('"a"b,c'), 'string');
  assert.equal(formatOf('x.CSV'), 'csv');
  assert.equal(formatOf('x.jsonl'), 'ndjson');
  assert.equal(formatOf('x.txt'), undefined);
});

test('duplicate detection scales past the table growth', () => {
  const t = new AccountTable(ASSETS);
  const zero = new Uint8Array(32);
  for (let i = 0; i < 50_000; i++) t.add(`user-${i}`, zero, { line: i + 1 });
  assert.throws(() => t.add('user-31337', zero, { line: 50_001 }), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_DUPLICATE_ID' && /first on line 31338/.test(e.message));
  assert.equal(t.find('user-49999'), 49_999);
});
