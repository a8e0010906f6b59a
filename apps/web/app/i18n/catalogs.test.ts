// The message catalogs: zh-CN has exactly the keys of en, the same {placeholders}, no empty
// message, and every literal key used in the sources exists.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const load = (lang: string): Record<string, string> => {
  const out = JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8')) as Record<string, string>;
  for (const f of readdirSync(join(dir, 'parts')).filter((n) => n.endsWith(`.${lang}.json`))) {
    const part = JSON.parse(readFileSync(join(dir, 'parts', f), 'utf8')) as Record<string, string>;
    for (const [k, v] of Object.entries(part)) {
      assert.ok(!(k in out), `${f}: ${k} is already defined elsewhere`);
      out[k] = v;
    }
  }
  return out;
};
const en = load('en');
const zh = load('zh-CN');
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('zh-CN has the same keys as en', () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
});

test('every message is non-empty and keeps its placeholders', () => {
  for (const [k, v] of Object.entries(en)) {
    assert.ok(v.trim(), `en ${k} is empty`);
    const z = zh[k] ?? '';
    assert.ok(z.trim(), `zh-CN ${k} is empty`);
    assert.deepEqual(placeholders(z), placeholders(v), `placeholders of ${k}`);
  }
});

test('the Chinese catalog is translated (not a copy of the English one)', () => {
  const same = Object.keys(en).filter((k) => en[k] === zh[k] && /[a-z]{4,}/i.test(en[k]!));
  assert.deepEqual(same, []);
});

test('every literal message key used in the sources exists', () => {
  const root = join(dir, '..');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts')) files.push(join(d, e.name));
    }
  };
  walk(root);
  const missing: string[] = [];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\(\s*'([\w.]+)'/g)) if (!(m[1]! in en)) missing.push(`${f}: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
});

test('every status, level and role has a message', () => {
  for (const s of ['in_place', 'in_place_comparable', 'qualified_in_place', 'not_applicable', 'not_in_place', 'not_assessed']) assert.ok(`status.${s}` in en, s);
  for (const l of [0, 1, 2, 3]) assert.ok(`level.${l}` in en, String(l));
  for (const r of ['owner', 'security_lead', 'keyholder', 'viewer']) assert.ok(`role.${r}` in en, r);
});
