import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hugePageEnv } from '../bin/hugepages.js';

test('por build relaunches with glibc huge pages on Linux, and nothing else does', () => {
  assert.equal(hugePageEnv(['por', 'build', 'a.csv'], { PATH: '/bin' }, 'linux')?.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1');
  assert.equal(hugePageEnv(['por', 'build', 'a.csv'], { PATH: '/bin' }, 'linux')?.PATH, '/bin', 'the rest of the environment is kept');
  // Other tunables are kept; any hugetlb setting of the user's (0 turns it off) wins and stops the relaunch.
  assert.equal(hugePageEnv(['por', 'build'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux')?.GLIBC_TUNABLES, 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  assert.equal(hugePageEnv(['por', 'build'], { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux'), undefined);
  assert.equal(hugePageEnv(['por', 'build'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1' }, 'linux'), undefined);
  assert.equal(hugePageEnv(['por', 'build'], {}, 'darwin'), undefined);
  assert.equal(hugePageEnv(['por', 'verify-proof', 'p.json'], {}, 'linux'), undefined);
  assert.equal(hugePageEnv(['score', 'build'], {}, 'linux'), undefined);
  assert.equal(hugePageEnv([], {}, 'linux'), undefined);
});

test('a relaunched process gets the environment, the arguments and the streams, and ends the parent the same way', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kg-relaunch-'));
  try {
    const script = join(dir, 'child.mjs');
    const helper = fileURLToPath(new URL('../bin/hugepages.js', import.meta.url));
    // The parent relaunches itself once with a marker; the child reports what it got and exits as told.
    writeFileSync(script, `
      import { relaunch } from ${JSON.stringify(helper)};
      const [how] = process.argv.slice(2);
      if (process.env.RELAUNCHED !== '1') relaunch(process.argv[1], process.argv.slice(2), { ...process.env, RELAUNCHED: '1' });
      else {
        process.stdout.write('child ' + process.pid + ' ' + how + '\\n');
        if (how === 'signal') process.kill(process.pid, 'SIGTERM');
        else process.exitCode = Number(how);
      }
    `);
    const ok = spawnSync(process.execPath, [script, '0'], { encoding: 'utf8' });
    assert.equal(ok.status, 0);
    assert.match(ok.stdout, /^child \d+ 0\n$/);
    assert.notEqual(ok.stdout.split(' ')[1], String(ok.pid), 'the work ran in another process');
    const failed = spawnSync(process.execPath, [script, '7'], { encoding: 'utf8' });
    assert.equal(failed.status, 7, 'the exit code is passed on');
    const killed = spawnSync(process.execPath, [script, 'signal'], { encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGTERM', 'a signal death is passed on');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
