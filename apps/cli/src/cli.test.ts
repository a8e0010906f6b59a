import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keygrade, read, tempDir, write } from './test/harness.js';

const HEAD = 'keygrade: assessment/v1\nedition: ccss-2020\norganization: Acme\nsystem: Vault\nassessed_at: 2026-11-01\n';

describe('keygrade (general)', () => {
  it('prints help with examples for every command, exit 0', async () => {
    const dir = tempDir();
    const top = await keygrade(['--help'], { cwd: dir });
    assert.equal(top.code, 0);
    for (const cmd of ['catalog list', 'catalog show', 'catalog diff', 'catalog import-wording', 'init', 'checklist', 'score', 'gaps', 'migrate']) {
      assert.match(top.stdout, new RegExp(cmd));
      const r = await keygrade([...cmd.split(' '), '--help'], { cwd: dir });
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /Examples:\n {2}\$ keygrade/, cmd);
    }
  });
  it('rejects unknown commands and flags with exit 2 and no stack trace', async () => {
    const dir = tempDir();
    const a = await keygrade(['frobnicate'], { cwd: dir });
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command "frobnicate"/);
    const b = await keygrade(['score', 'x.yaml', '--bogus'], { cwd: dir });
    assert.equal(b.code, 2);
    assert.match(b.stderr, /Unknown option '--bogus'/);
    assert.doesNotMatch(b.stderr, /at .*\.ts:\d+/);
    const c = await keygrade(['score', 'missing.yaml'], { cwd: dir });
    assert.equal(c.code, 2);
    assert.match(c.stderr, /cannot read missing.yaml: no such file/);
  });
});

describe('keygrade catalog', () => {
  it('lists the three editions', async () => {
    const r = await keygrade(['catalog', 'list', '--json'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    const rows = JSON.parse(r.stdout) as { id: string; requirements: number }[];
    assert.deepEqual(rows.map((x) => [x.id, x.requirements]), [['ccss-2020', 81], ['ccss-2021', 90], ['ccss-v9', 59]]);
  });
  it('shows an edition in Chinese and filters by aspect and level', async () => {
    const r = await keygrade(['catalog', 'show', 'ccss-2020', '--lang', 'zh-CN', '--aspect', '1.01', '--level', '1'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /1\.1\.1\.L1/);
    assert.doesNotMatch(r.stdout, /1\.1\.1\.L2/);
    assert.match(r.stdout, /密钥/);
  });
  it('diffs two editions through the crosswalk', async () => {
    const r = await keygrade(['catalog', 'diff', 'ccss-2020', 'ccss-2021', '--json'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    const d = JSON.parse(r.stdout) as { counts: Record<string, number>; mappings: { from?: string; relation: string }[] };
    assert.ok(d.mappings.some((m) => m.from === '1.2.1.L3' && m.relation === 'removed'), '2021 removed the unique-address component');
    assert.ok(d.counts.new! > 0);
  });
  it('imports official wording locally (CSV), shows it, and rejects unknown ids with their line', async () => {
    const dir = tempDir();
    write(dir, 'w.csv', 'requirement_id,text\n1.01.1.1,"Official, quoted text"\n');
    const ok = await keygrade(['catalog', 'import-wording', 'ccss-v9', 'w.csv'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(existsSync(join(dir, '.keygrade', 'wording', 'ccss-v9.json')));
    const show = await keygrade(['catalog', 'show', 'ccss-v9', '--aspect', '1.01'], { cwd: dir });
    assert.match(show.stdout, /official: Official, quoted text/);
    write(dir, 'bad.csv', 'requirement_id,text\n1.01.1.1,ok\n9.99.9.9,nope\n');
    const bad = await keygrade(['catalog', 'import-wording', 'ccss-v9', 'bad.csv'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.csv:3: 9\.99\.9\.9 is not a requirement of ccss-v9/);
  });
});

describe('bad assessment input: exit 2, file, line and field named, file untouched', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed YAML', `${HEAD}answers:\n  "1.1.1.L1": { status: in_place\n`, /bad\.yaml:\d+:\d+/],
    ['duplicate keys', `${HEAD}answers:\n  "1.1.1.L1": { status: in_place }\n  "1.1.1.L1": { status: not_in_place }\n`, /bad\.yaml:8:\d+: duplicate key/],
    ['unknown requirement id', `${HEAD}answers:\n  "1.1.9.L1": { status: in_place }\n`, /bad\.yaml:7:\d+: answers\."1\.1\.9\.L1": 1\.1\.9\.L1 is not a requirement or control of ccss-2020/],
    ['answers for another edition', `${HEAD}answers:\n  "1.01.1.1": { status: in_place }\n`, /belongs to edition ccss-v9/],
    ['status missing what it must carry', `${HEAD}answers:\n  "1.1.1.L1":\n    status: not_applicable\n`, /bad\.yaml:\d+:\d+: answers\."1\.1\.1\.L1"\.justification: status not_applicable must carry justification/],
    ['unknown status', `${HEAD}answers:\n  "1.1.1.L1": { status: done }\n`, /bad\.yaml:7:\d+: answers\."1\.1\.1\.L1"\.status: status must be one of/],
    ['answered twice', `${HEAD}answers:\n  "1.1.3": { level: 2 }\n  "1.1.3.L1": { status: in_place }\n`, /answered twice/],
    ['missing field', 'keygrade: assessment/v1\nedition: ccss-2020\nsystem: Vault\nassessed_at: 2026-11-01\n', /organization: missing required field/],
    ['unknown edition', 'keygrade: assessment/v1\nedition: ccss-1999\norganization: A\nsystem: B\nassessed_at: 2026-11-01\n', /bad\.yaml:2:\d+: edition: unknown edition "ccss-1999"/],
  ];
  for (const [name, text, expected] of cases) {
    it(name, async () => {
      const dir = tempDir();
      write(dir, 'bad.yaml', text);
      for (const cmd of [['score', 'bad.yaml'], ['checklist', 'bad.yaml']]) {
        const r = await keygrade(cmd, { cwd: dir, interactive: true, input: ['y'] });
        assert.equal(r.code, 2, `${cmd[0]}: ${r.stderr}`);
        assert.match(r.stderr, expected);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.equal(read(dir, 'bad.yaml'), text, 'file left untouched');
      }
    });
  }
});

describe('init, checklist, score, gaps', () => {
  it('scaffolds, walks the checklist interactively (resumable) and scores', async () => {
    const dir = tempDir();
    write(dir, 'runbook.txt', 'key generation runbook\n');
    const init = await keygrade(['init', 'a.yaml', '--edition', 'ccss-2020', '--organization', 'Acme', '--system', 'Vault'], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await keygrade(['init', 'a.yaml'], { cwd: dir })).code, 2, 'never overwrites');
    // first sitting: two answers, then end of input
    const first = await keygrade(['checklist', 'a.yaml', '--aspect', '1.01'], {
      cwd: dir,
      interactive: true,
      input: ['y', 'Operators generate their own seeds', 'runbook.txt', '', 'a', 'no such methodology at L1', '', ''],
    });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Saved 2 answers/);
    const saved = read(dir, 'a.yaml');
    assert.match(saved, /Keygrade self-assessment/, 'comments survive');
    assert.match(saved, /sha256: 19e83065/);
    // second sitting resumes at the third requirement of 1.01
    const second = await keygrade(['checklist', 'a.yaml', '--aspect', '1.01'], { cwd: dir, interactive: true, input: ['n', '', '', 'x'] });
    assert.match(second.stdout, /\[1\/\d+\] 1\.01 .*\n {2}1\.1\.1\.L3/);
    const score = await keygrade(['score', 'a.yaml', '--json'], { cwd: dir });
    assert.equal(score.code, 0);
    const s = JSON.parse(score.stdout) as { systemLevel: number; complete: boolean; notAssessed: string[]; aspects: { id: string; controls: { id: string; level: number }[] }[] };
    assert.equal(s.systemLevel, 0);
    assert.equal(s.complete, false);
    assert.ok(!s.notAssessed.includes('1.1.1.L1'));
    assert.deepEqual(Object.keys(s).sort(), ['aspects', 'complete', 'edition', 'notAssessed', 'systemLevel']);
    const gaps = await keygrade(['gaps', 'a.yaml', '--target', '1', '--fail'], { cwd: dir });
    assert.equal(gaps.code, 1);
    assert.match(gaps.stdout, /requirements? to close for Level I/);
  });
  it('prints the checklist when stdin is not a terminal', async () => {
    const dir = tempDir();
    write(dir, 'a.yaml', `${HEAD}answers:\n  "1.1.1": { level: 3 }\n`);
    const r = await keygrade(['checklist', 'a.yaml'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\[x\] I {3}1\.1\.1\.L1/);
    assert.match(r.stdout, /\[ \] I {3}1\.1\.3\.L1/);
  });
  it('--fail-under exits 1 below the level', async () => {
    const dir = tempDir();
    write(dir, 'a.yaml', HEAD);
    assert.equal((await keygrade(['score', 'a.yaml', '--fail-under', '1'], { cwd: dir })).code, 1);
  });
});

describe('migrate', () => {
  it('carries equivalent answers to ccss-2021 and lists what to re-assess; the input is unchanged', async () => {
    const dir = tempDir();
    const text = `${HEAD}answers:\n  "1.1.1": { level: 3, note: own keys }\n  "1.2.1.L3": { status: in_place }\n`;
    write(dir, 'a.yaml', text);
    const r = await keygrade(['migrate', 'a.yaml', '--to', 'ccss-2021', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { carried: { to: string }[]; reassess: { to: string }[]; dropped: { from: string }[]; output: string };
    assert.ok(plan.carried.some((c) => c.to === '1.1.1.L1'));
    assert.ok(plan.dropped.some((d) => d.from === '1.2.1.L3'));
    assert.ok(plan.reassess.some((x) => x.to === '1.2.6.L1'), 'new documented-policy component must be assessed');
    assert.equal(read(dir, 'a.yaml'), text);
    const migrated = await keygrade(['score', plan.output], { cwd: dir });
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal((await keygrade(['migrate', 'a.yaml', '--to', 'ccss-2021'], { cwd: dir })).code, 2, 'refuses to overwrite');
  });
  it('migrates 2020 to v9 through the composed crosswalk', async () => {
    const dir = tempDir();
    write(dir, 'a.yaml', `${HEAD}answers:\n  "1.1.4": { level: 3 }\n`);
    const r = await keygrade(['migrate', 'a.yaml', '--to', 'ccss-v9', '-o', 'v9.yaml'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(read(dir, 'v9.yaml'), /edition: ccss-v9/);
  });
});

describe('YAML pitfalls get a helpful message', () => {
  it('an unquoted value that YAML reads as a number is reported with a hint to quote it', async () => {
    const dir = tempDir();
    write(dir, 'a.yaml', `${HEAD}answers:\n  "1.1.1.L1":\n    status: in_place\n    evidence:\n      - { path: x.txt, sha256: ${'1'.repeat(64)} }\n`);
    const r = await keygrade(['score', 'a.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /a\.yaml:10:\d+: answers\."1\.1\.1\.L1"\.evidence\[0\]\.sha256: expected text, but YAML read the unquoted value as a number .*put it in quotes/);
  });
});
