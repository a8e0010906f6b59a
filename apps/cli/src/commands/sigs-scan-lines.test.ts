import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LineSplitter } from '@keygrade/wallet';
import { tempDir, write } from '../test/harness.js';
import { readLines } from './sigs-scan-lines.js';

describe('readLines (sigs scan pass 1 reader)', () => {
  const text = 'a\nbb\r\nccc\rdd\r\n\r\n' + 'x'.repeat(40) + '\r\r\nlast\r';
  const dir = tempDir();
  const path = join(dir, write(dir, 'l.txt', text));
  const collect = (fn: (f: (b: Uint8Array, s: number, e: number, n: number, o: number) => void) => void) => {
    const got: string[] = [];
    fn((b, s, e, n, o) => got.push(`${n}:${Buffer.from(b.subarray(s, e)).toString()}@${o}`));
    return got;
  };
  const want = collect((f) => {
    const s = new LineSplitter();
    s.push(new TextEncoder().encode(text), f);
    s.end(f);
  });

  it('splits as LineSplitter does (LF, CRLF, lone CR, a last line without break) with any buffer size, growing for long lines', () => {
    assert.equal(want.length, 8);
    for (let chunk = 1; chunk <= text.length + 1; chunk++) {
      const fd = openSync(path, 'r');
      try {
        assert.deepEqual(collect((f) => assert.equal(readLines(fd, 0, Infinity, f, { chunk }), 8)), want, `chunk ${chunk}`);
      } finally {
        closeSync(fd);
      }
    }
  });

  it('reads a byte range with line numbers from its start and offsets in the file', () => {
    const fd = openSync(path, 'r');
    try {
      const from = text.indexOf('dd');
      const to = text.indexOf('x'); // just after the LF of the empty line
      assert.deepEqual(collect((f) => readLines(fd, from, to, f, { chunk: 3 })), [`1:dd@${from}`, `2:@${from + 4}`]);
    } finally {
      closeSync(fd);
    }
  });
});
