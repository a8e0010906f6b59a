#!/usr/bin/env node
// Runs every *.test.ts under packages/ and apps/ with node's test runner, straight from the
// TypeScript sources (tsx + the "keygrade-source" export condition), so no build is needed.
// Usage: node scripts/test.mjs [path-filter ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const skip = new Set(['node_modules', 'dist', '.git']);
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (skip.has(e.name)) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.test\.ts$/.test(e.name) ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const files = ['packages', 'apps']
  .flatMap((d) => walk(join(root, d)))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=keygrade-source --import tsx`.trim() };
env.KEYGRADE_REFERENCE_DIR ??= join(root, '..', 'shared', 'reference');
env.KEYGRADE_VECTORS_DIR ??= join(root, '..', 'shared', 'vectors');
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
