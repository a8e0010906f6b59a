#!/usr/bin/env node
// `npm start`: runs the keygrade CLI (built by the prestart step). Without arguments it scores the
// example exchange so a fresh clone shows a result at once; `npm start -- <command> ...` passes
// the arguments through, e.g. `npm start -- init my.yaml`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
const example = fileURLToPath(new URL('../examples/acme-exchange/assessment.yaml', import.meta.url));
const args = process.argv.slice(2);
if (args.length === 0) {
  console.log('Keygrade: scoring the example exchange (examples/acme-exchange/assessment.yaml)\n');
  const r = spawnSync(process.execPath, [bin, 'score', example], { stdio: 'inherit' });
  console.log('\nStart your own:   npx keygrade init my-assessment.yaml && npx keygrade checklist my-assessment.yaml');
  console.log('All commands:     npx keygrade --help      Guide: docs/guide/self-assessment.md');
  process.exit(r.status ?? 1);
}
const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
