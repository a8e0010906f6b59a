/**
 * The fast r-only pass against the reference extraction: on real transactions of every spend type
 * and on thousands of corrupted variants, whenever the fast path accepts a line it must index
 * exactly the r values the reference path finds (and the reference path must accept the line).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { p2ms, p2pkh, p2sh, p2wpkh, p2wsh, Transaction } from '@scure/btc-signer';
import { sha256, toHex } from '../bytes.js';
import { extractSignatures } from './extract.js';
import { FastRScanner, LineSplitter } from './fast.js';
import { NonceScanner } from './scan.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const key = (i: number) => sha256(utf8(`fast test key ${i}`));
const pub = (i: number) => secp256k1.getPublicKey(key(i), true);
const OPTS = { allowLegacyWitnessUtxo: true, allowUnknownOutputs: true } as const;

/** A signed spend of one output of each payment type, with its prevout. */
function spends(): string[] {
  const pays: [{ script: Uint8Array; redeemScript?: Uint8Array; witnessScript?: Uint8Array }, number[]][] = [
    [p2wpkh(pub(1)), [1]],
    [p2pkh(pub(2)), [2]],
    [p2sh(p2wpkh(pub(3))), [3]],
    [p2wsh(p2ms(2, [pub(4), pub(5), pub(6)])), [4, 5]],
    [p2sh(p2ms(2, [pub(7), pub(8), pub(9)])), [7, 8]],
    [p2sh(p2wsh(p2ms(1, [pub(10), pub(11)]))), [10]],
  ];
  return pays.map(([pay, signers], i) => {
    const tx = new Transaction(OPTS);
    tx.addInput({ txid: sha256(Uint8Array.of(i)), index: i, witnessUtxo: { script: pay.script, amount: 100_000n }, ...(pay.redeemScript ? { redeemScript: pay.redeemScript } : {}), ...(pay.witnessScript ? { witnessScript: pay.witnessScript } : {}) });
    tx.addInput({ txid: sha256(Uint8Array.of(i, 1)), index: 0, witnessUtxo: { script: p2wpkh(pub(1)).script, amount: 5_000n } });
    tx.addOutput({ script: p2wpkh(pub(12)).script, amount: 90_000n });
    for (const s of signers) tx.signIdx(key(s), 0);
    tx.signIdx(key(1), 1);
    tx.finalize();
    return `${tx.hex} 100000:${toHex(pay.script)},5000:${toHex(p2wpkh(pub(1)).script)}`;
  });
}

const scanners = [new FastRScanner(), new FastRScanner({ native: false })];

/** The fast path's r values, the same with Node's hex decoding and with the lookup table (else the test fails). */
function fastRs(line: string): string[] | false {
  const [a, b] = scanners.map((sc) => {
    const rs: string[] = [];
    return sc.scan(line, (r, vin) => rs.push(`${vin}:${toHex(r)}`)) ? rs : false;
  });
  assert.deepEqual(a, b, `native and table decoding differ on ${line.slice(0, 80)}…`);
  return a!;
}

function refRs(line: string): string[] | 'throws' {
  try {
    return extractSignatures(line, 'x', true).sigs.map((s) => `${s.vin}:${toHex(numberToBytesBE(s.r, 32))}`);
  } catch {
    return 'throws';
  }
}

describe('fast r-only pass', () => {
  const vector = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'secp256k1', 'nonce-reuse-f4c16475.json');
  const lines = [...spends(), ...(existsSync(vector) ? [(JSON.parse(readFileSync(vector, 'utf8')) as { raw_tx_hex: string }).raw_tx_hex] : [])];

  it('takes every real spend type and finds the same r values as the reference', () => {
    lines.forEach((l, i) => {
      const f = fastRs(l);
      assert.notEqual(f, false, `line ${i} declined`);
      assert.deepEqual(f, refRs(l), `line ${i}`);
      assert.ok((f as string[]).length >= 2);
    });
  });

  it('on 6,000 corrupted lines, never accepts what the reference rejects or disagrees with it', () => {
    let x = 12345;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    let accepted = 0;
    for (let k = 0; k < 6000; k++) {
      const base = lines[k % lines.length]!;
      const [hex, prev] = base.split(' ') as [string, string];
      const b = Buffer.from(hex, 'hex');
      const m = rnd(5);
      let bytes: Buffer;
      if (m === 0) bytes = b.subarray(0, rnd(b.length));
      else if (m === 1) bytes = Buffer.concat([b, Buffer.from([rnd(256)])]);
      else {
        bytes = Buffer.from(b);
        for (let j = 0; j <= rnd(3); j++) bytes[rnd(bytes.length)] = m === 2 ? rnd(256) : bytes[rnd(bytes.length)]! ^ (1 << rnd(8));
      }
      let line = rnd(2) ? `${bytes.toString('hex')} ${prev}` : bytes.toString('hex');
      // Now and then a bad character, whitespace or a broken prevout list instead of a byte change.
      if (rnd(8) === 0) {
        const at = rnd(line.length);
        line = `${line.slice(0, at)}${['g', ' ', '\t', ',', ':', '-', 'é', '\u00a0', '\x01'][rnd(9)]!}${line.slice(at + 1)}`;
      }
      const f = fastRs(line);
      if (f === false) continue;
      accepted++;
      assert.deepEqual(f, refRs(line), `mutation ${k}: ${line.slice(0, 80)}…`);
    }
    assert.ok(accepted > 1000, `${accepted} accepted`);
  });

  it('the scanner indexes the same way through either path', () => {
    const a = new NonceScanner();
    lines.forEach((l, i) => a.add(l, 'f', i + 1));
    assert.equal(a.signatures, lines.map(refRs).flat().length);
    const b = new NonceScanner();
    const bytes = new TextEncoder().encode(`# comment\n${lines.join('\n')}\n\nzz\n`);
    const split = new LineSplitter();
    split.push(bytes, (buf, start, end, n) => {
      if (n < lines.length + 3) b.addBytes(buf, start, end, 'f', n);
    });
    assert.equal(b.signatures, a.signatures);
    assert.equal(b.transactions, lines.length);
    assert.throws(() => b.addBytes(bytes, bytes.length - 3, bytes.length - 1, 'f', 99), /f:99:1: the transaction is not an even number of hex digits/);
  });
});

describe('LineSplitter', () => {
  it('splits like readline (LF, CRLF, lone CR), across any chunking, with each line\'s byte offset', () => {
    const text = 'a\nbb\r\nccc\rdd\r\n\r\nlast';
    const want = ['a@0', 'bb@2', 'ccc@6', 'dd@10', '@14', 'last@16'];
    const bytes = new TextEncoder().encode(text);
    for (let size = 1; size <= bytes.length; size++) {
      const got: string[] = [];
      const s = new LineSplitter();
      const fn = (b: Uint8Array, start: number, end: number, n: number, offset: number) => got.push(`${n}:${new TextDecoder().decode(b.subarray(start, end))}@${offset}`);
      for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size), fn);
      s.end(fn);
      assert.deepEqual(got, want.map((w, i) => `${i + 1}:${w}`), `chunk size ${size}`);
    }
  });
});
