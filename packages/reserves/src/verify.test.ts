import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson } from '@keygrade/tlog';
import { fromHex, toHex, utf8, writeU128 } from './bytes.js';
import { ReservesError } from './errors.js';
import { leafHash, nobleSha256, nodeHash, uidHash } from './hash.js';
import { bodyOf, manifestHash, pae, parseManifest, signManifest, type SignedManifest } from './manifest.js';
import { parseProof, type InclusionProof } from './proof.js';
import { verifyProof, type VerifyFailureCode, type VerifyOptions } from './verify.js';
import { clone, PUBLIC, SECRET, snapshot } from './test-util.js';

const ROWS: [string, bigint[]][] = Array.from({ length: 40 }, (_, i) => [`user-${i}`, [BigInt(i * 1000 + 1), BigInt(i) * 10n ** 17n]]);
const { tree, manifest } = snapshot(ROWS);
const proofOf = (id: string): InclusionProof => clone(tree.proofFor(id));

function expect(proof: InclusionProof, m: SignedManifest, code: VerifyFailureCode | undefined, opts: VerifyOptions = {}): void {
  const r = verifyProof(parseProof(clone(proof)), parseManifest(clone(m)), opts);
  assert.equal(r.failure?.code, code, r.failure?.message);
  assert.equal(r.valid, code === undefined);
}

/** The exchange as attacker: re-sign an edited manifest with its own key. */
const resign = (m: SignedManifest, edit: (b: SignedManifest) => void, key = SECRET): SignedManifest => {
  const b = clone(bodyOf(m)) as SignedManifest;
  edit(b);
  return signManifest(b, key);
};

test('an honest proof verifies, with the expected key, and shows the balances', () => {
  const r = verifyProof(proofOf('user-7'), manifest, { publicKey: PUBLIC });
  assert.equal(r.valid, true, r.failure?.message);
  assert.deepEqual(r.balances.map((b) => b.amount), ['0.00007001', '0.7']);
  assert.equal(r.chain, 'first');
  assert.equal(r.signers[0]!.publicKey, toHex(PUBLIC));
});

describe('known attacks fail', () => {
  it("Maxwell's flaw: a parent total split differently for each child cannot satisfy both children", () => {
    // Two real sibling leaves A (index even) and B = A ^ 1.
    const leaves = tree.accountLeaves();
    const a = [...leaves.keys()].find((x) => leaves[x]! % 2 === 0 && tree.leafAccount[leaves[x]! + 1]! < ROWS.length)!;
    const idA = tree.accounts.id(a);
    const idB = tree.accounts.id(tree.leafAccount[leaves[a]! + 1]!);
    const pa = proofOf(idA);
    const pb = proofOf(idB);
    const balA = pa.balances.map(BigInt);
    const balB = pb.balances.map(BigInt);
    // Maxwell's 2014 scheme hashed only the parent total: node = H(total || hL || hR). The
    // exchange claims the parent total t = max(a, b) per asset (less than a + b) and shows A the
    // sibling sum t - a, B the sibling sum t - b. Under the total-only hash both pass:
    const t = balA.map((x, i) => (x > balB[i]! ? x : balB[i]!));
    const maxwell = (total: bigint[], l: string, r: string) => toHex(sha256(new Uint8Array([...total.flatMap((x) => [...u128(x)]), ...fromHex(l), ...fromHex(r)])));
    const hA = pb.path[0]!.hash;
    const hB = pa.path[0]!.hash;
    assert.equal(maxwell(t, hA, hB), maxwell(balA.map((x, i) => x + (t[i]! - x)), hA, hB), 'the flawed scheme accepts the forged split');
    // In Keygrade's tree both children's sums are under the parent hash:
    const forgedA = clone(pa);
    forgedA.path[0]!.sums = t.map((x, i) => String(x - balA[i]!));
    const forgedB = clone(pb);
    forgedB.path[0]!.sums = t.map((x, i) => String(x - balB[i]!));
    const parentA = parent(forgedA);
    const parentB = parent(forgedB);
    assert.notEqual(parentA, parentB, 'no single parent hash serves both forged paths');
    // Whatever root the exchange signs from A's forged path, B's honest proof fails against it.
    expect(forgedA, manifest, 'ROOT_MISMATCH');
    const forgedRoot = rootOf(forgedA);
    const lying = resign(manifest, (b) => {
      b.root = forgedRoot.root;
      b.assets.forEach((x, i) => (x.total = forgedRoot.sums[i]!.toString()));
    });
    expect(forgedA, lying, undefined);
    expect(pb, lying, 'ROOT_MISMATCH');
  });

  it('a forged (lowered) sibling sum changes the root', () => {
    const p = proofOf('user-3');
    const top = p.path[p.path.length - 1]!;
    top.sums[1] = String(BigInt(top.sums[1]!) - 1n);
    expect(p, manifest, 'ROOT_MISMATCH');
  });

  it('negative balances and negative sibling sums are refused', () => {
    const p = proofOf('user-3');
    p.balances[0] = '-5';
    expect(p, manifest, 'NEGATIVE_VALUE');
    const q = proofOf('user-3');
    q.path[2]!.sums[0] = '-100000';
    expect(q, manifest, 'NEGATIVE_VALUE');
    const m = resign(manifest, (b) => (b.assets[0]!.total = '-1'));
    expect(proofOf('user-3'), m, 'NEGATIVE_VALUE');
  });

  it('a two\'s-complement "negative" (2^128 - x) cannot wrap: the sum overflows and is refused', () => {
    const p = proofOf('user-3');
    p.path[0]!.sums[0] = String((1n << 128n) - 1000n);
    expect(p, manifest, 'SUM_OVERFLOW');
    const q = proofOf('user-3');
    q.path[0]!.sums[0] = String(1n << 128n);
    expect(q, manifest, 'VALUE_TOO_LARGE');
    const r = proofOf('user-3');
    r.balances[1] = String(1n << 130n);
    expect(r, manifest, 'VALUE_TOO_LARGE');
    const s = proofOf('user-3');
    s.balances[0] = `00${s.balances[0]}`;
    expect(s, manifest, 'NON_CANONICAL_INTEGER');
  });

  it('a truncated, extended or altered path fails', () => {
    const p = proofOf('user-5');
    p.path.pop();
    expect(p, manifest, 'PATH_LENGTH');
    const q = proofOf('user-5');
    q.path.push({ hash: '00'.repeat(32), sums: ['0', '0'] });
    expect(q, manifest, 'PATH_LENGTH');
    const r = proofOf('user-5');
    r.path[1]!.hash = r.path[1]!.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(r, manifest, 'ROOT_MISMATCH');
    const s = proofOf('user-5');
    [s.path[0], s.path[1]] = [s.path[1]!, s.path[0]!];
    expect(s, manifest, 'ROOT_MISMATCH');
    const t = proofOf('user-5');
    t.index ^= 1;
    expect(t, manifest, 'ROOT_MISMATCH');
    const u = proofOf('user-5');
    u.index = manifest.leafCount;
    expect(u, manifest, 'INDEX_OUT_OF_RANGE');
  });

  it('a proof from another snapshot fails, even with the same balances and key', () => {
    const other = snapshot(ROWS, { seed: 2 });
    expect(clone(other.tree.proofFor('user-1')), manifest, 'WRONG_SNAPSHOT');
    const p = clone(other.tree.proofFor('user-1'));
    p.snapshotId = manifest.snapshotId;
    expect(p, manifest, 'ROOT_MISMATCH');
  });

  it('another customer\'s leaf cannot be claimed: the uid hash binds the account', () => {
    const p = proofOf('user-5');
    p.account = 'user-6';
    expect(p, manifest, 'ROOT_MISMATCH');
    const q = proofOf('user-5');
    q.balances = proofOf('user-6').balances;
    expect(q, manifest, 'ROOT_MISMATCH');
  });

  it('a manifest with a changed total fails: signature, key, or totals', () => {
    const edited = clone(manifest);
    edited.assets[0]!.total = String(BigInt(edited.assets[0]!.total) - 1n);
    expect(proofOf('user-1'), edited, 'BAD_SIGNATURE');
    const other = ed25519.utils.randomSecretKey();
    const resigned = resign(manifest, (b) => (b.assets[0]!.total = String(BigInt(b.assets[0]!.total) - 1n)), other);
    expect(proofOf('user-1'), resigned, 'WRONG_KEY', { publicKey: PUBLIC });
    expect(proofOf('user-1'), resigned, 'TOTALS_MISMATCH');
  });

  it('a swapped asset order fails, in the proof or in the manifest', () => {
    const p = proofOf('user-9');
    p.assets.reverse();
    p.balances.reverse();
    p.path.forEach((s) => s.sums.reverse());
    expect(p, manifest, 'ASSET_MISMATCH');
    const m = resign(manifest, (b) => b.assets.reverse());
    // Relabelling the proof to match: the root still matches (labels are not hashed) but each
    // column's sum now faces the other asset's total.
    const q = proofOf('user-9');
    q.assets.reverse();
    expect(q, m, 'TOTALS_MISMATCH');
    expect(proofOf('user-9'), m, 'ASSET_MISMATCH');
  });

  it('a manifest whose leaf count does not fit its height, or that is unsigned, fails', () => {
    expect(proofOf('user-1'), resign(manifest, (b) => (b.leafCount = 2 ** b.height + 1)), 'BAD_SHAPE');
    expect(proofOf('user-1'), { ...bodyOf(manifest), signatures: [] }, 'MANIFEST_UNSIGNED');
  });
});

describe('signatures are strict RFC 8032', () => {
  it('a non-canonical S (S + L) is refused', () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const sig = fromHex(manifest.signatures[0]!.sig);
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    const malleated = new Uint8Array(sig);
    let t = s + L;
    for (let i = 0; i < 32; i++, t >>= 8n) malleated[32 + i] = Number(t & 0xffn);
    const m = clone(manifest);
    m.signatures[0]!.sig = toHex(malleated);
    expect(proofOf('user-1'), m, 'BAD_SIGNATURE');
  });

  it('the signature covers the DSSE encoding of the canonical body', () => {
    // DSSE protocol example figures: PAE("http://example.com/HelloWorld", "hello world").
    assert.equal(new TextDecoder().decode(pae('http://example.com/HelloWorld', utf8('hello world'))), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    const msg = pae('application/vnd.keygrade.por-manifest.v1+json', utf8(canonicalJson(bodyOf(manifest))));
    assert.ok(ed25519.verify(fromHex(manifest.signatures[0]!.sig), msg, PUBLIC, { zip215: false }));
  });
});

describe('manifest chain', () => {
  const second = snapshot(ROWS, { seed: 5, previous: manifest, time: '2026-12-31T23:59:59Z' });
  it('links to the previous manifest hash and sequence', () => {
    assert.equal(second.manifest.previous, toHex(manifestHash(manifest)));
    assert.equal(second.manifest.sequence, 1);
    const r = verifyProof(clone(second.tree.proofFor('user-2')), second.manifest, { previous: manifest, publicKey: PUBLIC });
    assert.equal(r.valid, true, r.failure?.message);
    assert.equal(r.chain, 'verified');
    assert.equal(verifyProof(clone(second.tree.proofFor('user-2')), second.manifest).chain, 'unchecked');
  });
  it('a broken chain fails', () => {
    const p = clone(second.tree.proofFor('user-2'));
    const unrelated = snapshot(ROWS, { seed: 6 }).manifest;
    expect(p, second.manifest, 'CHAIN_BROKEN', { previous: unrelated });
    expect(p, resign(second.manifest, (b) => (b.sequence = 5)), 'CHAIN_BROKEN', { previous: manifest });
    expect(p, resign(second.manifest, (b) => (b.time = '2026-01-01T00:00:00Z')), 'CHAIN_BROKEN', { previous: manifest });
    expect(p, resign(second.manifest, (b) => (b.previous = null)), 'CHAIN_BROKEN', { previous: manifest });
    const tampered = clone(manifest);
    tampered.label = 'edited';
    expect(p, resign(second.manifest, (b) => (b.previous = toHex(manifestHash(tampered)))), 'CHAIN_BROKEN', { previous: tampered });
  });
});

test('malformed proofs and manifests are input errors naming the field', () => {
  const bad = (v: unknown, re: RegExp) => assert.throws(() => parseProof(v, 'p.json'), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_BAD_PROOF' && e.problems.some((p) => re.test(`${p.path}: ${p.message}`)));
  const p = proofOf('user-1') as unknown as Record<string, unknown>;
  bad({ ...p, extra: 1 }, /^extra: unknown field/);
  bad({ ...p, salt: (p.salt as string).toUpperCase() }, /^salt: must be 64 lowercase hex/);
  bad({ ...p, scheme: 'keygrade-por-proof/v2' }, /^scheme/);
  bad({ ...p, index: -1 }, /^index/);
  bad({ ...p, balances: [1, 2] }, /^balances\[0\]: must be an integer written as a decimal string/);
  bad({ ...p, balances: ['1'] }, /^balances: has 1 entries for 2 assets/);
  bad([], /must be an object/);
  assert.throws(() => parseManifest({ ...manifest, root: 'x' }), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_BAD_MANIFEST');
  assert.throws(() => parseManifest({ ...manifest, time: 'yesterday' }), (e: unknown) => e instanceof ReservesError && e.code === 'RESERVES_BAD_MANIFEST');
});

test('property: altering any byte of a proof never leaves a valid proof', () => {
  const text = canonicalJson(tree.proofFor('user-11'));
  const bytes = utf8(text);
  fc.assert(
    fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
      const altered = new Uint8Array(bytes);
      altered[at]! ^= flip;
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(altered));
      } catch {
        return; // not JSON any more: rejected as input
      }
      let proof: InclusionProof;
      try {
        proof = parseProof(value);
      } catch (e) {
        assert.ok(e instanceof ReservesError);
        return;
      }
      assert.equal(verifyProof(proof, manifest).valid, false, `byte ${at} ^ ${flip}`);
    }),
    { numRuns: 3000 },
  );
});

// helpers ------------------------------------------------------------------

function u128(v: bigint): Uint8Array {
  const b = new Uint8Array(16);
  writeU128(b, 0, v);
  return b;
}

function side(hash: Uint8Array, sums: bigint[]): Uint8Array {
  return new Uint8Array([...hash, ...sums.flatMap((s) => [...u128(s)])]);
}

function leafOf(p: InclusionProof): Uint8Array {
  const salt = fromHex(p.salt);
  return leafHash(nobleSha256, fromHex(p.snapshotId), p.index, uidHash(nobleSha256, salt, utf8(p.account)), salt, new Uint8Array(p.balances.flatMap((b) => [...u128(BigInt(b))])));
}

function parent(p: InclusionProof): string {
  const me = side(leafOf(p), p.balances.map(BigInt));
  const sib = side(fromHex(p.path[0]!.hash), p.path[0]!.sums.map(BigInt));
  return toHex(p.index % 2 === 0 ? nodeHash(nobleSha256, me, sib) : nodeHash(nobleSha256, sib, me));
}

function rootOf(p: InclusionProof): { root: string; sums: bigint[] } {
  let h = leafOf(p);
  let sums = p.balances.map(BigInt);
  let pos = p.index;
  for (const step of p.path) {
    const me = side(h, sums);
    const sib = side(fromHex(step.hash), step.sums.map(BigInt));
    h = pos % 2 === 0 ? nodeHash(nobleSha256, me, sib) : nodeHash(nobleSha256, sib, me);
    sums = sums.map((s, i) => s + BigInt(step.sums[i]!));
    pos = Math.floor(pos / 2);
  }
  return { root: toHex(h), sums };
}
