import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keygrade, tempDir, write } from '../test/harness.js';

const vectorFile = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'secp256k1', 'nonce-reuse-f4c16475.json');
const skip = existsSync(vectorFile) ? false : `nonce-reuse vector not found at ${vectorFile} (set KEYGRADE_VECTORS_DIR)`;

describe('keygrade sigs scan', () => {
  it('has help with examples', async () => {
    const r = await keygrade(['sigs', 'scan', '--help'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ keygrade sigs scan/);
  });

  it('finds the public nonce reuse (exit 1) and prints the key only with --reveal-keys', { skip }, async () => {
    const v = JSON.parse(readFileSync(vectorFile, 'utf8')) as { raw_tx_hex: string; pubkey_hex: string; shared_r_hex: string; txid: string };
    const dir = tempDir();
    write(dir, 'a.txt', `# history\n${v.raw_tx_hex}\n\n`);
    const r = await keygrade(['sigs', 'scan', 'a.txt'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^NONCE REUSE: 2 ECDSA signatures in 1 transactions, 1 shared nonce/);
    assert.ok(r.stdout.includes(`same-key: r = ${v.shared_r_hex}`));
    assert.ok(r.stdout.includes(`a.txt:2  ${v.txid}:1  p2pkh  key ${v.pubkey_hex}  high-S`));
    assert.match(r.stdout, /PRIVATE KEY RECOVERED \(d·G matches\) — rerun with --reveal-keys/);
    const j = await keygrade(['sigs', 'scan', 'a.txt', '--json', '--reveal-keys'], { cwd: dir });
    const report = JSON.parse(j.stdout) as { findings: { keys: { privateKey?: string }[] }[] };
    assert.match(report.findings[0]!.keys[0]!.privateKey!, /^[0-9a-f]{64}$/);
  });

  it('exit 0 without reuse, 2 naming file:line on bad input', async () => {
    const dir = tempDir();
    write(dir, 'none.txt', '# nothing\n');
    assert.equal((await keygrade(['sigs', 'scan', 'none.txt'], { cwd: dir })).code, 0);
    write(dir, 'bad.txt', '\n0100000001zz\n');
    const bad = await keygrade(['sigs', 'scan', 'bad.txt'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.txt:2:11: the transaction is not an even number of hex digits/);
    assert.match((await keygrade(['sigs', 'scan', 'missing.txt'], { cwd: dir })).stderr, /cannot read missing\.txt: no such file/);
  });
});
