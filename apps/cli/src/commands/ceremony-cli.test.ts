/**
 * `keygrade ceremony …` end to end: in-process through the command table for the many cases, and
 * once as real processes (new → sign → verify) with the secret and dice piped on stdin.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keygrade, read, tempDir, write } from '../test/harness.js';

const BIN = fileURLToPath(new URL('../bin.ts', import.meta.url));
const DICE = '3162551436225143416253461325162431526435124365214365213462531645231564321654312645321564231456213465';
const SEEDSIGNER_50 = '65515223131652132161133154444123616466443112153441';

function run(args: string[], cwd: string, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--conditions=keygrade-source', '--import', import.meta.resolve('tsx'), BIN, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

async function keys(dir: string, ...names: string[]): Promise<void> {
  for (const n of names) assert.equal((await keygrade(['ceremony', 'keygen', `${n}.pem`], { cwd: dir })).code, 0);
}

describe('keygrade ceremony (processes)', () => {
  it('new → sign → verify, dice and mnemonic on stdin; a changed byte fails', async () => {
    const dir = tempDir();
    await keys(dir, 'alice', 'bob');
    const created = await run(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'Alice', '--participants', 'Bob:witness', '-o', 't.json', '--script', 'p2wsh-multi,p2wpkh', '--json'], dir, `${DICE}\n`);
    assert.equal(created.code, 0, created.stderr);
    const result = JSON.parse(created.stdout) as { mnemonic: string; masterFingerprint: string; accounts: { path: string; xpub: string }[] };
    assert.equal(result.mnemonic.split(' ').length, 24);
    assert.deepEqual(result.accounts.map((a) => a.path), ["m/48'/0'/0'/2'", "m/84'/0'/0'"]);
    assert.doesNotMatch(read(dir, 't.json'), new RegExp(result.mnemonic.split(' ').slice(0, 3).join(' ')));

    const signed = await run(['ceremony', 'sign', 't.json', '--key', 'bob.pem', '--name', 'Bob', '--role', 'witness'], dir);
    assert.equal(signed.code, 0, signed.stderr);
    const verified = await run(['ceremony', 'verify', 't.json', '--require-signoffs', '2', '--trusted-keys', 'alice.pub,bob.pub', '--mnemonic-file', '-', '--json'], dir, `${result.mnemonic}\n`);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const v = JSON.parse(verified.stdout) as { ok: boolean; distinctSigners: number; rederived: string[] };
    assert.deepEqual([v.ok, v.distinctSigners, v.rederived], [true, 2, ['mnemonic']]);

    const bytes = readFileSync(join(dir, 't.json'));
    const at = bytes.indexOf(result.masterFingerprint);
    bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    writeFileSync(join(dir, 'bad.json'), bytes);
    const bad = await run(['ceremony', 'verify', 'bad.json'], dir);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /INVALID operator "Alice"/);
  });
  it('a bad dice character is named by position, exit 2, no transcript', async () => {
    const dir = tempDir();
    await keys(dir, 'alice');
    const r = await run(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'Alice', '-o', 't.json'], dir, '316255\n14x6\n');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /<stdin>:2:3: "x" is not a roll of a d6/);
  });
});

describe('keygrade ceremony (in-process)', () => {
  it('help of every ceremony command has examples', async () => {
    const dir = tempDir();
    for (const cmd of ['new', 'sign', 'verify', 'keygen']) {
      const r = await keygrade(['ceremony', cmd, '--help'], { cwd: dir });
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Examples:\n {2}\$ keygrade ceremony/);
    }
  });
  it('seedsigner mode reproduces the SeedSigner 50-roll vector; verify re-derives from the dice', async () => {
    const dir = tempDir();
    await keys(dir, 'alice');
    write(dir, 'rolls.txt', `${SEEDSIGNER_50.slice(0, 25)}\n${SEEDSIGNER_50.slice(25)}\n`);
    const r = await keygrade(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'Alice', '--dice-mode', 'seedsigner', '--dice-file', 'rolls.txt', '--script', 'p2wpkh', '-o', 't.json', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { mnemonic: string; masterFingerprint: string; accounts: { slip132: string }[] };
    assert.equal(j.mnemonic, 'hole luggage safe present express tragic orbit shed switch metal identify path');
    assert.equal(j.masterFingerprint, '8d9cced8');
    assert.equal(j.accounts[0]!.slip132, 'zpub6qf9ziL759pzyhKMWaPfNSiCETkoA6oq3fbCDvXqcURiMtPnkEg3nH93W5mrSkvGPoJC9xTYZheYDsYoiYc5AkSk9iY3DkCJHkFgHMdijW6');
    const v = await keygrade(['ceremony', 'verify', 't.json', '--dice-file', 'rolls.txt', '--json'], { cwd: dir });
    assert.equal(v.code, 0, v.stdout);
    const vj = JSON.parse(v.stdout) as { rederived: string[]; warnings: string[] };
    assert.deepEqual(vj.rederived, ['dice commitment', 'keys re-derived from the dice (SeedSigner)']);
    assert.match(vj.warnings.join('\n'), /one entropy source only/);
    write(dir, 'other.txt', SEEDSIGNER_50.replace(/1$/, '2'));
    const w = await keygrade(['ceremony', 'verify', 't.json', '--dice-file', 'other.txt'], { cwd: dir });
    assert.equal(w.code, 1);
    assert.match(w.stdout, /do not match the transcript's commitment/);
  });
  it('a failed health test stops the ceremony with exit 1 and no files', async () => {
    const dir = tempDir();
    await keys(dir, 'alice');
    const r = await keygrade(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'Alice', '-o', 't.json'], { cwd: dir, input: ['1111111111' + DICE.slice(10)] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dice: SP 800-90B 4\.4\.1 repetition count failed/);
    assert.throws(() => read(dir, 't.json'));
  });
  it('the secret is written only encrypted, and decrypts', async () => {
    const dir = tempDir();
    await keys(dir, 'alice');
    write(dir, 'pass.txt', 'a long passphrase\n');
    const r = await keygrade(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'Alice', '--words', '12', '--encrypt-to', 'seed.json', '--passphrase-file', 'pass.txt', '--scrypt-log-n', '14', '-o', 't.json', '--json'], { cwd: dir, input: [DICE] });
    assert.equal(r.code, 0, r.stderr);
    const { mnemonic } = JSON.parse(r.stdout) as { mnemonic: string };
    const box = read(dir, 'seed.json');
    assert.doesNotMatch(box, new RegExp(mnemonic.split(' ')[0]!));
    const { decryptSecret, parseEncryptedSecret } = await import('@keygrade/ceremony');
    assert.equal(decryptSecret(parseEncryptedSecret(box), 'a long passphrase'), mnemonic);
    assert.match(read(dir, 't.json'), /"encryptedBackup":\{"format":"keygrade-encrypted-secret\/v1","sha256":"[0-9a-f]{64}"\}/);
  });
  it('usage errors: missing key, missing dice file, unknown script', async () => {
    const dir = tempDir();
    await keys(dir, 'alice');
    assert.equal((await keygrade(['ceremony', 'new', '--operator', 'A'], { cwd: dir })).code, 2);
    const missing = await keygrade(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'A', '--dice-file', 'x.txt'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read x.txt: no such file/);
    const s = await keygrade(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'A', '--script', 'p2pk'], { cwd: dir });
    assert.match(s.stderr, /--script: "p2pk" is not one of/);
  });
  it('sign refuses a second signature by the same key and a tampered transcript', async () => {
    const dir = tempDir();
    await keys(dir, 'alice');
    assert.equal((await keygrade(['ceremony', 'new', '--key', 'alice.pem', '--operator', 'Alice', '-o', 't.json'], { cwd: dir, input: [DICE] })).code, 0);
    const again = await keygrade(['ceremony', 'sign', 't.json', '--key', 'alice.pem', '--name', 'Alice'], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already signed/);
    write(dir, 't.json', read(dir, 't.json').replace('"purpose":"key ceremony"', '"purpose":"key ceremonY"'));
    assert.equal((await keygrade(['ceremony', 'sign', 't.json', '--key', 'alice.pem', '--name', 'X'], { cwd: dir })).code, 1);
  });
});
