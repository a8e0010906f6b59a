/** Address reuse over real P2WPKH transactions built and signed at run time with @scure/btc-signer. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { p2wpkh, Transaction } from '@scure/btc-signer';
import { sha256, toHex } from '../bytes.js';
import { deriveAddresses } from '../descriptor/addresses.js';
import { WalletError } from '../errors.js';
import { findAddressReuse, type OwnScript } from './history.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const acct = HDKey.fromMasterSeed(sha256(utf8('keygrade reuse wallet'))).derive("m/84'/0'/0'");
const descriptor = `wpkh(${acct.publicExtendedKey}/<0;1>/*)`;
const keyAt = (chain: number, i: number) => acct.deriveChild(chain).deriveChild(i).privateKey!;
const ours = new Map<string, OwnScript>(deriveAddresses(descriptor, { count: 20 }).map((a) => [a.scriptPubKey, { path: a.path, index: a.index }]));
const payOf = (k: Uint8Array) => p2wpkh(secp256k1.getPublicKey(k, true));
const mine = (chain: number, i: number) => payOf(keyAt(chain, i));
const outsider = sha256(utf8('someone else'));
const shop = payOf(sha256(utf8('a shop')));

/** A signed transaction spending one P2WPKH output of `key` to `outputs`. */
function spend(key: Uint8Array, prev: { txid: string; vout: number; amount: bigint }, outputs: [Uint8Array, bigint][]): { hex: string; id: string; line: string } {
  const pay = payOf(key);
  const tx = new Transaction();
  tx.addInput({ txid: prev.txid, index: prev.vout, witnessUtxo: { script: pay.script, amount: prev.amount } });
  for (const [script, amount] of outputs) tx.addOutput({ script, amount });
  tx.signIdx(key, 0);
  tx.finalize();
  return { hex: tx.hex, id: tx.id, line: tx.hex };
}

const coin = (label: string) => ({ txid: toHex(sha256(utf8(label))), vout: 0, amount: 1_000_000n });

describe('address reuse', () => {
  // 1: outsider pays receive/0 and receive/1; 2: pays receive/0 again; 3: we spend receive/1 to the shop with
  // change to change/0; 4: outsider pays receive/1 again (after it was spent); 5: we pay the shop again from receive/2.
  const t1 = spend(outsider, coin('a'), [[mine(0, 0).script, 100_000n], [mine(0, 1).script, 200_000n]]);
  const t2 = spend(outsider, coin('b'), [[mine(0, 0).script, 50_000n]]);
  const t3 = spend(keyAt(0, 1), { txid: t1.id, vout: 1, amount: 200_000n }, [[shop.script, 150_000n], [mine(1, 0).script, 49_000n]]);
  const t4 = spend(outsider, coin('c'), [[mine(0, 1).script, 70_000n], [mine(0, 2).script, 10_000n]]);
  const t5 = spend(keyAt(0, 2), { txid: t4.id, vout: 1, amount: 10_000n }, [[shop.script, 9_000n]]);
  const lines = ['# wallet history, oldest first', t1.line, t2.line, t3.line, t4.line, t5.line];

  it('with the descriptor: receive/0 received twice, receive/1 received after it was spent from', () => {
    const r = findAddressReuse(lines, { file: 'h.txt', ours });
    assert.equal(r.transactions, 5);
    assert.equal(r.addresses, 4);
    assert.deepEqual(r.findings.map((f) => [f.address, f.derivation, f.reasons]), [
      [mine(0, 0).address, { path: 0, index: 0 }, ['received-more-than-once']],
      [mine(0, 1).address, { path: 0, index: 1 }, ['received-more-than-once', 'received-after-spend']],
    ]);
    assert.deepEqual(r.findings[0]!.receipts.map((x) => [x.txid, x.vout, x.amount, x.line]), [[t1.id, 0, '100000', 2], [t2.id, 0, '50000', 3]]);
    assert.deepEqual(r.findings[1]!.spends.map((s) => [s.txid, s.vin, s.outpoint]), [[t3.id, 0, `${t1.id}:1`]]);
    assert.deepEqual(r.findings[1]!.receipts.map((x) => x.txid), [t1.id, t4.id]);
  });

  it('without a descriptor every output counts: the shop, paid twice, is reported too', () => {
    const r = findAddressReuse(lines);
    assert.deepEqual(r.findings.map((f) => f.address), [mine(0, 0).address, mine(0, 1).address, shop.address]);
    assert.equal(r.findings[2]!.derivation, undefined);
  });

  it('received after spend is only known when the spent output is in the history or its prevout is given', () => {
    const withoutFunding = [t3.line, t4.line];
    assert.deepEqual(findAddressReuse(withoutFunding, { ours }).findings, []);
    const withPrevout = [`${t3.line} 200000:${toHex(mine(0, 1).script)}`, t4.line];
    assert.deepEqual(findAddressReuse(withPrevout, { ours }).findings.map((f) => f.reasons), [['received-after-spend']]);
  });

  it('no reuse, no finding; malformed lines name file:line', () => {
    assert.deepEqual(findAddressReuse([t1.line, t3.line], { ours }).findings, []);
    assert.throws(() => findAddressReuse(['', '0100'], { file: 'x.txt' }), (e: unknown) => e instanceof WalletError && e.code === 'SIGS_INPUT' && /^x\.txt:2: not a transaction/.test(e.message));
  });
});
