/**
 * Signer nonce check: RFC 6979 vectors from $KEYGRADE_VECTORS_DIR/secp256k1 (noble-curves and
 * bitcoinjs-lib; skipped, saying so, when absent), then signers simulated at run time: plain
 * RFC 6979, Bitcoin Core's low-R grinding, @scure/btc-signer's grinding, random nonces, a mix.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { base64 } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { p2wpkh, Transaction } from '@scure/btc-signer';
import { signECDSA } from '@scure/btc-signer/utils.js';
import { fromHex, sha256, toHex } from '../bytes.js';
import { checkSigner } from './check.js';
import { messageDigest, parseSignerInput, SignerError } from './input.js';
import { classifyNonce, grindEntropy, grindingSequence, rfc6979R } from './nonce.js';

const dir = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'secp256k1');
const skip = existsSync(join(dir, 'noble-ecdsa.json')) ? false : `secp256k1 vectors not found in ${dir} (set KEYGRADE_VECTORS_DIR)`;
const load = <T>(f: string): T => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T;
const N = secp256k1.Point.CURVE().n;
const HALF = 1n << 255n;
const utf8 = (s: string) => new TextEncoder().encode(s);
const xOf = (k: string) => secp256k1.Point.BASE.multiply(BigInt(`0x${k}`)).x % N;
const rOf = (compact: Uint8Array) => bytesToNumberBE(compact.subarray(0, 32));
const sOf = (compact: Uint8Array) => bytesToNumberBE(compact.subarray(32, 64));

describe('RFC 6979 vectors', { skip }, () => {
  it('noble-curves rfc6979.json: the first nonce k0 gives r (every vector)', () => {
    const v = skip ? [] : load<{ message: string; d: string; k0: string }[]>('noble-rfc6979.json');
    assert.ok(v.length >= 5);
    v.forEach((x, i) => assert.equal(rfc6979R(fromHex(x.d), sha256(utf8(x.message))), xOf(x.k0), `vector ${i}`));
  });

  it('bitcoinjs-lib ecdsa.json: every signature is classified RFC 6979 (counter none)', () => {
    const v = skip ? { valid: { ecdsa: [] } } : load<{ valid: { ecdsa: { d: string; k: string; message: string; signature: { r: string; s: string } }[] } }>('bitcoinjs-ecdsa.json');
    v.valid.ecdsa.forEach((x, i) => {
      const d = fromHex(x.d.padStart(64, '0'));
      const r = BigInt(`0x${x.signature.r}`);
      assert.equal(r, xOf(x.k), `vector ${i}: r = (k·G).x`);
      const got = classifyNonce(d, sha256(utf8(x.message)), r, BigInt(`0x${x.signature.s}`));
      assert.equal(got.scheme, r < HALF ? 'rfc6979-or-low-r' : 'rfc6979', `vector ${i}`);
    });
  });

  it('noble-curves ecdsa.json extraEntropy: RFC 6979 §3.6 k\' is appended as libsecp256k1 ndata (the vectors also pass tiny-secp256k1)', () => {
    const v = skip ? [] : load<{ extraEntropy: { d: string; m: string; signature: string; extraEntropy0: string; extraEntropy1: string; extraEntropyN: string; extraEntropyMax: string }[] }>('noble-ecdsa.json').extraEntropy;
    const ents = { extraEntropy0: '00'.repeat(32), extraEntropy1: `${'00'.repeat(31)}01`, extraEntropyN: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', extraEntropyMax: 'ff'.repeat(32) };
    assert.ok(v.length >= 5);
    v.forEach((x, i) => {
      assert.equal(rfc6979R(fromHex(x.d), fromHex(x.m)), rOf(fromHex(x.signature)), `vector ${i}: no extra data`);
      for (const [k, e] of Object.entries(ents)) assert.equal(rfc6979R(fromHex(x.d), fromHex(x.m), fromHex(e)), rOf(fromHex(x[k as keyof typeof ents])), `vector ${i}: ${k}`);
    });
    // Bitcoin Core's counter 0 is "no extra data"; counter c ≥ 1 is LE32(c), not the big-endian 1 above.
    assert.deepEqual(grindEntropy(1), fromHex(`01${'00'.repeat(31)}`));
  });

  it('noble-curves ecdsa.json valid[0..49]: deterministic, never "unknown"', () => {
    const v = skip ? [] : load<{ valid: { d: string; m: string; signature: string }[] }>('noble-ecdsa.json').valid.slice(0, 50);
    const r = checkSigner(v.map((x, i) => {
      const d = fromHex(x.d);
      return { id: `v${i}`, digest: fromHex(x.m), r: rOf(fromHex(x.signature)), s: sOf(fromHex(x.signature)), pubkey: undefined, keys: [{ label: 'key', privateKey: d, pubkey: toHex(secp256k1.getPublicKey(d, true)) }] };
    }));
    assert.equal(r.scheme, 'rfc6979');
    assert.equal(r.counts.unknown + r.counts.invalid + r.counts['low-r'], 0);
  });
});

/** Bitcoin Core CKey::Sign(grind = true), written from its description: counter 1, 2, … until r < 2^255. */
function coreSign(d: Uint8Array, z: Uint8Array): Uint8Array {
  let sig = secp256k1.sign(z, d, { prehash: false });
  for (let c = 1; rOf(sig) >= HALF; c++) sig = secp256k1.sign(z, d, { prehash: false, extraEntropy: grindEntropy(c) });
  return sig;
}

describe('simulated signers', () => {
  const d = sha256(utf8('keygrade signer test key'));
  const keys = [{ label: 'key', privateKey: d, pubkey: toHex(secp256k1.getPublicKey(d, true)) }];
  const digests = Array.from({ length: 24 }, (_, i) => sha256(utf8(`sighash ${i}`)));
  const highPlain = digests.filter((z) => rfc6979R(d, z) >= HALF);
  const cases = (sign: (z: Uint8Array) => Uint8Array, zs = digests) => zs.map((z, i) => {
    const sig = sign(z);
    return { id: `#${i}`, digest: z, r: rOf(sig), s: sOf(sig), pubkey: undefined, keys };
  });
  const der = (z: Uint8Array, lowR: boolean) => secp256k1.Signature.fromBytes(signECDSA(z, d, lowR), 'der').toBytes('compact');

  it('has digests whose plain RFC 6979 r is high (the ones that tell the schemes apart)', () => {
    assert.ok(highPlain.length >= 6, `${highPlain.length} of 24`);
    assert.equal(grindingSequence(d, highPlain[0]!).length >= 2, true);
  });

  it('plain RFC 6979 → rfc6979', () => {
    const r = checkSigner(cases((z) => secp256k1.sign(z, d, { prehash: false })));
    assert.equal(r.scheme, 'rfc6979');
    assert.equal(r.counts.rfc6979, highPlain.length);
    assert.equal(r.counts['rfc6979-or-low-r'], 24 - highPlain.length);
  });

  it("Bitcoin Core's low-R grinding → low-r-grinding (bitcoin-core), every r < 2^255", () => {
    const r = checkSigner(cases((z) => coreSign(d, z)));
    assert.equal(r.scheme, 'low-r-grinding', r.explanation);
    assert.equal(r.grinder, 'bitcoin-core');
    assert.equal(r.counts['low-r'], highPlain.length);
    assert.ok(r.signatures.every((s) => s.lowR));
    assert.ok(r.signatures.filter((s) => s.scheme === 'low-r').every((s) => s.counter! >= 1));
  });

  it("@scure/btc-signer's lowR grinding (counter from 0, r < n/2) is told apart from Core's", () => {
    const r = checkSigner(cases((z) => der(z, true)));
    assert.equal(r.scheme, 'low-r-grinding', r.explanation);
    assert.equal(r.grinder, 'counter-from-zero');
    assert.ok(r.signatures.some((s) => s.counter === 0));
  });

  it('random nonces → random-or-unknown; half random → mixed', () => {
    const random = checkSigner(cases((z) => secp256k1.sign(z, d, { prehash: false, extraEntropy: true })));
    assert.equal(random.scheme, 'random-or-unknown');
    assert.equal(random.counts.unknown, 24);
    let i = 0;
    const mixed = checkSigner(cases((z) => (i++ % 4 < 2 ? secp256k1.sign(z, d, { prehash: false }) : secp256k1.sign(z, d, { prehash: false, extraEntropy: true }))));
    assert.equal(mixed.scheme, 'mixed');
  });

  it('only ambiguous signatures → rfc6979-or-low-r; a wrong key → invalid', () => {
    const low = digests.filter((z) => rfc6979R(d, z) < HALF).slice(0, 3);
    assert.equal(checkSigner(cases((z) => secp256k1.sign(z, d, { prehash: false }), low)).scheme, 'rfc6979-or-low-r');
    const other = sha256(utf8('another key'));
    const r = checkSigner(cases((z) => secp256k1.sign(z, other, { prehash: false }), digests.slice(0, 2)));
    assert.deepEqual(r.signatures.map((s) => s.scheme), ['invalid', 'invalid']);
    assert.equal(r.scheme, 'no-valid-signatures');
  });
});

describe('signer-check input', () => {
  const seed = sha256(utf8('keygrade test seed'));
  const root = HDKey.fromMasterSeed(seed);
  const path = (i: number) => `m/84'/1'/0'/0/${i}`;
  const priv = (i: number) => root.derive(path(i)).privateKey!;

  it('JSON: seed + paths, DER with sighash byte, compact, base64 message signature, and transactions', () => {
    const z = sha256(utf8('z'));
    const derHex = `${toHex(secp256k1.Signature.fromBytes(coreSign(priv(1), z)).toBytes('der'))}01`;
    const msgSig = secp256k1.sign(messageDigest('hello', 'bitcoin-message')!, priv(0), { prehash: false, format: 'recovered' });
    const legacy = base64.encode(Uint8Array.of(31 + msgSig[0]!, ...msgSig.subarray(1)));
    // A real P2WPKH spend signed by @scure/btc-signer (plain RFC 6979 by default) with the key at path 2.
    const pay = p2wpkh(secp256k1.getPublicKey(priv(2), true), { bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef });
    const tx = new Transaction();
    tx.addInput({ txid: sha256(utf8('prev')), index: 0, witnessUtxo: { script: pay.script, amount: 10_000n } });
    tx.addOutput({ script: pay.script, amount: 9_000n });
    tx.signIdx(priv(2), 0);
    tx.finalize();
    const doc = {
      seed: toHex(seed),
      paths: [path(0), path(1), path(2)],
      signatures: [
        { id: 'der', digest: toHex(z), signature: derHex },
        { id: 'compact', digest: toHex(z), signature: toHex(secp256k1.sign(z, priv(0), { prehash: false })), path: path(0) },
        { id: 'msg', message: 'hello', hash: 'bitcoin-message', signature: legacy },
      ],
      transactions: [`${tx.hex} 10000:${toHex(pay.script)}`],
    };
    const r = checkSigner(parseSignerInput(JSON.stringify(doc), 'in.json'));
    assert.deepEqual(r.signatures.map((s) => [s.id, s.key]), [['der', path(1)], ['compact', path(0)], ['msg', path(0)], [`${tx.id}:0`, path(2)]]);
    assert.ok(r.signatures.every((s) => s.scheme !== 'invalid' && s.scheme !== 'unknown'), JSON.stringify(r.signatures));
  });

  it('CSV with key defaults; errors name the line or field', () => {
    const z = sha256(utf8('csv'));
    const sig = toHex(secp256k1.Signature.fromBytes(secp256k1.sign(z, priv(3), { prehash: false })).toBytes('der'));
    const csv = `id,digest,signature,path\nfirst,${toHex(z)},${sig},${path(3)}\n`;
    assert.equal(checkSigner(parseSignerInput(csv, 's.csv', { seed: toHex(seed) })).signatures[0]!.scheme.startsWith('rfc6979'), true);
    const problems = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof SignerError && e.code === 'SIGNER_INPUT');
        return [e.message, ...e.problems.map((p) => `${p.line ?? p.path}: ${p.message}`)];
      }
      assert.fail('no error');
    };
    assert.match(problems(() => parseSignerInput(`digest,signature\nzz,${sig}\n`, 's.csv', { key: toHex(priv(3)) })).join('\n'), /2: digest must be 32 bytes/);
    assert.match(problems(() => parseSignerInput(csv, 's.csv')).join('\n'), /no key to re-sign with/);
    assert.match(problems(() => parseSignerInput(JSON.stringify({ key: toHex(priv(3)), signatures: [{ digest: toHex(z), signature: 'nope' }] }), 'x.json')).join('\n'), /signatures\[0\]\.signature: must be DER hex/);
    assert.match(problems(() => parseSignerInput(JSON.stringify({ seed: 'abcd', paths: [path(0)], signatures: [] }), 'x.json')).join('\n'), /seed must be 16 to 64 bytes/);
  });
});
