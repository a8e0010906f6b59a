/**
 * `keygrade verify-install` against manifests made here for the files actually installed (the
 * checked-out build): a good one, a forged one, and ones that report missing, changed and extra
 * files. The release script is run once as a process.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ed25519PublicKey, MANIFEST_FORMAT, signManifest, toHex, type ReleaseManifest } from '@keygrade/ceremony';
import { hashInstalledFiles } from '@keygrade/ceremony/node';
import { keygrade, tempDir } from '../test/harness.js';
import { cliDir } from './verify-install.js';

const SECRET = new Uint8Array(32).fill(7);
const PUB = toHex(ed25519PublicKey(SECRET));
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

function manifest(edit: (files: Record<string, string>) => void = () => undefined): ReleaseManifest {
  const { files } = hashInstalledFiles(cliDir());
  edit(files);
  return signManifest({ format: MANIFEST_FORMAT, name: 'keygrade', version: '0.1.0', createdAt: '2026-11-22T10:00:00.000Z', files }, SECRET);
}

async function check(m: ReleaseManifest | string, key = PUB) {
  const dir = tempDir();
  writeFileSync(join(dir, 'm.json'), typeof m === 'string' ? m : JSON.stringify(m));
  return keygrade(['verify-install', '--manifest', 'm.json', '--key', key, '--json'], { cwd: dir });
}

describe('keygrade verify-install', () => {
  it('verifies a manifest of the installed files signed by the given key', async () => {
    const r = await check(manifest());
    assert.equal(r.code, 0, r.stdout);
    const j = JSON.parse(r.stdout) as { status: string; files: { checked: number; missing: string[] } };
    assert.equal(j.status, 'verified');
    assert.ok(j.files.checked > 10);
    assert.ok(Object.keys(manifest().files).some((f) => /packages\/ceremony\/dist\/index\.js$/.test(f)), 'the ceremony package is covered');
    assert.ok(Object.keys(manifest().files).some((f) => /@noble\/curves\//.test(f)), 'the audited cryptography is covered');
  });
  it('reports missing, changed and extra files (exit 1)', async () => {
    let changed = '';
    let extra = '';
    const m = manifest((files) => {
      const dist = Object.keys(files).filter((f) => f.includes('/dist/'));
      changed = dist[0]!;
      extra = dist[1]!;
      files[changed] = '00'.repeat(32);
      delete files[extra];
      files['apps/cli/dist/gone.js'] = '11'.repeat(32);
    });
    const r = await check(m);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as { status: string; files: { missing: string[]; changed: string[]; extra: string[] } };
    assert.deepEqual([j.status, j.files.missing, j.files.changed, j.files.extra], ['failed', ['apps/cli/dist/gone.js'], [changed], [extra]]);
  });
  it('refuses a manifest edited after signing, or signed by another key', async () => {
    const m = manifest();
    const first = Object.keys(m.files)[0]!;
    const edited = { ...m, files: { ...m.files, [first]: 'ff'.repeat(32) } };
    const r = await check(edited);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /no valid signature by a trusted key \(1 invalid/);
    const other = await check(manifest(), toHex(ed25519PublicKey(new Uint8Array(32).fill(9))));
    assert.equal(other.code, 1);
    assert.match(other.stdout, /1 by other keys/);
  });
  it('without a pinned or given key it cannot verify; a malformed manifest is exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'm.json'), JSON.stringify(manifest()));
    const r = await keygrade(['verify-install', '--manifest', 'm.json'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /no trusted release key/);
    assert.equal((await check('{"format":"nope"}')).code, 2);
  });
  it('scripts/release-manifest.mjs signs the build with a PEM key that verify-install accepts', async () => {
    const dir = tempDir();
    assert.equal((await keygrade(['ceremony', 'keygen', 'rel.pem'], { cwd: dir })).code, 0);
    const s = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release-manifest.mjs'), '--key', join(dir, 'rel.pem'), '--out', join(dir, 'm.json')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(s.status, 0, s.stderr);
    const pub = readFileSync(join(dir, 'rel.pub'), 'utf8').trim();
    assert.match(s.stdout, new RegExp(pub));
    // It also prints the digest of the verifier page to publish, the file's actual SHA-256.
    const page = readFileSync(join(ROOT, 'packages', 'reserves', 'dist', 'verifier.html'));
    assert.match(s.stdout, new RegExp(`verifier\\.html: sha256 ${createHash('sha256').update(page).digest('hex')} \\(publish it`));
    const r = await keygrade(['verify-install', '--manifest', 'm.json', '--key', 'rel.pub'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Result: installation verified\./);
  });
});
