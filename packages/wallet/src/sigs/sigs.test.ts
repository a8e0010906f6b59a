/**
 * Nonce-reuse scan: the public mainnet case in $KEYGRADE_VECTORS_DIR/secp256k1 (skipped, saying
 * so, when absent), synthetic P2WPKH reuse signed at run time, cross-key sharing, k = 1/2, and lax DER.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Field } from '@noble/curves/abstract/modular.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { p2wpkh, RawTx, Transaction } from '@scure/btc-signer';
import { concat, fromHex, sha256, toHex } from '../bytes.js';
import { WalletError } from '../errors.js';
import { isStrictDer, parseDerLax } from './der.js';
import { extractSignatures } from './extract.js';
import { NonceIndex } from './nonce-index.js';
import { NonceScanner, scanLines } from './scan.js';

const vectorFile = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'secp256k1', 'nonce-reuse-f4c16475.json');
const skip = existsSync(vectorFile) ? false : `nonce-reuse vector not found at ${vectorFile} (set KEYGRADE_VECTORS_DIR)`;
const N = secp256k1.Point.CURVE().n;
const Fn = Field(N);

describe('public nonce reuse f4c16475…', { skip }, () => {
  const v = skip ? undefined : (JSON.parse(readFileSync(vectorFile, 'utf8')) as { raw_tx_hex: string; txid: string; shared_r_hex: string; pubkey_hex: string; inputs: { z_hex: string; s_hex: string; prevout_scriptPubKey_hex: string }[] });

  it('legacy sighashes match the published z values', () => {
    const { txid, sigs } = extractSignatures(v!.raw_tx_hex, 'vector');
    assert.equal(txid, v!.txid);
    assert.deepEqual(sigs.map((s) => toHex(numberToBytesBE(s.z!, 32))), v!.inputs.map((i) => i.z_hex));
    assert.deepEqual(sigs.map((s) => s.verified), [true, true]);
    assert.deepEqual(sigs.map((s) => s.highS), [false, true]);
  });

  it('finds the reuse and recovers a key whose d·G is the published public key (with and without prevouts)', () => {
    for (const line of [v!.raw_tx_hex, `${v!.raw_tx_hex} ${v!.inputs.map((i) => `0:${i.prevout_scriptPubKey_hex}`).join(',')}`]) {
      const r = scanLines(['# the public case', line], 'tx.txt', true);
      assert.equal(r.findings.length, 1);
      const f = r.findings[0]!;
      assert.equal(f.kind, 'same-key');
      assert.equal(f.r, v!.shared_r_hex);
      assert.equal(f.keys.length, 1);
      assert.equal(f.keys[0]!.exposed, true);
      const d = BigInt(`0x${f.keys[0]!.privateKey!}`);
      assert.equal(toHex(secp256k1.Point.BASE.multiply(d).toBytes(true)), v!.pubkey_hex);
      assert.deepEqual(f.signatures.map((s) => [s.line, s.vin]), [[2, 0], [2, 1]]);
    }
    assert.equal(scanLines([v!.raw_tx_hex]).findings[0]!.keys[0]!.privateKey, undefined, 'the key is only printed when asked');
  });
});

/** Signs a P2WPKH spend with a chosen nonce k (test-only; real signers use RFC 6979). */
function signWithNonce(d: bigint, k: bigint, z: Uint8Array): Uint8Array {
  const R = secp256k1.Point.BASE.multiply(k);
  const r = Fn.create(R.x);
  const s = Fn.div(Fn.add(bytesToNumberBE(z), Fn.mul(r, d)), k);
  return secp256k1.Signature.fromBytes(concat(numberToBytesBE(r, 32), numberToBytesBE(s, 32)), 'compact').toBytes('der');
}

function p2wpkhSpend(d: bigint, k: bigint, seed: number, amount = 50_000n): string {
  const pub = secp256k1.getPublicKey(numberToBytesBE(d, 32), true);
  const pay = p2wpkh(pub);
  const tx = new Transaction();
  tx.addInput({ txid: sha256(Uint8Array.of(seed)), index: 0, witnessUtxo: { script: pay.script, amount } });
  tx.addOutputAddress(pay.address, amount - 1000n);
  const code = concat(Uint8Array.of(0x76, 0xa9, 0x14), pay.hash, Uint8Array.of(0x88, 0xac));
  const z = tx.preimageWitnessV0(0, code, 1, amount);
  const sig = concat(signWithNonce(d, k, z), Uint8Array.of(1));
  const raw = RawTx.encode({ version: 2, segwitFlag: true, inputs: [{ txid: sha256(Uint8Array.of(seed)), index: 0, finalScriptSig: new Uint8Array(0), sequence: 0xffffffff }], outputs: [{ amount: amount - 1000n, script: pay.script }], witnesses: [[sig, pub]], lockTime: 0 });
  return `${toHex(raw)} ${amount}:${toHex(pay.script)}`;
}

describe('synthetic nonce reuse', () => {
  const d1 = bytesToNumberBE(sha256(new TextEncoder().encode('key one'))) % N;
  const d2 = bytesToNumberBE(sha256(new TextEncoder().encode('key two'))) % N;
  const k = bytesToNumberBE(sha256(new TextEncoder().encode('reused nonce'))) % N;
  const pub = (d: bigint) => toHex(secp256k1.getPublicKey(numberToBytesBE(d, 32), true));

  it('P2WPKH (BIP 143): same key recovered; a second key sharing the nonce is then exposed too', () => {
    const lines = [p2wpkhSpend(d1, k, 1), p2wpkhSpend(d1, 12345n, 2), p2wpkhSpend(d1, k, 3), p2wpkhSpend(d2, k, 4)];
    const r = scanLines(lines, 'w.txt', true);
    assert.equal(r.signatures, 4);
    assert.equal(r.findings.length, 1);
    const f = r.findings[0]!;
    assert.equal(f.kind, 'cross-key');
    assert.deepEqual(f.signatures.map((s) => s.line), [1, 3, 4]);
    assert.deepEqual(f.keys.map((x) => [x.pubkey, x.exposed, x.privateKey]), [[pub(d1), true, toHex(numberToBytesBE(d1, 32))], [pub(d2), true, toHex(numberToBytesBE(d2, 32))]]);
  });

  it('parts scanned separately (threads) and joined find the same lines as one scan, reuse across parts included', () => {
    const lines = [p2wpkhSpend(d1, k, 1), p2wpkhSpend(d1, 777n, 2), p2wpkhSpend(d2, 555n, 3), p2wpkhSpend(d2, Fn.inv(2n), 4), p2wpkhSpend(d1, 777n, 5), p2wpkhSpend(d1, k, 6), p2wpkhSpend(d2, 555n, 7)];
    const one = new NonceScanner();
    lines.forEach((l, i) => one.add(l, 'f', i + 1, i * 1000));
    const want = one.wantedLines();
    assert.deepEqual(want.map((w) => w.line), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(want.map((w) => w.offset), [0, 1000, 2000, 3000, 4000, 5000, 6000]);
    for (const cut of [[2, 5], [1, 3, 6], [4]]) {
      const bounds = [0, ...cut, lines.length];
      const parts = bounds.slice(0, -1).map((from, j) => {
        const sc = new NonceScanner(one.index.seed);
        lines.slice(from, bounds[j + 1]).forEach((l, i) => sc.add(l, 'f', i + 1, (from + i) * 1000));
        return structuredClone(sc.toPart());
      });
      const joined = new NonceScanner(one.index.seed);
      parts.forEach((p, j) => joined.join(p, (name) => ({ file: name, lineBase: bounds[j]! })));
      assert.deepEqual(joined.wantedLines(), want, `cut at ${cut.join(',')}`);
      assert.equal(joined.signatures, 7);
      assert.equal(joined.transactions, 7);
    }
  });

  it('without amounts, reuse is still reported but not recovered', () => {
    const strip = (l: string) => l.split(' ')[0]!;
    const r = scanLines([strip(p2wpkhSpend(d1, k, 1)), strip(p2wpkhSpend(d1, k, 2))]);
    assert.equal(r.findings[0]!.kind, 'same-key');
    assert.equal(r.findings[0]!.keys[0]!.exposed, false);
    assert.match(r.findings[0]!.explanation, /give the prevouts/);
  });

  it('k = 1/2 is a known nonce: one signature exposes the key', () => {
    const r = scanLines([p2wpkhSpend(d2, Fn.inv(2n), 9)], 'h.txt', true);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]!.kind, 'known-nonce');
    assert.equal(r.findings[0]!.knownNonce, 'k = 1/2');
    assert.equal(r.findings[0]!.keys[0]!.privateKey, toHex(numberToBytesBE(d2, 32)));
  });

  it('no reuse, no finding', () => {
    assert.deepEqual(scanLines([p2wpkhSpend(d1, 7n, 1), p2wpkhSpend(d1, 8n, 2)]).findings, []);
  });

  it('malformed lines name file:line:column', () => {
    assert.throws(() => scanLines(['00zz'], 'bad.txt'), (e: unknown) => e instanceof WalletError && e.code === 'SIGS_INPUT' && /^bad\.txt:1:3:/.test(e.message));
    assert.throws(() => scanLines(['0100'], 'bad.txt'), (e: unknown) => e instanceof WalletError && /^bad\.txt:1: not a transaction/.test(e.message));
  });
});

describe('lax DER and the r index', () => {
  it('parses padded and long-form encodings that strict DER rejects', () => {
    const strict = fromHex('3006020101020102');
    assert.deepEqual(parseDerLax(strict), { r: 1n, s: 2n, strict: true });
    const padded = fromHex('30080203000001020102');
    assert.equal(isStrictDer(padded), false);
    assert.deepEqual(parseDerLax(padded), { r: 1n, s: 2n, strict: false });
    const longForm = fromHex('308106020101020102ffff');
    assert.deepEqual(parseDerLax(longForm), { r: 1n, s: 2n, strict: false });
    assert.equal(parseDerLax(fromHex('3006020100020102')), undefined, 'r = 0');
    assert.equal(parseDerLax(fromHex('30')), undefined);
  });

  it('groups repeated r values over many chunks and across indexes sharing a seed', () => {
    const r = (i: number) => {
      const x = new Uint8Array(32);
      let h = Math.imul(i + 1, 0x9e3779b1);
      for (let k = 0; k < 32; k++) x[k] = (h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + k) >>> 24;
      return x;
    };
    const a = new NonceIndex(7);
    const b = new NonceIndex(7);
    // 2,400,000 distinct r values (several 4,096-record chunks per bucket), then repeats: within a, within b, across.
    for (let i = 0; i < 2_400_000; i++) (i % 2 ? a : b).add(r(i), i % 2, i);
    a.add(r(17), 5, 1);
    a.add(r(17), 5, 2);
    b.add(r(250_001), 6, 1);
    b.add(r(40_000), 6, 2);
    assert.equal(a.size + b.size, 2_400_004);
    const sorted = (g: [number, number][][]) => g.map((x) => x.map(([f, l]) => `${f}:${l}`).sort()).sort();
    assert.deepEqual(sorted(a.groups()), [['1:17', '5:1', '5:2']]);
    assert.deepEqual(sorted(a.groups([b])), sorted([[[1, 17], [5, 1], [5, 2]], [[1, 250_001], [6, 1]], [[0, 40_000], [6, 2]]]));
    // Members in the order the indexes are given, then the order they were added.
    assert.deepEqual(a.groups([b]).find((g) => g.length === 3), [[1, 17], [5, 1], [5, 2]]);
    const moved = NonceIndex.fromState(structuredClone(b.state()));
    moved.relocate([3, 4, 5, 6, 7, 8, 9], [1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    assert.deepEqual(sorted(a.groups([moved])).filter((g) => g.some((x) => x.startsWith('9:'))), [['1:250001', '9:1001'], ['3:41000', '9:1002']]);
    assert.throws(() => a.groups([new NonceIndex(8)]), /different seeds/);
  });
});
