import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex, utf8 } from './bytes.js';
import { CeremonyError } from './errors.js';
import { checkManifestSignatures, compareFiles, filesDigest, parseManifest, signManifest, type ManifestBody } from './release-manifest.js';
import { decryptSecret, encryptSecret, parseEncryptedSecret } from './secret-box.js';
import { ed25519PublicKey } from './signing.js';
import { fakeRandom, unsignedTranscript } from './test-fixtures.js';
import { parseTranscript, serializeTranscript, signTranscript, verifyTranscript, type Transcript } from './transcript.js';

const ALICE = fromHex('11'.repeat(32));
const BOB = fromHex('22'.repeat(32));
const code = (c: string) => (e: unknown) => e instanceof CeremonyError && e.code === c;

function signed(): Transcript {
  const t = signTranscript(unsignedTranscript(), ALICE, { role: 'operator', name: 'Alice', signedAt: '2026-11-22T10:05:00.000Z' });
  return signTranscript(t, BOB, { role: 'witness', name: 'Bob', signedAt: '2026-11-22T10:06:00.000Z' });
}

/** Parses and verifies; false for any rejection. */
function accepted(bytes: Uint8Array): boolean {
  try {
    return verifyTranscript(parseTranscript(bytes), { requireSignoffs: 2 }).ok;
  } catch (e) {
    if (e instanceof CeremonyError) return false;
    throw e;
  }
}

describe('transcripts', () => {
  it('round-trips through its canonical file form and verifies with two sign-offs', () => {
    const file = utf8(serializeTranscript(signed()));
    const v = verifyTranscript(parseTranscript(file), { requireSignoffs: 2 });
    assert.deepEqual(v.problems, []);
    assert.equal(v.distinctSigners, 2);
    assert.deepEqual(v.signoffs.map((s) => [s.role, s.valid]), [['operator', true], ['witness', true]]);
  });
  it('property: changing any byte of a signed transcript fails verification', () => {
    const file = utf8(serializeTranscript(signed()));
    assert.ok(accepted(file));
    fc.assert(
      fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const bad = file.slice();
        bad[at] = (bad[at]! + delta) & 0xff;
        return !accepted(bad);
      }),
      { numRuns: 400 },
    );
  });
  it('reformatted JSON is refused as not canonical', () => {
    const t = signed();
    assert.throws(() => parseTranscript(utf8(JSON.stringify(t, null, 2))), (e: unknown) => code('TRANSCRIPT_INVALID')(e) && /canonical/.test((e as Error).message));
  });
  it('structure problems are listed with their paths', () => {
    const t = signed() as unknown as { transcript: Record<string, unknown>; signoffs: Record<string, unknown>[] };
    t.transcript.ceremonyId = 7;
    t.signoffs[0]!.signature = 'zz';
    assert.throws(
      () => parseTranscript(utf8(JSON.stringify(t))),
      (e: unknown) => code('TRANSCRIPT_INVALID')(e) && (e as CeremonyError).problems.map((p) => p.path).join() === 'transcript.ceremonyId,signoffs[0].signature',
    );
  });
  it('a changed body invalidates every sign-off; a witness-only transcript lacks an operator', () => {
    const t = signed();
    t.transcript.result.masterFingerprint = '00000000';
    const v = verifyTranscript(t);
    assert.equal(v.ok, false);
    assert.equal(v.signoffs.filter((s) => s.valid).length, 0);
    const w = verifyTranscript(signTranscript(unsignedTranscript(), BOB, { role: 'witness', name: 'Bob', signedAt: '2026-11-22T10:06:00.000Z' }));
    assert.match(w.problems.join('\n'), /no valid operator sign-off/);
  });
  it('the same key cannot sign twice; a required count and trusted keys are enforced', () => {
    assert.throws(() => signTranscript(signed(), ALICE, { role: 'auditor', name: 'Alice again', signedAt: '2026-11-22T11:00:00.000Z' }), code('TRANSCRIPT_KEY'));
    assert.match(verifyTranscript(signed(), { requireSignoffs: 3 }).problems.join('\n'), /2 valid sign-offs by different keys; 3 required/);
    const v = verifyTranscript(signed(), { trustedKeys: [toHex(ed25519PublicKey(ALICE))] });
    assert.deepEqual(v.signoffs.map((s) => s.trusted), [true, false]);
    assert.equal(v.ok, false);
  });
});

describe('encrypted secrets (scrypt + XChaCha20-Poly1305)', () => {
  const about = { ceremonyId: 'x', masterFingerprint: '8d9cced8', words: 12 };
  const mnemonic = 'hole luggage safe present express tragic orbit shed switch metal identify path';
  it('decrypts with the passphrase and fails with another or after any change', () => {
    const e = encryptSecret(mnemonic, 'correct horse battery', about, fakeRandom('enc'), 14);
    const text = JSON.stringify(e);
    assert.equal(decryptSecret(parseEncryptedSecret(text), 'correct horse battery'), mnemonic);
    assert.throws(() => decryptSecret(e, 'wrong horse battery'), code('SECRET_DECRYPT'));
    assert.throws(() => decryptSecret({ ...e, about: { ...about, words: 24 } }, 'correct horse battery'), code('SECRET_DECRYPT'));
    const ct = Buffer.from(e.ciphertext, 'base64');
    ct[0]! ^= 1;
    assert.throws(() => decryptSecret({ ...e, ciphertext: ct.toString('base64') }, 'correct horse battery'), code('SECRET_DECRYPT'));
    assert.throws(() => parseEncryptedSecret(JSON.stringify({ ...e, kdf: { ...e.kdf, logN: 4 } })), code('SECRET_FORMAT'));
    assert.throws(() => encryptSecret(mnemonic, 'short', about, fakeRandom('enc'), 14), code('SECRET_FORMAT'));
  });
});

describe('release manifests', () => {
  const body: ManifestBody = { format: 'keygrade-release-manifest/v1', name: 'keygrade', version: '0.1.0', createdAt: '2026-11-22T10:00:00.000Z', files: { 'a/x.js': 'aa'.repeat(32), 'b/y.js': 'bb'.repeat(32) } };
  it('signs and verifies against a trusted key; an untrusted or tampered one does not count', () => {
    const m = signManifest(body, ALICE);
    const parsed = parseManifest(JSON.stringify(m));
    assert.equal(checkManifestSignatures(parsed, [ed25519PublicKey(ALICE)]).validTrusted.length, 1);
    assert.equal(checkManifestSignatures(parsed, [ed25519PublicKey(BOB)]).untrusted.length, 1);
    const tampered = { ...parsed, files: { ...parsed.files, 'a/x.js': 'cc'.repeat(32) } };
    assert.equal(checkManifestSignatures(tampered, [ed25519PublicKey(ALICE)]).invalid.length, 1);
  });
  it('reports missing, changed and extra files', () => {
    const r = compareFiles(body.files, { 'a/x.js': 'aa'.repeat(32), 'c/z.js': '00'.repeat(32) });
    assert.deepEqual([r.missing, r.changed, r.extra, r.matched], [['b/y.js'], [], ['c/z.js'], 1]);
    assert.deepEqual(compareFiles(body.files, { ...body.files, 'b/y.js': '00'.repeat(32) }).changed, ['b/y.js']);
    assert.notEqual(filesDigest(body.files), filesDigest({ ...body.files, 'b/y.js': '00'.repeat(32) }));
  });
  it('lists every structural problem of a malformed manifest', () => {
    assert.throws(() => parseManifest('{"format":"x","files":{"p":"zz"}}'), (e: unknown) => code('MANIFEST_INVALID')(e) && (e as CeremonyError).problems.length === 6);
  });
});
