#!/usr/bin/env node
// Entry point linked as `keygrade`: runs the compiled CLI. Kept as plain JavaScript in git so npm can
// link it at install time, before the TypeScript build has produced dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hugePageEnv, relaunch } from './hugepages.js';

const compiled = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  console.error('keygrade: the CLI is not built yet; run `npm run build` in the Keygrade folder.');
  process.exit(3);
}
const args = process.argv.slice(2);
const env = hugePageEnv(args, process.env, process.platform);
if (env) relaunch(fileURLToPath(import.meta.url), args, env);
else await import(compiled.href);
