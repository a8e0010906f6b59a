import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSafePath, readTar, writeTar } from './tar.js';

const segment = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,40}$/).filter((s) => s !== '.' && s !== '..');
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
const entries = fc.uniqueArray(fc.record({ path, data: fc.uint8Array({ maxLength: 2000 }) }), { selector: (e) => e.path, maxLength: 8 });

const hasTar = (() => {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('ustar archives', () => {
  it('round-trips any set of files (property)', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const back = readTar(writeTar(list));
        assert.deepEqual(
          back.map((e) => ({ path: e.path, data: e.data })),
          list.map((e) => ({ path: e.path, data: e.data })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('splits long paths into prefix and name', () => {
    const long = `${'d'.repeat(90)}/${'e'.repeat(90)}/file.json`;
    assert.equal(readTar(writeTar([{ path: long, data: new Uint8Array([1]) }]))[0]!.path, long);
    assert.throws(() => writeTar([{ path: 'x'.repeat(120), data: new Uint8Array() }]), /too long/);
  });

  it('GNU tar reads what we write, and we read what GNU tar writes', { skip: hasTar ? false : 'no tar command on this machine' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-tar-'));
    try {
      const data = new TextEncoder().encode('population\nW-1,2026-01-01\n');
      const ours = join(dir, 'ours.tar');
      writeFileSync(ours, writeTar([{ path: 'samples/a.csv', data }, { path: 'manifest.json', data: new TextEncoder().encode('{}') }]));
      assert.deepEqual(execFileSync('tar', ['-tf', ours], { encoding: 'utf8' }).trim().split('\n'), ['samples/a.csv', 'manifest.json']);
      assert.equal(execFileSync('tar', ['-xOf', ours, 'samples/a.csv'], { encoding: 'utf8' }), 'population\nW-1,2026-01-01\n');

      const src = join(dir, 'src');
      mkdirSync(join(src, 'evidence'), { recursive: true });
      writeFileSync(join(src, 'evidence', 'f'), 'x'.repeat(1500));
      writeFileSync(join(src, 'tests.json'), '[]');
      const theirs = join(dir, 'theirs.tar');
      execFileSync('tar', ['--format=ustar', '-cf', theirs, '-C', src, 'evidence', 'tests.json']);
      const read = readTar(new Uint8Array(readFileSync(theirs)));
      assert.deepEqual(read.map((e) => [e.path, e.data.length]), [['evidence/f', 1500], ['tests.json', 2]], 'directories are skipped, files kept');

      symlinkSync('tests.json', join(src, 'link'));
      const linked = join(dir, 'linked.tar');
      execFileSync('tar', ['--format=ustar', '-cf', linked, '-C', src, 'link']);
      assert.throws(() => readTar(new Uint8Array(readFileSync(linked))), /not a regular file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses damaged or unsafe archives, saying what is wrong', () => {
    const tar = writeTar([{ path: 'a.json', data: new Uint8Array(700) }]);
    const bad = tar.slice();
    bad[10] = 0x41;
    assert.throws(() => readTar(bad), /wrong checksum/);
    assert.throws(() => readTar(tar.slice(0, 900)), /truncated/);
    assert.throws(() => readTar(tar.slice(0, 1536)), /end-of-archive/);
    assert.throws(() => writeTar([{ path: '../etc/passwd', data: new Uint8Array() }]), /not a safe relative path/);
    assert.throws(() => writeTar([{ path: 'a', data: new Uint8Array() }, { path: 'a', data: new Uint8Array() }]), /twice/);
    for (const p of ['', '/abs', 'a//b', 'a/./b', 'a/../b', 'a\\b', 'a\nb']) assert.equal(isSafePath(p), false, JSON.stringify(p));
    assert.equal(isSafePath('samples/x.csv'), true);
  });
});
