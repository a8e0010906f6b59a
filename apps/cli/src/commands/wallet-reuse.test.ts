import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HDKey } from '@scure/bip32';
import { p2wpkh, Transaction } from '@scure/btc-signer';
import { keygrade, tempDir, write } from '../test/harness.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const acct = HDKey.fromMasterSeed(sha256(utf8('keygrade cli reuse'))).derive("m/84'/0'/0'");
const descriptor = `wpkh(${acct.publicExtendedKey}/<0;1>/*)`;
const key = (i: number) => acct.deriveChild(0).deriveChild(i).privateKey!;
const pay = (k: Uint8Array) => p2wpkh(secp256k1.getPublicKey(k, true));
const outsider = sha256(utf8('outsider'));

function tx(k: Uint8Array, prev: { txid: string; vout: number; amount: bigint }, outs: [Uint8Array, bigint][]): Transaction {
  const t = new Transaction();
  t.addInput({ txid: prev.txid, index: prev.vout, witnessUtxo: { script: pay(k).script, amount: prev.amount } });
  for (const [script, amount] of outs) t.addOutput({ script, amount });
  t.signIdx(k, 0);
  t.finalize();
  return t;
}

describe('keygrade wallet reuse', () => {
  const a = tx(outsider, { txid: bytesToHex(sha256(utf8('x'))), vout: 0, amount: 500_000n }, [[pay(key(0)).script, 100_000n]]);
  const b = tx(key(0), { txid: a.id, vout: 0, amount: 100_000n }, [[pay(outsider).script, 90_000n]]);
  const c = tx(outsider, { txid: bytesToHex(sha256(utf8('y'))), vout: 0, amount: 500_000n }, [[pay(key(0)).script, 20_000n], [pay(key(1)).script, 30_000n]]);

  it('reports receive #0, paid again after it was spent from (exit 1), with txids', async () => {
    const dir = tempDir();
    write(dir, 'h.txt', `${a.hex}\n${b.hex}\n${c.hex}\n`);
    write(dir, 'wallet.txt', `# our wallet\n${descriptor}\n`);
    const r = await keygrade(['wallet', 'reuse', 'h.txt', '--descriptor', 'wallet.txt', '--count', '5'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^ADDRESS REUSE: 1 of 2 wallet addresses reused, 3 receipts in 3 transactions/);
    assert.ok(r.stdout.includes(`${pay(key(0)).address} (receive #0): received-more-than-once, received-after-spend`));
    assert.ok(r.stdout.includes(`line 2: spent ${a.id}:0 in ${b.id} input 0`));
    assert.ok(r.stdout.includes(`line 3: received 20000 sat in ${c.id}:0`));
    const j = JSON.parse((await keygrade(['wallet', 'reuse', 'h.txt', '--descriptor', descriptor, '--json'], { cwd: dir })).stdout) as { findings: { receipts: { txid: string }[] }[] };
    assert.deepEqual(j.findings[0]!.receipts.map((x) => x.txid), [a.id, c.id]);
  });

  it('exit 0 without reuse; exit 2 on a malformed line or a bad descriptor', async () => {
    const dir = tempDir();
    write(dir, 'ok.txt', `${a.hex}\n${b.hex}\n`);
    assert.equal((await keygrade(['wallet', 'reuse', 'ok.txt', '--descriptor', descriptor], { cwd: dir })).code, 0);
    write(dir, 'bad.txt', `${a.hex}\nxyz\n`);
    const bad = await keygrade(['wallet', 'reuse', 'bad.txt'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.txt:2:1: the transaction is not an even number of hex digits/);
    assert.equal((await keygrade(['wallet', 'reuse', 'ok.txt', '--descriptor', 'wpkh(nope)'], { cwd: dir })).code, 2);
  });
});
