#!/usr/bin/env node
// Builds the optional native hashing module of the proof-of-reserves builds
// (packages/reserves/native/hashing.c) with node-gyp, against the headers of the running Node.js,
// whose OpenSSL it calls. Run by `npm run build` (so by `npm install` and `npm start`).
//
// It needs a C compiler, make and Python (node-gyp's own needs). Without them, or without Node's
// headers, it prints a warning and exits 0: `keygrade por build` then hashes with node:crypto in
// JavaScript, the same trees, slower on several cores (docs/decisions.md, decision 265). With
// KEYGRADE_REQUIRE_NATIVE=1 (CI) a failed build is an error. Nothing happens when the module is
// newer than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../packages/reserves/native/', import.meta.url));
const target = join(dir, 'build', 'Release', 'keygrade_reserves.node');
const sources = ['hashing.c', 'binding.gyp'].map((f) => join(dir, f));
const required = process.env.KEYGRADE_REQUIRE_NATIVE === '1';

function giveUp(why) {
  if (required) {
    console.error(`keygrade: the native hashing module did not build: ${why}`);
    process.exit(1);
  }
  console.warn(`keygrade: the native hashing module was not built (${why}); proof-of-reserves builds will hash with node:crypto instead (same results, slower).`);
  process.exit(0);
}

if (process.env.KEYGRADE_NATIVE === '0' && !required) {
  console.warn('keygrade: KEYGRADE_NATIVE=0, the native hashing module is not built.');
  process.exit(0);
}
if (existsSync(target) && sources.every((s) => statSync(s).mtimeMs <= statSync(target).mtimeMs)) process.exit(0);

/** node-gyp: the copy npm runs scripts with, else the one bundled with npm, else one installed here. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  return candidates.find((c) => c && existsSync(c));
}

/** Node's headers: npm's nodedir setting, else the installation the running node comes from. */
function findNodeDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include', 'node', 'node_api.h'))) return configured;
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return undefined;
}

const gyp = findNodeGyp();
if (!gyp) giveUp('node-gyp not found');
const nodedir = findNodeDir();
if (!nodedir) giveUp(`Node.js headers not found next to ${process.execPath} (set npm's nodedir)`);
if (!existsSync(join(nodedir, 'include', 'node', 'openssl', 'sha.h'))) giveUp(`${nodedir}/include/node has no OpenSSL headers (a Node.js built with a shared OpenSSL?)`);

const run = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
if (run.error) giveUp(run.error.message);
if (run.status !== 0) {
  const tail = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  console.error(tail);
  giveUp(`node-gyp exited with ${run.status}`);
}
if (!existsSync(target)) giveUp(`node-gyp did not produce ${target}`);
