import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keygrade, read, tempDir, write } from './test/harness.js';

const HEAD = 'keygrade: assessment/v1\nedition: ccss-2020\norganization: Acme\nsystem: Vault\nassessed_at: 2026-11-01\n';
const HASH_OF_HELLO = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03'; // sha256("hello\n")

function setup(): string {
  const dir = tempDir();
  write(dir, 'hello.txt', 'hello\n');
  write(dir, 'a.yaml', `${HEAD}answers:\n  "1.1.1":\n    level: 3\n    note: Own keys <b>always</b>\n    evidence:\n      - { path: hello.txt, sha256: ${HASH_OF_HELLO} }\n      - { path: gone.txt, sha256: "${'0'.repeat(64)}" }\n`);
  return dir;
}

describe('keygrade report / scorecard', () => {
  it('writes each format, chosen by --format or by the -o extension', async () => {
    const dir = setup();
    for (const [out, check] of [
      ['r.html', (s: string) => s.toLowerCase().startsWith('<!doctype html>') && s.includes('&lt;b&gt;always')],
      ['r.md', (s: string) => s.includes('1.01')],
      ['r.json', (s: string) => (JSON.parse(s) as { schema: string }).schema === 'keygrade.report/v1'],
      ['r.pdf', (s: string) => s.startsWith('%PDF-')],
    ] as const) {
      const r = await keygrade(['report', 'a.yaml', '-o', out], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(check(read(dir, out)), out);
    }
    const oscal = await keygrade(['report', 'a.yaml', '--format', 'oscal'], { cwd: dir });
    assert.ok((JSON.parse(oscal.stdout) as { 'assessment-results': unknown })['assessment-results']);
  });
  it('checks evidence hashes: warns on a missing file, exits 1 with --strict', async () => {
    const dir = setup();
    const r = await keygrade(['report', 'a.yaml', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /evidence gone\.txt \(1\.1\.1\) is missing/);
    const ev = (JSON.parse(r.stdout) as { evidence: { ref: string; state: string }[] }).evidence;
    assert.deepEqual(ev.map((e) => [e.ref, e.state]), [['hello.txt', 'verified'], ['gone.txt', 'missing']]);
    assert.equal((await keygrade(['report', 'a.yaml', '--format', 'json', '--strict'], { cwd: dir })).code, 1);
    write(dir, 'hello.txt', 'changed\n');
    const m = await keygrade(['report', 'a.yaml', '--format', 'json'], { cwd: dir });
    assert.match(m.stderr, /hello\.txt \(1\.1\.1\) does not match its sha256/);
  });
  it('never overwrites the assessment with the report', async () => {
    const dir = setup();
    const before = read(dir, 'a.yaml');
    const r = await keygrade(['report', 'a.yaml', '--format', 'html', '-o', 'a.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to overwrite the input file/);
    assert.equal(read(dir, 'a.yaml'), before);
  });
  it('draws the scorecard SVG', async () => {
    const dir = setup();
    const r = await keygrade(['scorecard', 'a.yaml', '-o', 'card.svg'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(read(dir, 'card.svg'), /^<\?xml|^<svg/);
  });
  it('zh-CN PDF without a CJK font is an input error that says what to do', async () => {
    const dir = setup();
    const r = await keygrade(['report', 'a.yaml', '--lang', 'zh-CN', '-o', 'r.pdf'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--font/);
    const missing = await keygrade(['report', 'a.yaml', '--lang', 'zh-CN', '-o', 'r.pdf', '--font', 'nope.ttf'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read nope\.ttf: no such file/);
  });
});

describe('keygrade catalog export', () => {
  it('exports JSON, Markdown and CSV', async () => {
    const dir = tempDir();
    const json = await keygrade(['catalog', 'export', 'ccss-2020', '--format', 'json'], { cwd: dir });
    assert.equal((JSON.parse(json.stdout) as { id: string }).id, 'ccss-2020');
    const md = await keygrade(['catalog', 'export', 'ccss-2020', '--format', 'md', '--lang', 'zh-CN'], { cwd: dir });
    assert.match(md.stdout, /密钥/);
    const csv = await keygrade(['catalog', 'export', 'ccss-v9', '--format', 'csv', '-o', 'v9.csv'], { cwd: dir });
    assert.equal(csv.code, 0);
    assert.equal(read(dir, 'v9.csv').trimEnd().split('\r\n').length, 60);
  });
  it('exports an OSCAL catalog and three level profiles to a folder', async () => {
    const dir = tempDir();
    const r = await keygrade(['catalog', 'export', 'ccss-2021', '--format', 'oscal', '-o', 'oscal'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'oscal')).sort(), ['catalog.json', 'profile-level-1.json', 'profile-level-2.json', 'profile-level-3.json']);
    const p2 = JSON.parse(readFileSync(join(dir, 'oscal', 'profile-level-2.json'), 'utf8')) as { profile: { imports: { href: string }[] } };
    assert.equal(p2.profile.imports[0]!.href, 'catalog.json');
  });
});
