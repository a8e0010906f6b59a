#!/usr/bin/env node
// The browser suite: builds the web app, starts the real server (`keygrade serve`, from the
// TypeScript sources) on a temporary SQLite database (then on a fresh PostgreSQL database when
// KEYGRADE_TEST_PG_URL is set) and a free port, and runs
// apps/web/e2e/*.test.ts (node:test + playwright-core) against it with Debian's Chromium.
// Screenshots of the main pages land in docs/screenshots/.
// Usage: node scripts/test-browser.mjs [test-name-pattern]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const chromium = process.env.KEYGRADE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`test-browser: no Chromium at ${chromium}. Install it with: apt-get install -y chromium (or set KEYGRADE_CHROMIUM)`);
  process.exit(1);
}

console.log('== building the web app');
const build = spawnSync('npm', ['run', 'build', '--silent', '-w', '@keygrade/web'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const tsxEnv = (extra) => ({ ...process.env, ...extra, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=keygrade-source --import tsx`.trim() });

/** Runs the whole suite against a fresh server on one database; returns the exit code. */
async function suite(label, databaseUrl, screenshots) {
  const data = mkdtempSync(join(tmpdir(), 'keygrade-e2e-'));
  const dbUrl = databaseUrl ?? join(data, 'keygrade.sqlite');
  const serverEnv = tsxEnv({
    KEYGRADE_DATA_DIR: data,
    KEYGRADE_DATABASE_URL: dbUrl,
    KEYGRADE_LOG_LEVEL: 'warn',
    KEYGRADE_REFERENCE_DIR: process.env.KEYGRADE_REFERENCE_DIR ?? join(root, '..', 'shared', 'reference'),
  });
  delete serverEnv.KEYGRADE_MASTER_KEY;

  console.log(`== starting the server on ${label} (data in ${data})`);
  const server = spawn(process.execPath, ['apps/cli/src/bin.ts', 'serve', '--port', '0', '--quiet', '--db', dbUrl], { cwd: root, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stderr.on('data', (d) => (serverLog += d));
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the server did not start in 60 s:\n${out}${serverLog}`)), 60_000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited with ${code}:\n${out}${serverLog}`));
    });
  }).catch((e) => {
    console.error(`test-browser: ${e.message}`);
    rmSync(data, { recursive: true, force: true });
    return undefined;
  });
  if (!url) return 1;
  console.log(`== server at ${url}`);

  // The first account becomes the instance administrator: make it here, so which test signs up
  // first does not matter; and register a witness of the audit log so its status shows.
  const admin = { email: 'admin@e2e.keygrade.test', password: 'long operator passphrase for the e2e run 7' };
  const signup = await fetch(`${url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...admin, name: 'Instance admin' }) });
  if (signup.status !== 201) {
    console.error(`test-browser: could not create the administrator: ${signup.status} ${await signup.text()}`);
    server.kill('SIGKILL');
    return 1;
  }
  const cli = (...args) => spawnSync(process.execPath, ['apps/cli/src/bin.ts', ...args], { cwd: root, env: serverEnv, encoding: 'utf8' });
  const keygen = cli('witness', 'keygen', 'witness-e2e.example', '-o', data);
  const vkey = keygen.status === 0 ? readFileSync(join(data, 'witness-e2e.example.vkey'), 'utf8').trim() : '';
  if (!vkey || cli('log', 'add-witness', 'keygrade-audit', vkey, '--db', dbUrl).status !== 0) console.error('test-browser: could not register a witness (the log page test will say so)');

  const files = readdirSync(join(root, 'apps/web/e2e'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join('apps/web/e2e', f));
  const pattern = process.argv[2];
  const args = ['--test', '--test-reporter=spec', '--test-concurrency=1', ...(pattern ? ['--test-name-pattern', pattern] : []), ...files];
  const code = await new Promise((ok) => {
    const t = spawn(process.execPath, args, {
      cwd: root,
      env: tsxEnv({ KEYGRADE_E2E_URL: url, ...(screenshots ? { KEYGRADE_E2E_SCREENSHOTS: join(root, 'docs/screenshots') } : {}), KEYGRADE_CHROMIUM: chromium, KEYGRADE_E2E_ADMIN_EMAIL: admin.email, KEYGRADE_E2E_ADMIN_PASSWORD: admin.password }),
      stdio: 'inherit',
    });
    t.on('exit', (c) => ok(c ?? 1));
  });

  server.kill('SIGTERM');
  await new Promise((ok) => {
    const t = setTimeout(() => {
      server.kill('SIGKILL');
      ok();
    }, 10_000);
    server.on('exit', () => {
      clearTimeout(t);
      ok();
    });
  });
  if (code !== 0 && serverLog.trim()) console.error(`-- server log --\n${serverLog.slice(-5000)}`);
  rmSync(data, { recursive: true, force: true });
  console.log(code === 0 ? `== browser suite passed on ${label}` : `== browser suite failed on ${label} (exit ${code})`);
  return code;
}

// SQLite always (with screenshots); PostgreSQL too when KEYGRADE_TEST_PG_URL is set, on a fresh
// database that is dropped afterwards.
let status = await suite('sqlite', undefined, true);
const pgUrl = process.env.KEYGRADE_TEST_PG_URL;
if (status === 0 && pgUrl) {
  const { default: pg } = await import('pg');
  const name = `keygrade_e2e_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const u = new URL(pgUrl);
    u.pathname = `/${name}`;
    status = await suite('postgres', u.toString(), false);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
} else if (status === 0) console.log('== PostgreSQL browser run skipped: set KEYGRADE_TEST_PG_URL (CI does)');
console.log(status === 0 ? '== browser suite passed (screenshots in docs/screenshots/)' : '== browser suite failed');
process.exit(status);
