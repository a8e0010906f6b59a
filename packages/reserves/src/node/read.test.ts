import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { AccountTable } from '../accounts.js';
import { ReservesError } from '../errors.js';
import type { AccountsFormat } from '../input.js';
import { ASSETS } from '../test-util.js';
import { readAccountsFile } from './read.js';

const dir = mkdtempSync(join(tmpdir(), 'kg-read-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function write(content: string | Uint8Array): string {
  const path = join(dir, `accounts-${files++}`);
  writeFileSync(path, content);
  return path;
}

/** Reads `path` on this thread and on two workers in pieces of `piece` bytes: the table or the error, for each. */
async function both(path: string, format: AccountsFormat, piece = 1024): Promise<[AccountTable | string, AccountTable | string]> {
  const run = async (workers: number): Promise<AccountTable | string> => {
    const table = new AccountTable(ASSETS, { shared: true });
    try {
      await readAccountsFile(path, format, table, { file: 'accounts.csv', workers, pieceBytes: piece });
      return table;
    } catch (e) {
      if (!(e instanceof ReservesError)) throw e;
      return `${e.code} ${e.message}`;
    }
  };
  return [await run(0), await run(2)];
}

function sameTable(a: AccountTable, b: AccountTable): void {
  assert.equal(b.count, a.count);
  for (let i = 0; i < a.count; i++) {
    assert.equal(b.id(i), a.id(i), `account ${i}`);
    assert.deepEqual(b.balances(i), a.balances(i), `balances of ${a.id(i)}`);
  }
}

const row = (i: number): string => {
  const id = i % 7 === 0 ? `"quoted, ${i}"` : i % 11 === 0 ? `ü-${i}-東京` : `user-${i}`;
  return `${id},${i % 100}.${String(i % 1e8).padStart(8, '0')},${i}.5${i % 13 === 0 ? '\r' : ''}`;
};

function csv(n: number, edit: (lines: string[]) => void = () => {}): string {
  const lines = ['\ufeff', '', 'id,BTC,ETH', ...Array.from({ length: n }, (_, i) => row(i))];
  lines.splice(100, 0, '', '   ');
  edit(lines);
  return lines.join('\n') + '\n';
}

test('workers read the same table as one thread: header after blank lines, byte-order mark, CRLF, quotes, UTF-8 ids, no final line break', async () => {
  for (const text of [csv(3000), csv(3000).slice(0, -1), csv(10)]) {
    const [a, b] = await both(write(text), 'csv');
    assert.ok(a instanceof AccountTable && b instanceof AccountTable, `${typeof a === 'string' ? a : 'table'} / ${typeof b === 'string' ? b : 'table'}`);
    sameTable(a, b);
  }
  const nd = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `n-${i}-é`, balances: { BTC: `${i}.1`, ETH: String(i) } })).join('\n');
  const [a, b] = await both(write('\ufeff' + nd + '\n\n'), 'ndjson');
  assert.ok(a instanceof AccountTable && b instanceof AccountTable, `${typeof a === 'string' ? a : 'table'} / ${typeof b === 'string' ? b : 'table'}`);
  sameTable(a, b);
});

test('property: any bad row anywhere gives the same first error, with the same file line, on workers as on one thread', async () => {
  const faults: ((lines: string[], at: number) => void)[] = [
    (l, at) => (l[at] = 'bad,1.123456789,0'), // too many decimals
    (l, at) => (l[at] = 'x,1'), // field count
    (l, at) => (l[at] = `${l[at]!.split(',')[0]},1,2`), // the id of that row again on the next line (below)
    (l, at) => (l[at] = 'user-5,1,2'), // duplicate of an early id
    (l, at) => (l[at] = 'a\u0001b,1,2'), // control character
    (l, at) => (l[at] = `${'x'.repeat(1100)},1,2`), // too long
    (l, at) => (l[at] = 'q"uote,1,2'), // broken quoting
    (l, at) => (l[at] = ',1,2'), // empty id
  ];
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: faults.length - 1 }), fc.integer({ min: 3, max: 1500 })), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1024, max: 9000 }), async (edits, piece) => {
      const text = csv(1500, (lines) => {
        for (const [f, at] of edits) {
          faults[f]!(lines, at);
          if (f === 2) lines.splice(at + 1, 0, lines[at]!);
        }
      });
      const [a, b] = await both(write(text), 'csv', piece);
      if (typeof a === 'string') assert.equal(b, a);
      else {
        assert.ok(b instanceof AccountTable, String(b));
        sameTable(a, b);
      }
    }),
    { numRuns: 40 },
  );
});

test('invalid UTF-8 and a duplicate id are reported at the first of them in the file, with both lines of a duplicate', async () => {
  const text = Buffer.from(csv(2000, (l) => (l[1500] = 'user-20,1,1')));
  const bad = Buffer.concat([text, Buffer.from([0xff, 0x2c, 0x31, 0x0a])]);
  const [a, b] = await both(write(bad), 'csv');
  assert.equal(b, a);
  assert.match(String(a), /^RESERVES_DUPLICATE_ID accounts\.csv:1501: duplicate user id "user-20" \(first on line 24\)/);
  const late = Buffer.from(csv(2000));
  const broken = Buffer.concat([late.subarray(0, 30_000), Buffer.from([0xc3]), late.subarray(30_000)]);
  const [c, d] = await both(write(broken), 'csv');
  assert.equal(d, c);
  assert.match(String(c), /^RESERVES_BAD_ROW accounts\.csv:\d+: not valid UTF-8 text$/);
  const [e, f] = await both(write('\n\n'), 'csv');
  assert.equal(f, e);
  assert.match(String(e), /RESERVES_NO_ACCOUNTS/);
});

test('addEncoded refuses ranges outside its buffers instead of storing short balances', () => {
  const t = new AccountTable(ASSETS);
  const id = new TextEncoder().encode('alice');
  assert.throws(() => t.addEncoded(id, 0, 5, new Uint8Array(16), 0), /balance bytes/);
  assert.throws(() => t.addEncoded(id, 0, 6, new Uint8Array(32), 0), /checked id/);
  assert.throws(() => t.addEncoded(id, 0, 5, new Uint8Array(40), 10), /balance bytes/);
  t.addEncoded(id, 0, 5, new Uint8Array(40).fill(1), 8);
  assert.equal(t.id(0), 'alice');
  assert.deepEqual(t.balances(0), new Uint8Array(32).fill(1));
  assert.throws(() => t.addEncoded(id, 0, 5, new Uint8Array(32), 0, { line: 9 }), /9: duplicate user id "alice"/);
});
