import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keygrade, tempDir, write } from '../test/harness.js';

/** Deterministic pseudo-random bytes (SHA-256 in counter mode). */
function bytes(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0, off = 0; off < n; i++) off += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, off);
  return out;
}

interface JsonTest {
  test: string;
  labels: string[];
  pValues: (number | null)[][];
  notApplicable: { stream: number; code: string; reason: string }[];
  pass: boolean;
  rows: { label: string; passed: number; sampleSize: number; histogram: number[]; uniformity: number | null }[];
}
interface JsonReport {
  streams: number;
  length: number;
  pass: boolean;
  tests: JsonTest[];
}

const vectors = process.env.KEYGRADE_VECTORS_DIR ? join(process.env.KEYGRADE_VECTORS_DIR, 'sp800-22') : undefined;
const haveVectors = vectors !== undefined && existsSync(join(vectors, 'data.sha1'));

describe('keygrade rng test', () => {
  it('has help with examples', async () => {
    const r = await keygrade(['rng', 'test', '--help'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ keygrade rng test/);
    assert.match(r.stdout, /--streams/);
  });
  it('reproduces the Appendix B SHA-1 column from data.sha1, random excursions not applicable', { skip: haveVectors ? false : 'KEYGRADE_VECTORS_DIR not set: skipping the data.sha1 run' }, async () => {
    const dir = tempDir();
    copyFileSync(join(vectors!, 'data.sha1'), join(dir, 'sha1.bin'));
    const r = await keygrade(['rng', 'test', 'sha1.bin', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as JsonReport;
    assert.equal(j.length, 1000000);
    const p = (test: string, label = 'p') => {
      const t = j.tests.find((x) => x.test === test)!;
      return t.pValues[0]![t.labels.indexOf(label)]!;
    };
    assert.ok(Math.abs(p('frequency') - 0.604458) < 1e-6);
    assert.ok(Math.abs(p('linear-complexity') - 0.309412) < 1e-6);
    assert.ok(Math.abs(p('non-overlapping-template', '000000001') - 0.496601) < 1e-6);
    const re = j.tests.find((x) => x.test === 'random-excursions')!;
    assert.deepEqual(re.pValues[0], [null, null, null, null, null, null, null, null]);
    assert.equal(re.notApplicable[0]!.code, 'INSUFFICIENT_CYCLES');
  });
  it('one stream: a table, the histogram and PASS (exit 0)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.bin'), bytes(50000, 'one'));
    const r = await keygrade(['rng', 'test', 'r.bin'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /1 stream × 400,000 bits \(binary\)/);
    assert.match(r.stdout, /\n {3}1 {2}frequency +0\.\d{6} +pass/);
    assert.match(r.stdout, /not applicable: linear-complexity test needs n ≥ 1000000 bits; got 400000/);
    assert.match(r.stdout, /0\.0–0\.1 +█/);
    assert.match(r.stdout, /PASS: every applicable test passed/);
  });
  it('many streams: JSON lists every P-value per stream; worker threads give the same numbers', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.bin'), bytes(4 * 16000, 'many'));
    const args = ['rng', 'test', 'r.bin', '--streams', '4', '--length', '128000', '--relaxed', '--json'];
    const one = await keygrade([...args, '--workers', '1'], { cwd: dir });
    const two = await keygrade([...args, '--workers', '2'], { cwd: dir });
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const a = JSON.parse(one.stdout) as JsonReport;
    const b = JSON.parse(two.stdout) as JsonReport;
    assert.equal(a.streams, 4);
    const count = (t: string) => a.tests.find((x) => x.test === t)!.pValues.map((s) => s.length);
    assert.deepEqual(count('non-overlapping-template'), [148, 148, 148, 148]);
    assert.deepEqual(count('cumulative-sums'), [2, 2, 2, 2]);
    assert.deepEqual(count('serial'), [2, 2, 2, 2]);
    assert.deepEqual(count('random-excursions'), [8, 8, 8, 8]);
    assert.deepEqual(count('random-excursions-variant'), [18, 18, 18, 18]);
    assert.deepEqual(b.tests, a.tests);
    const freq = a.tests.find((x) => x.test === 'frequency')!;
    assert.equal(freq.rows[0]!.sampleSize, 4);
    assert.equal(freq.rows[0]!.histogram.reduce((x, y) => x + y, 0), 4);
  });
  it('ascii and hex read the same bits as binary', async () => {
    const dir = tempDir();
    const data = bytes(2000, 'fmt');
    writeFileSync(join(dir, 'r.bin'), data);
    writeFileSync(join(dir, 'r.txt'), Array.from(data, (b) => b.toString(2).padStart(8, '0')).join('\n'));
    writeFileSync(join(dir, 'r.hex'), data.toString('hex').replace(/(.{64})/g, '$1\n'));
    const run = async (f: string, fmt: string) => JSON.parse((await keygrade(['rng', 'test', f, '--format', fmt, '--tests', '1,runs,cumulative-sums', '--json'], { cwd: dir })).stdout) as JsonReport;
    const bin = await run('r.bin', 'binary');
    assert.deepEqual((await run('r.txt', 'ascii')).tests, bin.tests);
    assert.deepEqual((await run('r.hex', 'hex')).tests, bin.tests);
    assert.deepEqual(bin.tests.map((t) => t.test), ['frequency', 'cumulative-sums', 'runs']);
  });
  it('a biased generator fails (exit 1) and the report says which tests', async () => {
    const dir = tempDir();
    const data = bytes(40000, 'bias').map((b, i) => (i % 7 === 0 ? b | 0x81 : b));
    writeFileSync(join(dir, 'b.bin'), data);
    const r = await keygrade(['rng', 'test', 'b.bin'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL: \d+ of 15 tests failed at α = 0\.01: .*frequency/);
  });
  it('draws a progress bar on stderr over the streams', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.bin'), bytes(3000, 'bar'));
    const r = await keygrade(['rng', 'test', 'r.bin', '--streams', '3', '--tests', 'frequency', '--workers', '1', '--progress'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[█+\] 3\/3 streams/);
  });
  const bad: [string, (dir: string) => string[], RegExp][] = [
    ['a character that is not a bit, with line and column', (d) => [write(d, 'x.txt', '0101\n01a1\n'), '--format', 'ascii'], /x\.txt:2:3: "a" \(byte offset 7\) is not a bit/],
    ['a hex file with a stray character', (d) => [write(d, 'x.hex', 'ff 0g'), '--format', 'hex'], /x\.hex:1:5: "g"/],
    ['a file too short for the streams asked', (d) => [write(d, 's.bin', 'x'.repeat(1000)), '--streams', '3', '--length', '4000'], /stream 3 of 3 is short: it needs bits 8,000 … 11,999, but the file ends after 8,000 bits \(1,000 bytes\)/],
    ['an empty file', (d) => [write(d, 'e.bin', '')], /e\.bin holds no bits/],
    ['an unknown test', (d) => [write(d, 'r.bin', 'x'.repeat(100)), '--tests', 'frequency,monobit'], /unknown test "monobit"/],
    ['an unknown parameter', (d) => [write(d, 'r.bin', 'x'.repeat(100)), '--params', 'serial.q=3'], /unknown parameter "serial\.q"/],
    ['a parameter out of range', (d) => [write(d, 'r.bin', 'x'.repeat(200000)), '--params', 'non-overlapping-template.m=30'], /template length m must be an integer from 2 to 21; got 30/],
    ['a missing file', () => ['nope.bin'], /cannot read nope\.bin: no such file/],
    ['a bad stream count', (d) => [write(d, 'r.bin', 'x'), '--streams', '0'], /--streams must be a positive whole number/],
  ];
  for (const [name, args, message] of bad) {
    it(`exit 2 for ${name}`, async () => {
      const dir = tempDir();
      const r = await keygrade(['rng', 'test', ...args(dir)], { cwd: dir });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    });
  }
});
