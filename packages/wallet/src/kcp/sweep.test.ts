import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { base64 } from '@scure/base';
import { p2wpkh, RawTx, Transaction } from '@scure/btc-signer';
import { toHex } from '../bytes.js';
import { parseDescriptor } from '../descriptor/parse.js';
import { PsbtError } from '../psbt/errors.js';
import { decodePsbt } from '../psbt/decode.js';
import { multisigDescriptor, multisigOutput, testAccount } from '../psbt/test-wallet.js';
import { buildSweep } from './sweep.js';
import { parseUtxos } from './utxos.js';

const OLD = [testAccount(21), testAccount(22), testAccount(23)];
const NEW = [testAccount(31), testAccount(32), testAccount(33)];
const from = parseDescriptor(multisigDescriptor(OLD));
const to = parseDescriptor(multisigDescriptor(NEW));
const txid = (n: number) => n.toString(16).padStart(64, 'a');
const UTXOS = [
  { branch: 0, index: 2, sats: 150_000_000n, give: true },
  { branch: 0, index: 7, sats: 2_500_000n, give: false },
  { branch: 1, index: 4, sats: 40_000n, give: false },
];
const csv = `outpoint,amount_sat,script_pubkey,branch,index\n${UTXOS.map((u, i) => `${txid(i)}:${i},${u.sats},${toHex(multisigOutput(OLD, u.branch, u.index).script)},${u.give ? u.branch : ''},${u.give ? u.index : ''}`).join('\n')}\n`;

/** Verifies every input's witness: each ECDSA signature against the BIP 143 sighash, in CHECKMULTISIG key order. */
function verifyMultisig(tx: Transaction, amounts: bigint[]): void {
  for (let i = 0; i < tx.inputsLength; i++) {
    const w = tx.getInput(i).finalScriptWitness!;
    const ws = w.at(-1)!;
    const sigs = w.slice(1, -1);
    assert.equal(w[0]!.length, 0, 'CHECKMULTISIG dummy element');
    const keys: Uint8Array[] = [];
    for (let p = 1; p < ws.length - 2; p += 34) keys.push(ws.subarray(p + 1, p + 34));
    let k = 0;
    for (const s of sigs) {
      const msg = tx.preimageWitnessV0(i, ws, s.at(-1)!, amounts[i]!);
      while (k < keys.length && !secp256k1.verify(s.subarray(0, -1), msg, keys[k]!, { prehash: false, format: 'der' })) k++;
      assert.ok(k < keys.length, `input ${i}: a signature matches no remaining key`);
      k++;
    }
    assert.equal(sigs.length, 2);
  }
}

describe('kcp sweep', () => {
  it('sweeps every UTXO to the new wallet; signed with the old keys it finalises and verifies', () => {
    const r = buildSweep({ from, to, utxos: parseUtxos(csv, 'utxos.csv'), feerate: '12' });
    const total = 150_000_000n + 2_500_000n + 40_000n;
    assert.deepEqual(r.inputs.map((x) => [x.branch, x.index]), [[0, 2], [0, 7], [1, 4]]);
    assert.equal(r.destination.index, 0);
    assert.equal(r.destination.address, multisigOutput(NEW, 0, 0).address);
    const psbt = decodePsbt(r.psbt);
    assert.equal(psbt.version, 0);
    const fee = BigInt(Math.round(Number(r.fee) * 1e8));
    assert.equal(psbt.outputs[0]!.amount + fee, total, 'amounts add up');
    assert.equal(fee, BigInt(12 * r.vsizeEstimate));
    // Hardware signers need these: witness_utxo, witness script and a derivation per key.
    for (const input of psbt.inputs) {
      assert.equal(input.utxoSource, 'witness_utxo');
      assert.ok(input.witnessScript);
      assert.deepEqual(input.derivations.map((d) => d.fingerprint).sort(), OLD.map((a) => a.fingerprint).sort());
    }
    const tx = Transaction.fromPSBT(base64.decode(r.psbt));
    UTXOS.forEach((u, i) => {
      const keys = multisigOutput(OLD, u.branch, u.index).privateKeys;
      tx.signIdx(keys[0]!, i);
      tx.signIdx(keys[2]!, i);
    });
    tx.finalize();
    verifyMultisig(tx, UTXOS.map((u) => u.sats));
    const raw = RawTx.decode(tx.extract());
    assert.equal(raw.outputs.length, 1);
    assert.equal(toHex(raw.outputs[0]!.script), r.destination.script);
    // The estimate is never below the real size (signatures counted at their maximum length).
    assert.ok(r.vsizeEstimate >= tx.vsize && r.vsizeEstimate - tx.vsize <= 3, `${r.vsizeEstimate} vs ${tx.vsize}`);
  });

  it('a single-key wpkh wallet sweeps too (JSON UTXOs, BTC amounts), to --index', () => {
    const root = HDKey.fromMasterSeed(new Uint8Array(32).fill(61));
    const acct = root.derive("m/84'/0'/0'");
    const fp = root.fingerprint.toString(16).padStart(8, '0');
    const wpkh = parseDescriptor(`wpkh([${fp}/84h/0h/0h]${acct.publicExtendedKey}/<0;1>/*)`);
    const key = acct.deriveChild(0).deriveChild(3);
    const utxos = parseUtxos(JSON.stringify([{ outpoint: `${txid(9)}:1`, amount_btc: '0.015', script_pubkey: toHex(p2wpkh(key.publicKey!).script) }]), 'u.json');
    const r = buildSweep({ from: wpkh, to, utxos, feerate: '2.5', index: 5 });
    assert.equal(r.destination.address, multisigOutput(NEW, 0, 5).address);
    const tx = Transaction.fromPSBT(base64.decode(r.psbt));
    tx.signIdx(key.privateKey!, 0);
    tx.finalize();
    const [sig, pub] = tx.getInput(0).finalScriptWitness!;
    const code = Uint8Array.of(0x76, 0xa9, 20, ...p2wpkh(key.publicKey!).hash, 0x88, 0xac);
    assert.ok(secp256k1.verify(sig!.subarray(0, -1), tx.preimageWitnessV0(0, code, 1, 1_500_000n), pub!, { prehash: false, format: 'der' }));
    assert.equal(tx.getOutput(0).amount! + BigInt(Math.round(Number(r.fee) * 1e8)), 1_500_000n);
    assert.ok(r.vsizeEstimate >= tx.vsize && r.vsizeEstimate - tx.vsize <= 1);
  });

  it('refuses a destination that shares a key, a seed or a parent with the compromised wallet', () => {
    const refused = (d: string) => {
      try {
        buildSweep({ from, to: parseDescriptor(d), utxos: parseUtxos(csv, 'utxos.csv'), feerate: '5' });
      } catch (e) {
        assert.ok(e instanceof PsbtError && e.code === 'SWEEP_REFUSED', String(e));
        return e.message;
      }
      assert.fail(`not refused: ${d}`);
    };
    // One old key kept in the new 2-of-3.
    assert.match(refused(multisigDescriptor([NEW[0]!, NEW[1]!, OLD[2]!])), /fingerprint 98e916ed, as compromised key/);
    // The same seed, another account: the master fingerprint gives it away.
    const other = OLD[0]!.root.derive("m/48'/0'/1'/2'");
    assert.match(refused(`wsh(sortedmulti(2,[${OLD[0]!.fingerprint}/48h/0h/1h/2h]${other.publicExtendedKey}/<0;1>/*,[${NEW[1]!.fingerprint}/48h/0h/0h/2h]${NEW[1]!.xpub}/<0;1>/*))`), /same seed or same account key/);
    // A child of a compromised account key, given without origin.
    assert.match(refused(`wpkh(${OLD[1]!.account.deriveChild(7).publicExtendedKey}/*)`), /is a child of compromised key/);
    // The same xpub as tpub (other version bytes, same key).
    const t = HDKey.fromExtendedKey(OLD[0]!.xpub);
    const tpub = new HDKey({ versions: { private: 0x04358394, public: 0x043587cf }, publicKey: t.publicKey!, chainCode: t.chainCode!, depth: t.depth, index: t.index, parentFingerprint: t.parentFingerprint }).publicExtendedKey;
    assert.match(refused(`wpkh(${tpub}/0/*)`), /same extended key/);
  });

  it('refuses when the fee eats the total or leaves dust, and when a UTXO is not the wallet\'s', () => {
    const small = `outpoint,amount_sat,script_pubkey\n${txid(1)}:0,20000,${toHex(multisigOutput(OLD, 0, 1).script)}\n`;
    assert.throws(() => buildSweep({ from, to, utxos: parseUtxos(small, 'u.csv'), feerate: '200' }), /the fee \(0\.\d+ BTC = 200 sat\/vB × ~\d+ vB\) is not less than the total/);
    assert.throws(() => buildSweep({ from, to, utxos: parseUtxos(small, 'u.csv'), feerate: '125' }), /only \d+ sat remain, below the dust limit of 330 sat/);
    const foreign = `outpoint,amount_sat,script_pubkey\n${txid(1)}:0,20000,${toHex(multisigOutput(NEW, 0, 1).script)}\n`;
    assert.throws(() => buildSweep({ from, to, utxos: parseUtxos(foreign, 'u.csv'), feerate: '1', gapLimit: 50 }), /u\.csv:2: script_pubkey [0-9a-f]+ is not derived from the compromised wallet within the first 50 indices of its 2 branches/);
    const wrongIndex = `outpoint,amount_sat,script_pubkey,branch,index\n${txid(1)}:0,20000,${toHex(multisigOutput(OLD, 0, 1).script)},0,2\n`;
    assert.throws(() => buildSweep({ from, to, utxos: parseUtxos(wrongIndex, 'u.csv'), feerate: '1' }), /u\.csv:2: script_pubkey is not the compromised wallet's at branch 0, index 2/);
  });

  it('UTXO files: every problem with its line or index', () => {
    const bad = `outpoint,amount_sat,amount_btc,script_pubkey\nabc:0,1,,00\n${txid(1)}:0,,0.123456789,0014\n${txid(1)}:0,5,0.1,zz\n`;
    assert.throws(() => parseUtxos(bad, 'u.csv'), (e: PsbtError) => {
      assert.equal(e.code, 'SWEEP_UTXOS_INVALID');
      assert.deepEqual(e.problems.map((p) => `${p.line}:${p.path}`), ['2:outpoint', '3:amount_btc', '4:amount_sat', '4:script_pubkey']);
      return true;
    });
    assert.throws(() => parseUtxos('[{"outpoint":"x"}]', 'u.json'), (e: PsbtError) => e.problems.map((p) => p.path).join() === '0.outpoint,0.amount_sat,0.script_pubkey');
  });
});
