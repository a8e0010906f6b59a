import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keygrade, tempDir, write } from './test/harness.js';

/** pr_false/HMAC_DRBG.rsp, SHA-1, COUNT = 0 (NIST CAVP, CAVS 14.3), and a 3-key TDEA section Keygrade skips. */
const RSP = [
  '# HMAC_DRBG options: SHA-1 :: SHA-224 :: SHA-256 :: SHA-384 :: SHA-512 :: SHA-512/224 :: SHA-512/256',
  '',
  '[SHA-1]',
  '[PredictionResistance = False]',
  '[EntropyInputLen = 128]',
  '[NonceLen = 64]',
  '[PersonalizationStringLen = 0]',
  '[AdditionalInputLen = 0]',
  '[ReturnedBitsLen = 640]',
  '',
  'COUNT = 0',
  'EntropyInput = 79349bbf7cdda5799557866621c91383',
  'Nonce = 1146733abf8c35c8',
  'PersonalizationString = ',
  'EntropyInputReseed = c7215b5b96c48e9b338c74e3e99dfedf',
  'AdditionalInputReseed = ',
  'AdditionalInput = ',
  'AdditionalInput = ',
  'ReturnedBits = c6a16ab8d420706f0f34ab7fec5adca9d8ca3a133e159ca6ac43c6f8a2be22834a4c0a0affb10d7194f1c1a5cf7322ec1ae0964ed4bf122746e087fdb5b3e91b3493d5bb98faed49e85f130fc8a459b7',
  '',
].join('\r\n');

const CTR_TDEA = ['# CTR_DRBG options: 3KeyTDEA use df', '[3KeyTDEA use df]', '[PredictionResistance = False]', '', 'COUNT = 0', 'EntropyInput = 00', ''].join('\n');

const FULL_DECK = 'AS 2S 3S 4S 5S 6S 7S 8S 9S TS JS QS KS AH 2H 3H 4H 5H 6H 7H 8H 9H TH JH QH KH AD 2D 3D 4D 5D 6D 7D 8D 9D TD JD QD KD AC 2C 3C 4C 5C 6C 7C 8C 9C TC JC QC KC';

describe('keygrade rng (help)', () => {
  it('every rng command has help with examples and is listed', async () => {
    const dir = tempDir();
    const top = await keygrade(['--help'], { cwd: dir });
    for (const cmd of ['rng cavp', 'rng health', 'rng dice', 'rng cards']) {
      assert.match(top.stdout, new RegExp(cmd));
      const r = await keygrade([...cmd.split(' '), '--help'], { cwd: dir });
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /Examples:\n {2}\$ keygrade rng/, cmd);
    }
    const cavp = await keygrade(['rng', 'cavp', '--help'], { cwd: dir });
    assert.match(cavp.stdout, /^Usage: keygrade rng cavp <dir-or-file> \[dir-or-file\.\.\.\] \[options\]$/m);
  });
});

describe('keygrade rng cavp', () => {
  it('runs a file and a folder, prints the table and totals, exit 0', async () => {
    const dir = tempDir();
    write(dir, 'HMAC_DRBG.rsp', RSP);
    mkdirSync(join(dir, 'more'));
    writeFileSync(join(dir, 'more', 'CTR_DRBG.rsp'), CTR_TDEA);
    const r = await keygrade(['rng', 'cavp', 'HMAC_DRBG.rsp', 'more'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /HMAC_DRBG\.rsp \(HMAC_DRBG\)\n +line +section +options +vectors +passed +failed +skipped\n +3 +SHA-1 +PR=no reseed EI=128 N=64 PS=0 AI=0 RB=640 +1 +1 +0 +0/);
    assert.match(r.stdout, /3KeyTDEA use df .* 1 \(unsupported: 3KeyTDEA use df\)/);
    assert.match(r.stdout, /Total: 2 files, 2 vectors: 1 passed, 0 failed, 1 skipped/);
    const json = await keygrade(['rng', 'cavp', 'HMAC_DRBG.rsp', '--json'], { cwd: dir });
    const parsed = JSON.parse(json.stdout) as { files: { file: string; sections: { passed: number }[] }[]; totals: { passed: number; failed: number } };
    assert.deepEqual([parsed.files[0]!.file, parsed.files[0]!.sections[0]!.passed, parsed.totals.failed], ['HMAC_DRBG.rsp', 1, 0]);
  });
  it('exit 1 and the failing COUNT named when a vector does not match', async () => {
    const dir = tempDir();
    write(dir, 'HMAC_DRBG.rsp', RSP.replace('59b7\r\n', '59b8\r\n'));
    const r = await keygrade(['rng', 'cavp', 'HMAC_DRBG.rsp'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED HMAC_DRBG\.rsp:11 \[SHA-1\] COUNT = 0: ReturnedBits differ/);
  });
  it('exit 2 with file and line for malformed files and missing paths', async () => {
    const dir = tempDir();
    write(dir, 'HMAC_DRBG.rsp', RSP.replace('Nonce = 1146733abf8c35c8', 'Nonce = 1146733abf8c35c'));
    const r = await keygrade(['rng', 'cavp', 'HMAC_DRBG.rsp'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /HMAC_DRBG\.rsp:13: Nonce must be hexadecimal with an even number of digits/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    const missing = await keygrade(['rng', 'cavp', 'nope'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read nope: no such file or folder/);
    mkdirSync(join(dir, 'empty'));
    assert.equal((await keygrade(['rng', 'cavp', 'empty'], { cwd: dir })).code, 2);
  });
  const vectors = process.env.KEYGRADE_VECTORS_DIR ? join(process.env.KEYGRADE_VECTORS_DIR, 'cavp-drbg', 'pr_true') : undefined;
  it('passes the NIST pr_true set', { skip: vectors && existsSync(vectors) ? false : 'KEYGRADE_VECTORS_DIR not set: no CAVP DRBG vectors' }, async () => {
    const r = await keygrade(['rng', 'cavp', vectors!, '--json'], { cwd: tempDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { totals: unknown }).totals, { files: 3, malformed: 0, vectors: 5280, passed: 4800, failed: 0, skipped: 480 });
  });
});

describe('keygrade rng health', () => {
  it('passes alternating bits and fails a stuck source at sample 20', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'good.bin'), new Uint8Array(4096).fill(0x55));
    const good = await keygrade(['rng', 'health', 'good.bin', '--bits-per-sample', '1', '--h', '1'], { cwd: dir });
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /32768 samples of 1 bit/);
    assert.match(good.stdout, /cutoff 21: longest run 1, 0 failures/);
    assert.match(good.stdout, /W = 512, cutoff 311: highest count 256 in 64 windows, 0 failures/);
    writeFileSync(join(dir, 'stuck.bin'), new Uint8Array(64));
    const bad = await keygrade(['rng', 'health', 'stuck.bin', '--bits-per-sample', '1', '--h', '1', '--json'], { cwd: dir });
    assert.equal(bad.code, 1);
    const j = JSON.parse(bad.stdout) as { rct: { firstFailure: number; cutoff: number }; apt: { failures: number }; mcv: { minEntropy: number }; passed: boolean };
    assert.deepEqual([j.rct.cutoff, j.rct.firstFailure, j.apt.failures, j.mcv.minEntropy, j.passed], [21, 20, 1, 0, false]);
  });
  it('defaults to bytes at full entropy and rejects bad input with exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bytes.bin'), Uint8Array.from({ length: 2048 }, (_, i) => (i * 37) & 0xff));
    const r = await keygrade(['rng', 'health', 'bytes.bin'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /claimed H = 8 bits per sample/);
    assert.match(r.stdout, /cutoff 4:/);
    writeFileSync(join(dir, 'empty.bin'), new Uint8Array(0));
    assert.match((await keygrade(['rng', 'health', 'empty.bin'], { cwd: dir })).stderr, /empty\.bin is empty/);
    const tooHigh = await keygrade(['rng', 'health', 'bytes.bin', '--bits-per-sample', '1', '--h', '2'], { cwd: dir });
    assert.equal(tooHigh.code, 2);
    assert.match(tooHigh.stderr, /H = 2 exceeds the 1 bit per sample/);
    assert.equal((await keygrade(['rng', 'health', 'bytes.bin', '--h', 'lots'], { cwd: dir })).code, 2);
    assert.equal((await keygrade(['rng', 'health', 'bytes.bin', '--bits-per-sample', '4'], { cwd: dir })).code, 2);
  });
});

describe('keygrade rng dice', () => {
  const balanced = Array.from({ length: 102 }, (_, i) => (i % 6) + 1).join('');
  it('accepts 100+ balanced rolls for a 256-bit key, exit 0', async () => {
    const r = await keygrade(['rng', 'dice', balanced], { cwd: tempDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /102 rolls of a d6/);
    assert.match(r.stdout, /faces: 1: 17 {2}2: 17/);
    assert.match(r.stdout, /entropy: 263\.67 bits .* a 256-bit key needs 100 rolls/);
    assert.match(r.stdout, /critical value 15\.086/);
  });
  it('refuses too few rolls with exit 1 and says how many more, skipping χ² below 5 per face', async () => {
    const r = await keygrade(['rng', 'dice', '3162 5514 3621'], { cwd: tempDir() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not enough entropy: 12 rolls: 31\.02 bits of entropy.*88 more rolls/);
    assert.match(r.stdout, /χ² test: not run — .*at least 30 observations/);
    const ok128 = await keygrade(['rng', 'dice', balanced.slice(0, 50), '--bits', '128', '--json'], { cwd: tempDir() });
    assert.equal(ok128.code, 0);
    assert.equal((JSON.parse(ok128.stdout) as { enough: boolean }).enough, true);
  });
  it('exit 1 when the χ² test rejects a loaded die', async () => {
    const r = await keygrade(['rng', 'dice', `${'6'.repeat(60)}${balanced}`], { cwd: tempDir() });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /REJECTED/);
  });
  it('names invalid characters by line and column, exit 2; reads files and stdin', async () => {
    const dir = tempDir();
    const inline = await keygrade(['rng', 'dice', '31a7'], { cwd: dir });
    assert.equal(inline.code, 2);
    assert.match(inline.stderr, /1:3: "a" is not a roll of a d6/);
    assert.match(inline.stderr, /1:4: "7" is not a roll of a d6/);
    write(dir, 'rolls.txt', '316\n2x5\n');
    const fromFile = await keygrade(['rng', 'dice', 'rolls.txt'], { cwd: dir });
    assert.equal(fromFile.code, 2);
    assert.match(fromFile.stderr, /rolls\.txt:2:2: "x" is not a roll of a d6/);
    assert.match((await keygrade(['rng', 'dice', 'missing.txt'], { cwd: dir })).stderr, /cannot read missing\.txt: no such file/);
    const stdin = await keygrade(['rng', 'dice', '-', '--sides', '20', '--json'], { cwd: dir, input: ['20 1 13'] });
    assert.deepEqual((JSON.parse(stdin.stdout) as { counts: number[] }).counts.filter((c) => c > 0), [1, 1, 1]);
    assert.equal((await keygrade(['rng', 'dice', '123', '--sides', '1'], { cwd: dir })).code, 2);
  });
});

describe('keygrade rng cards', () => {
  it('a full deck covers 128 bits but not 256 (exit 1, asks for a second source)', async () => {
    const dir = tempDir();
    write(dir, 'deck.txt', FULL_DECK);
    const ok = await keygrade(['rng', 'cards', 'deck.txt', '--bits', '128'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /52 cards from deck\.txt: a complete deck, no duplicates/);
    assert.match(ok.stdout, /entropy: 225\.58 bits/);
    const short = await keygrade(['rng', 'cards', 'deck.txt'], { cwd: dir });
    assert.equal(short.code, 1);
    assert.match(short.stderr, /225\.58 bits of entropy; a 256-bit key needs at least 256 — one deck cannot cover it; add a second source/);
  });
  it('lists missing cards of a partial deck and names duplicates and unreadable cards, exit 2', async () => {
    const partial = await keygrade(['rng', 'cards', 'AsThQd', '--bits', '16', '--json'], { cwd: tempDir() });
    assert.equal(partial.code, 0);
    const j = JSON.parse(partial.stdout) as { order: string[]; missing: string[] };
    assert.deepEqual([j.order, j.missing.length], [['AS', 'TH', 'QD'], 49]);
    const dup = await keygrade(['rng', 'cards', 'AS KH AS'], { cwd: tempDir() });
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /1:7: AS again \(first at line 1, column 1\)/);
    const bad = await keygrade(['rng', 'cards', 'AS ZZ'], { cwd: tempDir() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /1:4: cannot read "ZZ"/);
  });
});
