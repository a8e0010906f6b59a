import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { keygrade, read, tempDir, write } from '../test/harness.js';
import { nativeStatus } from '@keygrade/reserves/node';

const ACCOUNTS = 'id,BTC,ETH\nalice,1.5,0.25\nbob,0.00000001,\n"carol, c",,3\n';

async function setup(accounts = ACCOUNTS): Promise<string> {
  const dir = tempDir();
  const k = await keygrade(['por', 'keygen'], { cwd: dir });
  assert.equal(k.code, 0, k.stderr);
  write(dir, 'accounts.csv', accounts);
  return dir;
}

async function build(dir: string, args: string[] = []) {
  return keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:8,ETH:18', '-o', 'snap', ...args], { cwd: dir });
}

describe('keygrade por', () => {
  it('every por command has help with examples', async () => {
    const dir = tempDir();
    for (const cmd of ['keygen', 'build', 'proof', 'verify-proof']) {
      const r = await keygrade(['por', cmd, '--help'], { cwd: dir });
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /Examples:\n {2}\$ keygrade por/, cmd);
    }
  });

  it('keygen writes a private PEM (0600) and the hex public key, and never overwrites', async () => {
    const dir = tempDir();
    const r = await keygrade(['por', 'keygen', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout) as { publicKey: string; fingerprint: string };
    assert.match(read(dir, 'por-signing-key.pem'), /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(read(dir, 'por-signing-key.pub').trim(), info.publicKey);
    const again = await keygrade(['por', 'keygen'], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /refusing to overwrite a key/);
  });

  it('builds a snapshot, serves proofs from the store, and verifies them (exit 0)', async () => {
    const dir = await setup();
    const b = await build(dir, ['--json', '--label', 'Nov']);
    assert.equal(b.code, 0, b.stderr);
    const summary = JSON.parse(b.stdout) as { accounts: number; leafCount: number; height: number; totals: { units: string }[]; manifestHash: string };
    assert.equal(summary.accounts, 3);
    assert.equal(summary.leafCount, 16);
    assert.deepEqual(summary.totals.map((t) => t.units), ['150000001', '3250000000000000000']);
    const manifest = JSON.parse(read(dir, 'snap/manifest.json')) as { root: string; label: string };
    assert.equal(manifest.label, 'Nov');
    assert.equal(read(dir, 'snap/root.txt').trim(), manifest.root);
    const index = read(dir, 'snap/proofs/index.csv').trim().split('\n');
    assert.equal(index.length, 4);
    const carolFile = index.find((l) => l.startsWith('"carol, c",'))!.split(',').pop()!;
    const p = await keygrade(['por', 'proof', 'snap', 'carol, c'], { cwd: dir });
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.trim(), read(dir, `snap/proofs/${carolFile}`), 'store and proof file agree');
    write(dir, 'carol.json', p.stdout);
    const pub = read(dir, 'por-signing-key.pub').trim();
    const v = await keygrade(['por', 'verify-proof', 'carol.json', '--manifest', 'snap/manifest.json', '--pubkey', pub], { cwd: dir });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /VALID: account "carol, c" is included/);
    assert.match(v.stdout, /ETH {2}3\n/);
    const j = await keygrade(['por', 'verify-proof', 'carol.json', '--manifest', 'snap/manifest.json', '--pubkey', 'por-signing-key.pub', '--json'], { cwd: dir });
    assert.equal(j.code, 0);
    assert.equal((JSON.parse(j.stdout) as { valid: boolean }).valid, true);
    const missing = await keygrade(['por', 'proof', 'snap', 'mallory'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no account "mallory" in this snapshot/);
  });

  it('a tampered proof or a foreign key is invalid (exit 1, reason code); unreadable input is exit 2', async () => {
    const dir = await setup();
    assert.equal((await build(dir)).code, 0);
    const proof = JSON.parse((await keygrade(['por', 'proof', 'snap', 'alice'], { cwd: dir })).stdout) as { balances: string[]; path: unknown[] };
    proof.balances[0] = '150000001';
    write(dir, 'forged.json', JSON.stringify(proof));
    const f = await keygrade(['por', 'verify-proof', 'forged.json', '--manifest', 'snap/manifest.json', '--json'], { cwd: dir });
    assert.equal(f.code, 1);
    assert.equal((JSON.parse(f.stdout) as { code: string }).code, 'ROOT_MISMATCH');
    proof.path.pop();
    write(dir, 'short.json', JSON.stringify(proof));
    const s = await keygrade(['por', 'verify-proof', 'short.json', '--manifest', 'snap/manifest.json'], { cwd: dir });
    assert.equal(s.code, 1);
    assert.match(s.stdout, /INVALID \(PATH_LENGTH\)/);
    const other = await keygrade(['por', 'keygen', 'other.pem'], { cwd: dir });
    assert.equal(other.code, 0);
    write(dir, 'alice.json', (await keygrade(['por', 'proof', 'snap', 'alice'], { cwd: dir })).stdout);
    const k = await keygrade(['por', 'verify-proof', 'alice.json', '--manifest', 'snap/manifest.json', '--pubkey', 'other.pub'], { cwd: dir });
    assert.equal(k.code, 1);
    assert.match(k.stdout, /INVALID \(WRONG_KEY\)/);
    write(dir, 'junk.json', '{not json');
    const junk = await keygrade(['por', 'verify-proof', 'junk.json', '--manifest', 'snap/manifest.json'], { cwd: dir });
    assert.equal(junk.code, 2);
    assert.match(junk.stderr, /junk\.json is not JSON/);
    write(dir, 'shape.json', JSON.stringify({ ...proof, extra: true }));
    const shape = await keygrade(['por', 'verify-proof', 'shape.json', '--manifest', 'snap/manifest.json'], { cwd: dir });
    assert.equal(shape.code, 2);
    assert.match(shape.stderr, /shape\.json: extra: unknown field/);
    assert.doesNotMatch(shape.stderr, /at .*\.ts:\d+/);
  });

  it('chains snapshots with --previous, and detects a broken chain', async () => {
    const dir = await setup();
    assert.equal((await build(dir)).code, 0);
    const second = await keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:8,ETH:18', '-o', 'snap2', '--previous', 'snap/manifest.json', '--time', '2026-12-31T00:00:00Z'], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    write(dir, 'bob.json', (await keygrade(['por', 'proof', 'snap2', 'bob'], { cwd: dir })).stdout);
    const ok = await keygrade(['por', 'verify-proof', 'bob.json', '--manifest', 'snap2/manifest.json', '--previous', 'snap/manifest.json'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /Chain: follows the previous manifest/);
    const broken = await keygrade(['por', 'verify-proof', 'bob.json', '--manifest', 'snap2/manifest.json', '--previous', 'snap2/manifest.json'], { cwd: dir });
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /INVALID \(CHAIN_BROKEN\)/);
    const early = await keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:8,ETH:18', '-o', 'snap3', '--previous', 'snap2/manifest.json'], { cwd: dir });
    assert.equal(early.code, 2);
    assert.match(early.stderr, /is not after the previous manifest's/);
  });

  it('reads NDJSON and honours --height and --proof-files no', async () => {
    const dir = await setup();
    write(dir, 'accounts.ndjson', '{"id":"a","balances":{"BTC":"2"}}\n{"id":"b","balances":{"ETH":"1"}}');
    const r = await keygrade(['por', 'build', 'accounts.ndjson', '--assets', 'BTC:8,ETH:18', '-o', 'out', '--height', '12', '--proof-files', 'no', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { height: number }).height, 12);
    assert.equal(existsSync(join(dir, 'out', 'proofs')), false);
    const p = JSON.parse((await keygrade(['por', 'proof', 'out', 'b'], { cwd: dir })).stdout) as { path: unknown[] };
    assert.equal(p.path.length, 12);
  });

  describe('bad input stops the build with file:line and writes nothing', () => {
    const cases: [string, string, RegExp][] = [
      ['bad amount', 'id,BTC\na,1\nb,1.2.3\n', /accounts\.csv:3: BTC: "1\.2\.3" is not a decimal amount/],
      ['unknown asset', 'id,BTC,DOGE\na,1,1\n', /accounts\.csv:1: column 3 "DOGE" is not one of the assets/],
      ['duplicate id', 'id,BTC\na,1\nb,2\na,3\n', /accounts\.csv:4: duplicate user id "a" \(first on line 2\)/],
      ['negative value', 'id,BTC\na,1\nb,-0.5\n', /accounts\.csv:3: BTC: negative amount -0\.5/],
      ['too many decimals', 'id,BTC,ETH\na,1.123456789,0\n', /accounts\.csv:2: BTC: 1\.123456789 has more than 8 decimals/],
      ['wrong field count', 'id,BTC\na,1,2\n', /accounts\.csv:2: expected 2 fields/],
      ['empty file', '', /holds no account/],
    ];
    for (const [name, text, message] of cases) for (const mode of [[], ['--stream']]) {
      it(`${name}${mode.length ? ' (--stream)' : ''}`, async () => {
        const dir = await setup(text);
        const r = await build(dir, mode);
        assert.equal(r.code, 2, r.stdout);
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
        assert.deepEqual(readdirSync(dir).sort(), ['.keygrade', 'accounts.csv', 'por-signing-key.pem', 'por-signing-key.pub'].filter((f) => existsSync(join(dir, f))).sort(), 'no snapshot folder, no temporary folder');
      });
    }
    it('invalid UTF-8', async () => {
      const dir = await setup();
      writeFileSync(join(dir, 'accounts.csv'), Buffer.concat([Buffer.from('id,BTC\na,1\n'), Buffer.from([0x62, 0xff, 0x2c, 0x31, 0x0a])]));
      const r = await build(dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /accounts\.csv:3: not valid UTF-8/);
    });
  });

  for (const mode of [[], ['--stream']]) {
    it(`an overflowing total found while hashing also leaves nothing behind${mode.length ? ' (--stream)' : ''}`, async () => {
      const half = (1n << 127n).toString();
      const dir = await setup(`id,BTC\na,${half}\nb,${half}\n`);
      const r = await keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:0', '-o', 'snap', ...mode], { cwd: dir });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /the total of BTC exceeds 2\^128 - 1 base units/);
      assert.deepEqual(readdirSync(dir).filter((f) => f.includes('snap')), []);
    });
  }

  it('--stream builds the same kind of snapshot: same totals and shape, proofs that verify, files in the same layout', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `u${i},${i % 7}.5,${i}`);
    const dir = await setup(`id,BTC,ETH\n${rows.join('\n')}\n"quoted, id",1,\n`);
    const mem = await build(dir, ['--json', '--time', '2026-11-30T00:00:00Z']);
    assert.equal(mem.code, 0, mem.stderr);
    const st = await keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:8,ETH:18', '-o', 'snap-s', '--stream', '--workers', '2', '--json', '--time', '2026-11-30T00:00:00Z'], { cwd: dir });
    assert.equal(st.code, 0, st.stderr);
    const a = JSON.parse(mem.stdout) as Record<string, unknown>;
    const b = JSON.parse(st.stdout) as Record<string, unknown>;
    for (const k of ['accounts', 'leafCount', 'height', 'totals', 'proofFiles']) assert.deepEqual(b[k], a[k], k);
    assert.equal(a.mode, 'memory');
    assert.equal(b.mode, 'stream');
    // Below 50,000 accounts the in-memory build hashes on the main thread; the streaming one used two workers.
    assert.equal(a.hashing, 'node:crypto');
    assert.equal(b.hashing, nativeStatus().available ? 'native' : 'node:crypto');
    assert.notEqual(b.root, a.root, 'fresh salts and shuffle: another root');
    const files = (d: string) => readdirSync(join(dir, d, 'store')).sort();
    assert.deepEqual(files('snap-s'), files('snap'));
    for (const f of files('snap')) assert.equal(readFileSync(join(dir, 'snap-s', 'store', f)).length, readFileSync(join(dir, 'snap', 'store', f)).length, f);
    assert.deepEqual(readdirSync(join(dir, 'snap-s')).sort(), ['manifest.json', 'proofs', 'root.txt', 'store']);
    assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp-')).length, 0, 'no work files left');
    const index = read(dir, 'snap-s/proofs/index.csv').trim().split('\n');
    assert.equal(index.length, 3002);
    const quoted = index.find((l) => l.startsWith('"quoted, id",'))!.split(',').pop()!;
    const p = await keygrade(['por', 'proof', 'snap-s', 'quoted, id'], { cwd: dir });
    assert.equal(p.stdout.trim(), read(dir, `snap-s/proofs/${quoted}`), 'store and proof file agree');
    write(dir, 'q.json', p.stdout);
    const v = await keygrade(['por', 'verify-proof', 'q.json', '--manifest', 'snap-s/manifest.json', '--pubkey', 'por-signing-key.pub'], { cwd: dir });
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, /VALID: account "quoted, id" is included/);
    const both = await build(dir, ['--stream', '--in-memory']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /choose --stream or --in-memory/);
  });

  it('files from KEYGRADE_POR_STREAM_FROM bytes on (default 1 GiB) stream without --stream; --in-memory overrides', async () => {
    const text = `id,BTC,ETH\n${Array.from({ length: 50 }, (_, i) => `u${i},1,2`).join('\n')}\n`;
    const dir = await setup(text);
    const size = Buffer.byteLength(text);
    const run = (out: string, from: string, extra: string[] = []) =>
      keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:8,ETH:18', '-o', out, '--json', ...extra], { cwd: dir, env: { KEYGRADE_POR_STREAM_FROM: from } });
    const mode = async (out: string, from: string, extra: string[] = []) => {
      const r = await run(out, from, extra);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { mode: string }).mode;
    };
    assert.equal(await mode('a', String(size)), 'stream', 'a file of exactly the threshold streams');
    assert.equal(await mode('b', String(size + 1)), 'memory', 'one byte below it stays in memory');
    assert.equal(await mode('c', '1K', ['--in-memory']), 'memory');
    assert.equal(await mode('d', ''), 'memory', 'unset: 1 GiB');
    const bad = await run('e', 'lots');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /KEYGRADE_POR_STREAM_FROM must be a size in bytes such as 536870912 or 512M \(got "lots"\)/);
    assert.ok(!existsSync(join(dir, 'e')));
  });

  it('builds 60,000 accounts on worker threads and serves a proof that verifies, with proof files and without (block mode)', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `u${i},${i % 7}.5,${i}`);
    const dir = await setup(`id,BTC,ETH\n${rows.join('\n')}\n`);
    // Without proof files no level is kept, and the workers hash whole blocks and write their levels to nodes.bin themselves.
    for (const [out, extra] of [['snap', []], ['blocks', ['--proof-files', 'no']]] as const) {
      const b = await keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:8,ETH:18', '-o', out, '--workers', '2', '--json', ...extra], { cwd: dir });
      assert.equal(b.code, 0, b.stderr);
      const s = JSON.parse(b.stdout) as { leafCount: number; proofFiles: number; totals: { units: string }[] };
      assert.equal(s.leafCount, 61_440);
      assert.equal(s.totals[1]!.units, (BigInt(59_999 * 60_000 / 2) * 10n ** 18n).toString());
      assert.equal(existsSync(join(dir, out, 'proofs')), extra.length === 0, out);
      for (const [user, expected] of [['u31337', /BTC {2}5\.5\n {2}ETH {2}31337\n/], ['u0', /BTC {2}0\.5\n {2}ETH {2}0\n/], ['u59999', /BTC {2}2\.5\n {2}ETH {2}59999\n/]] as const) {
        write(dir, 'p.json', (await keygrade(['por', 'proof', out, user], { cwd: dir })).stdout);
        const v = await keygrade(['por', 'verify-proof', 'p.json', '--manifest', `${out}/manifest.json`, '--pubkey', 'por-signing-key.pub'], { cwd: dir });
        assert.equal(v.code, 0, `${out} ${user}: ${v.stdout}`);
        assert.match(v.stdout, expected);
      }
    }
    assert.equal(readFileSync(join(dir, 'blocks', 'store', 'nodes.bin')).length, readFileSync(join(dir, 'snap', 'store', 'nodes.bin')).length, 'the same store layout');
  });

  it('a file big enough to start the hashing workers while it is read ends the process, when it fails and when it has too few accounts to use them', async () => {
    // 34,000 rows of 12 bytes or more: over 400,000 bytes (workers started), under 50,000 accounts (hashed on one thread).
    const rows = Array.from({ length: 34_000 }, (_, i) => `u${i},${i % 7}.5,1`);
    const dir = await setup(`id,BTC,ETH\n${rows.join('\n')}\n`);
    write(dir, 'bad.csv', `id,BTC,ETH\n${rows.join('\n')}\nlast,1.2.3,1\n`);
    const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
    // A separate process: hashing workers left running would keep it alive (the test then times out).
    const run = (file: string, out: string) => spawnSync(process.execPath, ['--conditions=keygrade-source', '--import', import.meta.resolve('tsx'), bin, 'por', 'build', file, '--assets', 'BTC:8,ETH:18', '-o', out, '--json', '--proof-files', 'no'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', KEYGRADE_HOME: join(dir, '.keygrade') }, encoding: 'utf8', timeout: 60_000 });
    const bad = run('bad.csv', 'bad');
    assert.equal(bad.signal, null, 'the process ended by itself');
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /bad\.csv:34002: BTC: "1\.2\.3" is not a decimal amount/);
    assert.equal(existsSync(join(dir, 'bad')), false);
    const ok = run('accounts.csv', 'snap');
    assert.equal(ok.signal, null, 'the process ended by itself');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { accounts: number }).accounts, 34_000);
  });

  it('refuses a missing key, a bad --assets, an unknown format and an existing output folder', async () => {
    const dir = tempDir();
    write(dir, 'accounts.csv', ACCOUNTS);
    const noKey = await build(dir);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /no signing key: por-signing-key\.pem does not exist here\. Create one with `keygrade por keygen`/);
    write(dir, 'bad.pem', 'not a key');
    const badKey = await build(dir, ['--key', 'bad.pem']);
    assert.equal(badKey.code, 2);
    assert.match(badKey.stderr, /bad\.pem is not an Ed25519 private key/);
    await keygrade(['por', 'keygen'], { cwd: dir });
    const assets = await keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC', '-o', 'x'], { cwd: dir });
    assert.equal(assets.code, 2);
    assert.match(assets.stderr, /"BTC" is not SYMBOL:DECIMALS/);
    write(dir, 'accounts.txt', ACCOUNTS);
    const fmt = await keygrade(['por', 'build', 'accounts.txt', '--assets', 'BTC:8', '-o', 'x'], { cwd: dir });
    assert.equal(fmt.code, 2);
    assert.match(fmt.stderr, /pass --format csv or --format ndjson/);
    write(dir, 'snap', 'a file');
    const exists = await build(dir);
    assert.equal(exists.code, 2);
    assert.match(exists.stderr, /already exists and is not an empty folder/);
    assert.equal(readFileSync(join(dir, 'snap'), 'utf8'), 'a file');
  });
});
