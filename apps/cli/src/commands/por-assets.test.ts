import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bindingMessage } from '@keygrade/reserves/assets';
import { toHex } from '@keygrade/reserves';
// Test-only fixtures of the reserves package: keys, addresses and proofs signed at run time.
import { bip127File, key, manifest, pay, signBip127, signSimple, txid } from '../../../../packages/reserves/src/assets/test-fixtures.js';
import { keygrade, tempDir, write } from '../test/harness.js';

const HEIGHT = 850_000;
const HASH = 'cd'.repeat(32);
const alice = key('cli alice');
const bob = key('cli bob');
const wpkh = pay.wpkh(alice);
const tr = pay.tr(bob);

function setup(btcLiabilities: bigint, proofs: (msg: string) => unknown[]): string {
  const dir = tempDir();
  const m = manifest(btcLiabilities);
  const msg = bindingMessage({ snapshotId: m.snapshotId, root: m.root, height: HEIGHT });
  write(dir, 'manifest.json', JSON.stringify(m));
  write(dir, 'utxos.csv', `# height=${HEIGHT} blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${txid('w1')}:0,150000000,${toHex(wpkh.script)},849999\n${txid('t1')}:3,50000000,${toHex(tr.script)},1\n`);
  write(dir, 'proofs.json', JSON.stringify({ scheme: 'keygrade-por-assets/v1', proofs: proofs(msg) }));
  return dir;
}

const good = (msg: string) => [
  { type: 'bip322', address: wpkh.address, signature: signSimple(wpkh, [alice], msg), label: 'hot wallet' },
  { type: 'bip127', tx: signBip127(msg, [{ txid: txid('t1'), vout: 3, amount: 50_000_000n, payment: tr, keys: [bob] }]) },
];
const args = ['por', 'assets', '--manifest', 'manifest.json', '--utxos', 'utxos.csv', '--proofs', 'proofs.json'];

describe('keygrade por assets', () => {
  it('has help with examples', async () => {
    const r = await keygrade(['por', 'assets', '--help'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ keygrade por assets/);
  });

  it('exit 0: every proof verifies and BTC is solvent; ETH has no asset proof', async () => {
    const dir = setup(2n * 10n ** 8n, good);
    const r = await keygrade(args, { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /BTC {2}reserves 2 \/ liabilities 2 = 1\.00000000 {2}solvent/);
    assert.match(r.stdout, /ETH {2}no asset proof/);
    const j = await keygrade([...args, '--json'], { cwd: dir });
    const report = JSON.parse(j.stdout) as { ok: boolean; assets: { symbol: string; reserves: string; solvent: boolean | null }[] };
    assert.equal(report.ok, true);
    assert.deepEqual(report.assets.map((a) => [a.symbol, a.reserves, a.solvent]), [['BTC', '200000000', true], ['ETH', null, null]]);
  });

  it('exit 1 when insolvent, or when a proof fails', async () => {
    const poor = await keygrade(args, { cwd: setup(2n * 10n ** 8n + 1n, good) });
    assert.equal(poor.code, 1);
    assert.match(poor.stdout, /INSOLVENT/);
    const wrong = await keygrade(args, { cwd: setup(10n ** 8n, (msg) => [{ type: 'bip322', address: wpkh.address, signature: signSimple(wpkh, [alice], `${msg}x`) }]) });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /FAIL {2}proofs\.json#0 bip322\/simple .*BAD_SIGNATURE/);
  });

  it('exit 2 for malformed inputs, naming the file and line or field', async () => {
    const dir = setup(10n ** 8n, good);
    write(dir, 'bad.csv', `# height=${HEIGHT} blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${txid('w1')}:0,99999999999999999,51,1\n`);
    const s = await keygrade(['por', 'assets', '--manifest', 'manifest.json', '--utxos', 'bad.csv', '--proofs', 'proofs.json'], { cwd: dir });
    assert.equal(s.code, 2);
    assert.match(s.stderr, /bad\.csv:3: amount/);
    write(dir, 'proofs.json', JSON.stringify({ scheme: 'keygrade-por-assets/v1', proofs: [{ type: 'bip322', address: 'tb1qnotmainnet', signature: 'x' }] }));
    const p = await keygrade(args, { cwd: dir });
    assert.equal(p.code, 2);
    assert.match(p.stderr, /proofs\.json: proofs\[0\]\.address: not a bitcoin address/);
    const m = await keygrade(['por', 'assets', '--utxos', 'utxos.csv', '--proofs', 'proofs.json'], { cwd: dir });
    assert.equal(m.code, 2);
  });

  it('--print-message prints the binding message; a folder of proofs files is read in name order', async () => {
    const dir = setup(10n ** 8n, good);
    const r = await keygrade(['por', 'assets', '--manifest', 'manifest.json', '--utxos', 'utxos.csv', '--print-message'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout.trim(), /^keygrade-por-v1 snapshot=[0-9a-f]{64} root=[0-9a-f]{64} height=850000$/);
    mkdirSync(join(dir, 'p'));
    const m = manifest(10n ** 8n);
    const msg = bindingMessage({ snapshotId: m.snapshotId, root: m.root, height: HEIGHT });
    const [a, b] = good(msg);
    write(dir, 'p/1.json', JSON.stringify({ scheme: 'keygrade-por-assets/v1', proofs: [a] }));
    write(dir, 'p/2.json', JSON.stringify({ scheme: 'keygrade-por-assets/v1', proofs: [b, a] }));
    const d = await keygrade(['por', 'assets', '--manifest', 'manifest.json', '--utxos', 'utxos.csv', '--proofs', 'p', '--json'], { cwd: dir });
    assert.equal(d.code, 0, d.stdout);
    const report = JSON.parse(d.stdout) as { duplicates: { outpoint: string; proofs: string[] }[]; assets: { reserves: string }[] };
    assert.equal(report.assets[0]!.reserves, '200000000');
    assert.deepEqual(report.duplicates, [{ outpoint: `${txid('w1')}:0`, proofs: [join('p', '1.json#0'), join('p', '2.json#1')] }]);
  });

  it('reads a BIP-127 proof file (protobuf), alone or in a folder; a damaged one is exit 2 naming the file', async () => {
    const dir = setup(2n * 10n ** 8n, good);
    const m = manifest(2n * 10n ** 8n);
    const msg = bindingMessage({ snapshotId: m.snapshotId, root: m.root, height: HEIGHT });
    const tx = signBip127(msg, [{ txid: txid('t1'), vout: 3, amount: 50_000_000n, payment: tr, keys: [bob] }]);
    const file = bip127File({ version: 1, magic: 0xd9b4bef9, message: msg, blockHash: Buffer.from(HASH, 'hex'), proofs: [{ tx }] });
    writeFileSync(join(dir, 'reserves.proof'), file);
    const one = await keygrade(['por', 'assets', '--manifest', 'manifest.json', '--utxos', 'utxos.csv', '--proofs', 'reserves.proof', '--json'], { cwd: dir });
    assert.equal(one.code, 1, 'valid, but 0.5 BTC does not cover 2 BTC of liabilities');
    const r = JSON.parse(one.stdout) as { proofs: { file: string; label: string; valid: boolean }[]; assets: { reserves: string }[] };
    assert.deepEqual(r.proofs.map((p) => [p.file, p.label, p.valid]), [['reserves.proof', 'final_proofs[0]', true]]);
    assert.equal(r.assets[0]!.reserves, '50000000');
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p/reserves.proof'), file);
    write(dir, 'p/hot.json', JSON.stringify({ scheme: 'keygrade-por-assets/v1', proofs: [good(msg)[0]] }));
    write(dir, 'p/notes.txt', 'ignored');
    const both = await keygrade(['por', 'assets', '--manifest', 'manifest.json', '--utxos', 'utxos.csv', '--proofs', 'p'], { cwd: dir });
    assert.equal(both.code, 0, both.stdout + both.stderr);
    assert.match(both.stdout, /BTC {2}reserves 2 \/ liabilities 2 = 1\.00000000 {2}solvent/);
    writeFileSync(join(dir, 'bad.proof'), file.subarray(0, file.length - 3));
    const bad = await keygrade(['por', 'assets', '--manifest', 'manifest.json', '--utxos', 'utxos.csv', '--proofs', 'bad.proof'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.proof is not a valid BIP-127 proof file/);
    assert.match(bad.stderr, /bytes: not a protobuf message/);
  });
});
