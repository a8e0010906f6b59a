import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromUtf8, toBase64, utf8 } from './bytes.js';
import { addSignatures, IN_TOTO_PAYLOAD_TYPE, pae, parseEnvelope, serializeEnvelope, signEnvelope, verifyEnvelope } from './dsse.js';
import { AttestError } from './errors.js';
import { ed25519Signer, ed25519VerifyStrict, parseTrustPolicy } from './keys.js';
import { auditor, nodeSigner, nodeVerifyEd25519, operator, policy, reviewer, seed, stranger, trustJson } from './test-util.js';

const payload = utf8('{"hello":"world"}');
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof AttestError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('DSSE PAE', () => {
  it('matches the DSSE protocol example', () => {
    assert.equal(fromUtf8(pae('http://example.com/HelloWorld', utf8('hello world'))), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });
  it('counts bytes, not characters', () => {
    assert.equal(fromUtf8(pae('t/é', utf8('ü'))), 'DSSEv1 4 t/é 2 ü');
    assert.equal(fromUtf8(pae('', new Uint8Array())), 'DSSEv1 0  0 ');
  });
});

describe('Ed25519 across implementations', () => {
  for (const n of [1, 7, 200]) {
    it(`node:crypto signatures verify with @noble/curves and the reverse (seed ${n})`, () => {
      const node = nodeSigner(seed(n));
      const noble = ed25519Signer(seed(n));
      assert.deepEqual(node.publicKey, noble.publicKey);
      const msg = pae(IN_TOTO_PAYLOAD_TYPE, utf8(`payload ${n}`));
      const sigNode = node.sign(msg);
      const sigNoble = noble.sign(msg);
      assert.ok(ed25519VerifyStrict(noble.publicKey, msg, sigNode), 'noble verifies node:crypto');
      assert.ok(nodeVerifyEd25519(node.publicKey, msg, sigNoble), 'node:crypto verifies noble');
      assert.deepEqual(sigNoble, sigNode, 'Ed25519 is deterministic: the same signature');
      assert.ok(!ed25519VerifyStrict(noble.publicKey, utf8('other'), sigNode));
    });
  }
  it('an envelope signed with node:crypto verifies; one signed with noble verifies with node:crypto', () => {
    const nodeAuditor = nodeSigner(seed(1));
    assert.equal(nodeAuditor.keyid, auditor.keyid);
    const env = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [nodeAuditor, nodeSigner(seed(2))]);
    assert.equal(verifyEnvelope(parseEnvelope(serializeEnvelope(env)), policy).signers.length, 2);
    const nobleEnv = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor]);
    assert.ok(nodeVerifyEd25519(auditor.publicKey, pae(IN_TOTO_PAYLOAD_TYPE, payload), nobleEnv.signatures[0]!.sig));
  });
});

describe('DSSE strict parsing and verification', () => {
  const good = serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor, reviewer]));
  const obj = (): Record<string, unknown> => JSON.parse(good) as Record<string, unknown>;
  const canon = (o: unknown): string => `${JSON.stringify(o, Object.keys(o as object).sort())}`;

  it('round-trips and verifies 2-of-3 with the required roles', () => {
    const env = parseEnvelope(good);
    assert.equal(serializeEnvelope(env), good);
    const v = verifyEnvelope(env, policy);
    assert.deepEqual(v.signers.map((s) => s.role), ['auditor', 'peer-reviewer']);
  });
  it('refuses non-canonical JSON, unknown fields and wrong types', () => {
    assert.equal(code(() => parseEnvelope(JSON.stringify(obj(), null, 2))), 'DSSE_MALFORMED');
    assert.equal(code(() => parseEnvelope(`${good}\n`)), 'DSSE_MALFORMED');
    assert.equal(code(() => parseEnvelope('not json')), 'DSSE_MALFORMED');
    assert.equal(code(() => parseEnvelope(canon({ ...obj(), extra: 1 }))), 'DSSE_MALFORMED');
    assert.equal(code(() => parseEnvelope(Uint8Array.of(0xff, 0xfe))), 'DSSE_MALFORMED');
  });
  it('wants exactly the in-toto payload type', () => {
    const env = signEnvelope('application/vnd.in-toto+json ', payload, [auditor]);
    assert.equal(code(() => parseEnvelope(serializeEnvelope(env))), 'DSSE_PAYLOAD_TYPE');
  });
  it('refuses base64url, missing padding and non-zero pad bits', () => {
    const e = signEnvelope(IN_TOTO_PAYLOAD_TYPE, utf8('??>'), [auditor]); // base64 "Pz8+"
    const text = serializeEnvelope(e);
    assert.match(text, /"payload":"Pz8\+"/);
    assert.equal(code(() => parseEnvelope(text.replace('Pz8+', 'Pz8-'))), 'DSSE_BASE64');
    const one = serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, utf8('a'), [auditor])); // "YQ=="
    assert.equal(code(() => parseEnvelope(one.replace('"YQ=="', '"YQ"'))), 'DSSE_BASE64');
    assert.equal(code(() => parseEnvelope(one.replace('"YQ=="', '"YR=="'))), 'DSSE_BASE64');
  });
  it('requires signatures, key IDs, and one signature per key', () => {
    assert.equal(code(() => parseEnvelope(serializeEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, payload, signatures: [] }))), 'DSSE_NO_SIGNATURES');
    const noId = serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [{ keyid: '', sign: auditor.sign }]));
    assert.equal(code(() => parseEnvelope(noId)), 'DSSE_KEYID_MISSING');
    const dup = serializeEnvelope(addSignatures(signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor]), [auditor]));
    assert.equal(code(() => parseEnvelope(dup)), 'DSSE_DUPLICATE_SIGNER');
  });
  it('a signature by a trusted key that fails is fatal; unknown keys are ignored', () => {
    const forged = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor, { keyid: reviewer.keyid, sign: stranger.sign }]);
    assert.equal(code(() => verifyEnvelope(forged, policy)), 'DSSE_BAD_SIGNATURE');
    const withStranger = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor, reviewer, stranger]);
    assert.deepEqual(verifyEnvelope(withStranger, policy).ignored, [stranger.keyid]);
  });
  it('applies the threshold and the required roles', () => {
    assert.equal(code(() => verifyEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor, stranger]), policy)), 'DSSE_THRESHOLD');
    assert.equal(code(() => verifyEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor, operator]), policy)), 'DSSE_ROLE_MISSING');
    const threeOfThree = parseTrustPolicy({ ...trustJson(), threshold: 3 });
    assert.equal(code(() => verifyEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [auditor, reviewer]), threeOfThree)), 'DSSE_THRESHOLD');
    assert.equal(verifyEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [operator, reviewer, auditor]), threeOfThree).signers.length, 3);
  });
  it('trust files: every problem reported with its path', () => {
    try {
      parseTrustPolicy({ keys: [{ keyid: 'x', name: '', role: 'boss', publicKey: '00' }], threshold: 0, extra: true });
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof AttestError);
      assert.equal(e.code, 'TRUST_MALFORMED');
      assert.deepEqual(e.problems.map((p) => p.path).sort(), ['extra', 'keys[0].publicKey', 'threshold']);
    }
    const j = trustJson();
    const keys = j.keys as { keyid: string }[];
    assert.equal(code(() => parseTrustPolicy({ ...j, keys: [keys[0], keys[0]] })), 'TRUST_MALFORMED');
    assert.equal(code(() => parseTrustPolicy({ ...j, keys: [{ ...keys[0], keyid: 'b'.repeat(64) }] })), 'TRUST_MALFORMED');
  });

  it('changing any byte of an envelope fails with a specific reason (fast-check)', () => {
    const bytes = utf8(good);
    const allowed = new Set(['DSSE_MALFORMED', 'DSSE_BASE64', 'DSSE_PAYLOAD_TYPE', 'DSSE_KEYID_MISSING', 'DSSE_DUPLICATE_SIGNER', 'DSSE_BAD_SIGNATURE', 'DSSE_THRESHOLD', 'DSSE_ROLE_MISSING', 'DSSE_NO_SIGNATURES']);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const m = bytes.slice();
        m[i] = m[i]! ^ x;
        const c = code(() => verifyEnvelope(parseEnvelope(m), policy));
        assert.ok(allowed.has(c), `byte ${i} ^ ${x}: ${c}`);
      }),
      { numRuns: 1500 },
    );
  });
  it('toBase64 is the standard alphabet with padding', () => {
    assert.equal(toBase64(Uint8Array.of(0xfb, 0xff)), '+/8=');
  });
});
