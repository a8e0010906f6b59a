import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'kg-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [e.message, ...e.problems.map((p) => `${p.path ?? ''}: ${p.message}`)];
  }
  assert.fail('expected a ConfigError');
};

test('defaults make a fresh clone work', () => {
  const c = loadConfig({}, dir);
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.databaseUrl, join(dir, 'data', 'keygrade.sqlite'));
  assert.equal(c.evidenceDir, join(dir, 'data', 'evidence'));
  assert.equal(c.secureCookies, false);
});

test('a YAML or JSON file sets values; the environment overrides it', () => {
  writeFileSync(join(dir, 'k.yaml'), 'KEYGRADE_PORT: 9090\nKEYGRADE_HOST: 0.0.0.0\nKEYGRADE_COOKIE_SECURE: always\n');
  const c = loadConfig({ KEYGRADE_CONFIG: 'k.yaml', KEYGRADE_PORT: '7070' }, dir);
  assert.equal(c.port, 7070);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.secureCookies, true);
  writeFileSync(join(dir, 'k.json'), JSON.stringify({ KEYGRADE_EVIDENCE_MAX_BYTES: 1024 }));
  assert.equal(loadConfig({ KEYGRADE_CONFIG: 'k.json' }, dir).evidenceMaxBytes, 1024);
});

test('bad settings name the variable and the file', () => {
  assert.ok(problemsOf(() => loadConfig({ KEYGRADE_PORT: 'eighty' }, dir)).some((p) => p.startsWith('KEYGRADE_PORT:')));
  writeFileSync(join(dir, 'bad.yaml'), 'KEYGRADE_PORTT: 1\nKEYGRADE_MASTER_KEY: abc\nKEYGRADE_HOST: [a]\n');
  const p = problemsOf(() => loadConfig({ KEYGRADE_CONFIG: 'bad.yaml' }, dir));
  assert.ok(p.some((x) => x.includes('KEYGRADE_PORTT') && x.includes('unknown setting')));
  assert.ok(p.some((x) => x.includes('KEYGRADE_MASTER_KEY') && x.includes('out of configuration files')));
  assert.ok(p.some((x) => x.includes('KEYGRADE_HOST') && x.includes('string, number or boolean')));
  assert.ok(problemsOf(() => loadConfig({ KEYGRADE_CONFIG: 'missing.yaml' }, dir))[0]!.includes('does not exist'));
  writeFileSync(join(dir, 'syntax.yaml'), 'KEYGRADE_PORT: [\n');
  assert.ok(problemsOf(() => loadConfig({ KEYGRADE_CONFIG: 'syntax.yaml' }, dir))[0]!.includes('cannot read'));
  writeFileSync(join(dir, 'port.yaml'), 'KEYGRADE_PORT: 70000\n');
  assert.ok(problemsOf(() => loadConfig({ KEYGRADE_CONFIG: 'port.yaml' }, dir)).some((x) => x.startsWith('KEYGRADE_PORT:')));
});
