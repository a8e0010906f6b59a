import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { schnorr } from '@noble/curves/secp256k1.js';
import { p2tr, p2tr_ms, p2tr_pk, Script } from '@scure/btc-signer';
import { RawWitness } from '@scure/btc-signer/script.js';
import { verifyBip322 } from './bip322.js';
import { fromBase64, toBase64 } from './encoding.js';
import { parseTapLeaf } from './tapscript.js';
import { key, pay, signSimple, xonly } from './test-fixtures.js';

const ks = [key('tap1'), key('tap2'), key('tap3')];
const MSG = 'keygrade tapscript';

/** The witness stack of a simple signature, and a simple signature from a stack. */
const stackOf = (sig: string): Uint8Array[] => RawWitness.decode(fromBase64(sig.slice(3))!);
const simple = (stack: Uint8Array[]): string => `smp${toBase64(RawWitness.encode(stack))}`;

describe('BIP-322 through a Taproot script path (BIP 341 / 342)', () => {
  it('a 2-of-3 multi_a leaf under the NUMS key verifies with any two signers; another message does not', () => {
    const p = pay.trMulti(2, ks);
    for (const pair of [[ks[0]!, ks[1]!], [ks[0]!, ks[2]!], [ks[1]!, ks[2]!]]) {
      const sig = signSimple(p, pair, MSG);
      const stack = stackOf(sig);
      assert.equal(stack.length, 5, 'three signature slots, the leaf and the control block');
      assert.equal(verifyBip322(p.script, MSG, sig).state, 'valid');
      assert.equal(verifyBip322(p.script, 'another message', sig).state, 'invalid');
    }
  });

  it('a pk leaf and a multi_a leaf of a tree with a key path: both leaves verify, with a Merkle path', () => {
    const internal = key('tap internal');
    const single = key('tap single');
    const p = pay.trTree(internal, single, 2, ks);
    // Only the leaf keys sign, so the spends go through the script path.
    const pk = signSimple(p, [single], MSG);
    const pkStack = stackOf(pk);
    assert.equal(pkStack.length, 3);
    assert.equal(pkStack[2]!.length, 33 + 32, 'a control block with one Merkle path hash');
    assert.equal(verifyBip322(p.script, MSG, pk).state, 'valid');
    const multi = signSimple(p, [ks[1]!, ks[2]!], MSG);
    assert.equal(verifyBip322(p.script, MSG, multi).state, 'valid');
    // The key path still works, and is told apart by its single witness item.
    const keyPath = signSimple(p, [internal], MSG);
    assert.equal(stackOf(keyPath).length, 1);
    assert.equal(verifyBip322(p.script, MSG, keyPath).state, 'valid');
  });

  it('refuses a control block or leaf that does not commit to the output key', () => {
    const p = pay.trTree(key('tap internal'), key('tap single'), 2, ks);
    const stack = stackOf(signSimple(p, [key('tap single')], MSG));
    const code = (s: Uint8Array[]) => verifyBip322(p.script, MSG, simple(s)).failure?.code;
    const flip = (b: Uint8Array, i: number, x: number) => {
      const c = b.slice();
      c[i]! ^= x;
      return c;
    };
    const [sig, leaf, control] = stack as [Uint8Array, Uint8Array, Uint8Array];
    assert.equal(code([sig, leaf, flip(control, 0, 1)]), 'WRONG_ADDRESS', 'output key parity');
    assert.equal(code([sig, leaf, flip(control, 40, 0x10)]), 'WRONG_ADDRESS', 'Merkle path');
    assert.equal(code([sig, leaf, flip(control, 5, 0x01)]), 'WRONG_ADDRESS', 'internal key');
    assert.equal(code([sig, leaf, control.subarray(0, 33)]), 'WRONG_ADDRESS', 'path cut off');
    assert.equal(code([sig, leaf, control.subarray(0, 40)]), 'BAD_STRUCTURE', 'control block length');
    // Another key's pk leaf with the same control block: a script the output never committed to.
    const other = p2tr_pk(xonly(key('mallory'))).script;
    assert.equal(code([sig, other, control]), 'WRONG_ADDRESS', 'swapped leaf');
    // Another leaf version is a script this verifier does not evaluate.
    assert.equal(code([sig, leaf, flip(control, 0, 0x02)]), 'UNSUPPORTED_SCRIPT', 'leaf version 0xc2');
    assert.equal(verifyBip322(p.script, MSG, simple([sig, leaf, flip(control, 0, 0x02)])).state, 'inconclusive');
  });

  it('multi_a: too few, too many and bad signatures, wrong stack sizes, sighash types', () => {
    const p = pay.trMulti(2, ks);
    const all = stackOf(signSimple(p, [ks[0]!, ks[1]!], MSG));
    const code = (s: Uint8Array[]) => verifyBip322(p.script, MSG, simple(s)).failure?.code;
    const [s3, s2, s1, leaf, control] = all as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    assert.equal(s3.length, 0, 'the third key did not sign');
    const none = new Uint8Array(0);
    assert.equal(code([none, none, s1, leaf, control]), 'TOO_FEW_SIGNATURES');
    assert.equal(code([none, s2, s1, leaf, control]), undefined);
    // A signature in the wrong slot is checked against the wrong key: it fails, and BIP 342 aborts.
    assert.equal(code([s1, s2, none, leaf, control]), 'BAD_SIGNATURE');
    const bad = s1.slice();
    bad[10]! ^= 1;
    assert.equal(code([none, s2, bad, leaf, control]), 'BAD_SIGNATURE');
    assert.equal(code([s2, s1, leaf, control]), 'BAD_STRUCTURE', 'one item short');
    assert.equal(code([none, none, s2, s1, leaf, control]), 'BAD_STRUCTURE', 'one item too many');
    assert.equal(code([none, s2, s1.subarray(0, 63), leaf, control]), 'BAD_SIGNATURE', '63-byte signature');
    const typed = new Uint8Array(65);
    typed.set(s1);
    typed[64] = 0x83;
    assert.equal(code([none, s2, typed, leaf, control]), 'SIGHASH_NOT_ALL');
  });

  it('multi_a: more valid signatures than the threshold fail (OP_NUMEQUAL)', () => {
    // A 1-of-2 leaf signed by both keys: each signature is valid on its own.
    const p = pay.trMulti(1, [ks[0]!, ks[1]!]);
    const a = stackOf(signSimple(p, [ks[0]!], MSG));
    const b = stackOf(signSimple(p, [ks[1]!], MSG));
    // Each stack is [slot for key 2, slot for key 1, leaf, control].
    assert.equal(verifyBip322(p.script, MSG, simple(a)).state, 'valid');
    assert.equal(verifyBip322(p.script, MSG, simple(b)).state, 'valid');
    const both = [b[0]!, a[1]!, a[2]!, a[3]!];
    const r = verifyBip322(p.script, MSG, simple(both));
    assert.equal(r.state, 'invalid');
    assert.match(r.failure!.message, /OP_NUMEQUAL/);
  });

  it('a leaf outside the templates (a time lock) is inconclusive, never valid', () => {
    const k = key('timelocked');
    // <144> OP_CHECKSEQUENCEVERIFY OP_DROP <K> OP_CHECKSIG
    const leaf = Script.encode([144, 'CHECKSEQUENCEVERIFY', 'DROP', xonly(k), 'CHECKSIG']);
    const p = p2tr(xonly(key('tl internal')), { script: leaf }, undefined, true);
    const stack = [schnorr.sign(new Uint8Array(32), k), leaf, controlOf(p)];
    const r = verifyBip322(p.script, MSG, simple(stack));
    assert.equal(r.state, 'inconclusive');
    assert.equal(r.failure?.code, 'UNSUPPORTED_SCRIPT');
  });
});

/** The control block scure computed for the first leaf of a payment. */
function controlOf(p: { tapLeafScript?: [{ version: number; internalKey: Uint8Array; merklePath: Uint8Array[] }, Uint8Array][] }): Uint8Array {
  const c = p.tapLeafScript![0]![0];
  const out = new Uint8Array(33 + 32 * c.merklePath.length);
  out[0] = c.version;
  out.set(c.internalKey, 1);
  c.merklePath.forEach((h, i) => out.set(h, 33 + 32 * i));
  return out;
}

describe('tapscript leaf templates', () => {
  it('property: every multi_a script @scure/btc-signer writes parses back to its threshold and keys', () => {
    const all = Array.from({ length: 40 }, (_, i) => xonly(key(`leaf ${i}`)));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }))), ([n, m]) => {
        const s = p2tr_ms(m, all.slice(0, n)).script;
        const t = parseTapLeaf(s);
        assert.ok(t, `multi_a(${m}, ${n} keys)`);
        assert.equal(t.kind, n === 1 && m === 1 && s.length === 34 ? 'pk' : 'multi_a');
        assert.equal(t.threshold, m);
        assert.deepEqual(t.keys, all.slice(0, n));
      }),
      { numRuns: 200 },
    );
  });

  it('thresholds: OP_N up to 16, minimal pushes above; anything else is not a template', () => {
    const keys = Array.from({ length: 300 }, (_, i) => xonly(key(`many ${i}`)));
    const body = (n: number) => {
      const parts: Uint8Array[] = keys.slice(0, n).map((k, i) => Uint8Array.of(0x20, ...k, i === 0 ? 0xac : 0xba));
      return Uint8Array.from(parts.flatMap((x) => [...x]));
    };
    const leaf = (n: number, threshold: number[]) => Uint8Array.of(...body(n), ...threshold, 0x9c);
    assert.equal(parseTapLeaf(leaf(20, [0x60]))?.threshold, 16);
    assert.equal(parseTapLeaf(leaf(20, [0x01, 17]))?.threshold, 17);
    assert.equal(parseTapLeaf(leaf(200, [0x02, 0x80, 0x00]))?.threshold, 128);
    assert.equal(parseTapLeaf(leaf(300, [0x02, 0x2c, 0x01]))?.threshold, 300);
    assert.equal(parseTapLeaf(leaf(20, [0x01, 16])), undefined, '16 must be OP_16');
    assert.equal(parseTapLeaf(leaf(20, [0x02, 17, 0x00])), undefined, 'non-minimal 17');
    assert.equal(parseTapLeaf(leaf(200, [0x01, 0x80])), undefined, '0x80 alone is negative zero');
    assert.equal(parseTapLeaf(leaf(3, [0x54])), undefined, 'threshold above the key count');
    assert.equal(parseTapLeaf(leaf(3, [0x00])), undefined, 'threshold 0');
    assert.equal(parseTapLeaf(Uint8Array.of(...body(3), 0x52)), undefined, 'no OP_NUMEQUAL');
    assert.equal(parseTapLeaf(Uint8Array.of(...body(3), 0x52, 0x9d)), undefined, 'OP_NUMEQUALVERIFY');
    assert.equal(parseTapLeaf(body(2)), undefined, 'two keys without a threshold');
    assert.equal(parseTapLeaf(body(1))?.kind, 'pk');
    assert.equal(parseTapLeaf(p2tr_pk(keys[0]!).script)?.kind, 'pk');
    // OP_CHECKSIGADD first, or OP_CHECKSIG later: not multi_a.
    const swapped = body(2);
    swapped[33] = 0xba;
    assert.equal(parseTapLeaf(Uint8Array.of(...swapped, 0x52, 0x9c)), undefined);
  });
});
