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

  /** P2WPKH-shaped transactions with random r values (as bench/sigs.ts writes them), deterministic. */
  const filler = (count: number, seed: number) => {
    let x = seed;
    const hex = (n: number) => {
      let s = '';
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        s += ((x >>> 16) & 255).toString(16).padStart(2, '0');
      }
      return s;
    };
    return Array.from({ length: count }, () => {
      let line = '02000000000103';
      for (let i = 0; i < 3; i++) line += `${hex(32)}0100000000ffffffff`;
      line += `011027000000000000160014${hex(20)}`;
      for (let i = 0; i < 3; i++) line += `024730440220${'7f'}${hex(31)}0220${'1f'}${hex(31)}012102${hex(32)}`;
      return `${line}00000000`;
    });
  };

  it('splits the first pass over threads with the same report, line numbers and errors as one thread', { skip }, async () => {
    const v = JSON.parse(readFileSync(vectorFile, 'utf8')) as { raw_tx_hex: string; inputs: { prevout_scriptPubKey_hex: string }[] };
    const dir = tempDir();
    const prevouts = v.inputs.map((i) => `0:${i.prevout_scriptPubKey_hex}`).join(',');
    // The reused nonce appears in the first and the last third, so the reuse spans threads; CRLF and comments in between.
    const lines = ['# history', v.raw_tx_hex, ...filler(120, 1), '', '# more', ...filler(150, 2).map((l, i) => (i % 7 ? l : `  ${l}  `)), `${v.raw_tx_hex} ${prevouts}`, ...filler(90, 3)];
    write(dir, 'h.txt', `${lines.slice(0, 200).join('\n')}\r\n${lines.slice(200).join('\r\n')}`);
    const one = await keygrade(['sigs', 'scan', 'h.txt', '--json', '--threads', '1'], { cwd: dir });
    assert.equal(one.code, 1, one.stderr);
    const report = JSON.parse(one.stdout) as { transactions: number; signatures: number; findings: { signatures: { line: number }[] }[] };
    assert.equal(report.transactions, 362);
    assert.equal(report.signatures, 2 * 2 + 360 * 3);
    assert.deepEqual(report.findings[0]!.signatures.map((s) => s.line), [2, 2, 275, 275]);
    for (const threads of ['2', '3', '7']) {
      const many = await keygrade(['sigs', 'scan', 'h.txt', '--json', '--threads', threads], { cwd: dir });
      assert.equal(many.code, 1, many.stderr);
      assert.deepEqual(JSON.parse(many.stdout), report, `--threads ${threads}`);
    }
    // A malformed line in the last third: the same file:line:column as one thread, and the first one wins.
    const bad = [...lines.slice(0, 300), `${filler(1, 4)[0]!.slice(0, 101)}`, ...lines.slice(300), '00zz'];
    write(dir, 'bad.txt', bad.join('\n'));
    for (const threads of ['1', '3']) {
      const r = await keygrade(['sigs', 'scan', 'bad.txt', '--threads', threads], { cwd: dir });
      assert.equal(r.code, 2, `--threads ${threads}`);
      assert.match(r.stderr, /^keygrade: bad\.txt:301:101: the transaction is not an even number of hex digits/, `--threads ${threads}`);
    }
    assert.match((await keygrade(['sigs', 'scan', 'h.txt', '--threads', '0'], { cwd: dir })).stderr, /--threads must be a whole number from 1 to 999, got "0"/);
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
