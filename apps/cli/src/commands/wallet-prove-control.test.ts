import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import { p2pkh, p2wpkh, Transaction } from '@scure/btc-signer';
import { RawWitness } from '@scure/btc-signer/script.js';
import { legacyMessageHash, toSpend, txidOf } from '@keygrade/reserves/assets';
import { keygrade, read, tempDir } from '../test/harness.js';

const key = sha256(new TextEncoder().encode('keygrade control key'));
const pub = secp256k1.getPublicKey(key, true);
const wpkh = p2wpkh(pub);

/** A BIP-322 simple signature by the P2WPKH key: to_spend / to_sign built here, signed by @scure/btc-signer. */
function bip322(message: string): string {
  const tx = new Transaction({ version: 0, lockTime: 0, allowUnknownOutputs: true });
  tx.addInput({ txid: txidOf(toSpend(wpkh.script, message)), index: 0, sequence: 0, witnessUtxo: { script: wpkh.script, amount: 0n } });
  tx.addOutput({ script: Uint8Array.of(0x6a), amount: 0n });
  tx.signIdx(key, 0);
  tx.finalize();
  return base64.encode(RawWitness.encode(tx.getInput(0).finalScriptWitness!));
}

/** A legacy signmessage signature (header 31 + recovery id: compressed P2PKH). */
function legacy(message: string): string {
  const sig = secp256k1.sign(legacyMessageHash(message), key, { prehash: false, format: 'recovered' });
  return base64.encode(Uint8Array.of(31 + sig[0]!, ...sig.subarray(1)));
}

describe('keygrade wallet prove-control', () => {
  it('challenge → BIP-322 answer passes and is logged with the date; reusing it fails', async () => {
    const dir = tempDir();
    const c = await keygrade(['wallet', 'prove-control', 'challenge', '--key', 'k1', '--address', wpkh.address!], { cwd: dir });
    assert.equal(c.code, 0, c.stderr);
    const log = JSON.parse(read(dir, 'proof-of-control.json')) as { challenges: { message: string; nonce: string }[] };
    const message = log.challenges[0]!.message;
    assert.ok(c.stdout.includes(message));
    assert.match(message, new RegExp(`^Keygrade proof of control\\nkey: k1\\naddress: ${wpkh.address}\\ndate: 2026-11-22T10:00:00.000Z\\nnonce: [0-9a-f]{64}$`));
    const v = await keygrade(['wallet', 'prove-control', 'verify', '--key', 'k1', '--signature', bip322(message)], { cwd: dir });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^PASS: key k1 signed the challenge \(bip322\) — recorded 2026-11-22T10:00:00.000Z/);
    const again = await keygrade(['wallet', 'prove-control', 'verify', '--key', 'k1', '--signature', bip322(message)], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /no open challenge/);
  });

  it('legacy answers; a signature of another message fails (exit 1); status --overdue flags keys', async () => {
    const dir = tempDir();
    const addr = p2pkh(pub).address!;
    await keygrade(['wallet', 'prove-control', 'challenge', '--key', 'k2', '--address', addr, '--log', 'c.json'], { cwd: dir });
    const bad = await keygrade(['wallet', 'prove-control', 'verify', '--key', 'k2', '--log', 'c.json', '--signature', legacy('something else')], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^FAIL: key k2: invalid signature/);
    const message = (JSON.parse(read(dir, 'c.json')) as { challenges: { message: string }[] }).challenges[0]!.message;
    const ok = await keygrade(['wallet', 'prove-control', 'verify', '--key', 'k2', '--log', 'c.json', '--signature', legacy(message)], { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /\(legacy\)/);
    const s = await keygrade(['wallet', 'prove-control', 'status', '--log', 'c.json', '--overdue', '30', '--key', 'k2,k9'], { cwd: dir });
    assert.equal(s.code, 1);
    assert.match(s.stdout, /^OVERDUE: 1 of 2 keys/);
    assert.match(s.stdout, /k2 +last passed 2026-11-22 \(0 days ago\)\n/);
    assert.match(s.stdout, /k9 +never passed {2}OVERDUE/);
    const j = JSON.parse((await keygrade(['wallet', 'prove-control', 'status', '--log', 'c.json', '--json'], { cwd: dir })).stdout) as { keys: { key: string; lastSuccess: string }[] };
    assert.deepEqual(j.keys.map((k) => [k.key, k.lastSuccess]), [['k2', '2026-11-22T10:00:00.000Z']]);
  });

  it('usage errors exit 2', async () => {
    const dir = tempDir();
    assert.equal((await keygrade(['wallet', 'prove-control', 'challenge', '--key', 'k1'], { cwd: dir })).code, 2);
    assert.match((await keygrade(['wallet', 'prove-control', 'challenge', '--key', 'k1', '--address', 'bc1qnope'], { cwd: dir })).stderr, /--address: not a bitcoin address/);
    assert.equal((await keygrade(['wallet', 'prove-control', 'dance'], { cwd: dir })).code, 2);
  });
});
