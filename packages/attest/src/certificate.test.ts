import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { utf8 } from './bytes.js';
import { certificateLogEntry, issueCertificate, verifyCertificate } from './certificate.js';
import { IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from './dsse.js';
import { AttestError } from './errors.js';
import { parseTrustPolicy, trustedKeyJson } from './keys.js';
import { buildStatement, CCSS_CERTIFICATE_PREDICATE_V1, statementBytes } from './statement.js';
import { auditor, nodeSigner, operator, policy, predicate, REPORT_SHA256, reviewer, seed, trustJson } from './test-util.js';

const AT = new Date('2026-08-01T00:00:00Z');
const cert = issueCertificate(predicate(), REPORT_SHA256, [auditor, reviewer]);

describe('certificates', () => {
  it('issue and verify: in-toto Statement v1 in DSSE, signed by auditor and peer reviewer', () => {
    const r = verifyCertificate(cert, policy, { at: AT });
    assert.equal(r.valid, true, r.failure?.message);
    assert.equal(r.statement!._type, 'https://in-toto.io/Statement/v1');
    assert.equal(r.statement!.predicateType, CCSS_CERTIFICATE_PREDICATE_V1);
    assert.deepEqual(r.statement!.subject, [{ name: 'ccss:acme/cold', digest: { sha256: REPORT_SHA256 } }]);
    assert.deepEqual(r.signers.map((s) => s.role), ['auditor', 'peer-reviewer']);
    assert.match(r.certificateSha256!, /^[0-9a-f]{64}$/);
    assert.equal(r.window, 'valid');
  });
  it('a certificate signed with node:crypto keys verifies the same', () => {
    const c = issueCertificate(predicate(), REPORT_SHA256, [nodeSigner(seed(1)), nodeSigner(seed(2))]);
    assert.equal(c, cert, 'same bytes: Ed25519 is deterministic and the JSON canonical');
  });
  it('reports expired and not-yet-valid with the signatures still checked', () => {
    const late = verifyCertificate(cert, policy, { at: new Date('2027-07-15T12:00:00Z') });
    assert.equal(late.failure?.code, 'CERT_EXPIRED');
    assert.equal(late.window, 'expired');
    assert.equal(late.signers.length, 2);
    assert.equal(verifyCertificate(cert, policy, { at: new Date('2026-07-15T11:59:59Z') }).failure?.code, 'CERT_NOT_YET_VALID');
  });
  it('the auditor and reviewer named in the predicate must be the ones who signed, with their role', () => {
    const swapped = issueCertificate(predicate({ auditor: { name: 'Op', keyid: operator.keyid } }), REPORT_SHA256, [operator, reviewer, auditor]);
    assert.equal(verifyCertificate(swapped, policy, { at: AT }).failure?.code, 'CERT_SIGNER_MISMATCH');
    const other = issueCertificate(predicate({ auditor: { name: 'Op', keyid: operator.keyid } }), REPORT_SHA256, [reviewer, auditor]);
    assert.equal(verifyCertificate(other, policy, { at: AT }).failure?.code, 'CERT_SIGNER_MISMATCH');
  });
  it('another predicate type or a broken statement is refused', () => {
    const s = { ...buildStatement(predicate(), REPORT_SHA256), predicateType: 'https://slsa.dev/provenance/v1' };
    const env = serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, statementBytes(s as never), [auditor, reviewer]));
    assert.equal(verifyCertificate(env, policy, { at: AT }).failure?.code, 'CERT_PREDICATE_TYPE');
    const junk = serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, utf8('{"_type":"x"}'), [auditor, reviewer]));
    assert.equal(verifyCertificate(junk, policy, { at: AT }).failure?.code, 'CERT_STATEMENT_MALFORMED');
  });
  it('predicate validation lists every failing field', () => {
    try {
      buildStatement(predicate({ level: 3, period: { start: '2026-07-01', end: '2026-01-01' }, validUntil: '2020-01-01T00:00:00Z', peerReviewer: { name: 'x', keyid: auditor.keyid } }), REPORT_SHA256);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof AttestError);
      assert.equal(e.code, 'CERT_PREDICATE_INVALID');
      assert.deepEqual(e.problems.map((p) => p.path).sort(), ['predicate.aspectLevels.1.01', 'predicate.peerReviewer.keyid', 'predicate.period', 'predicate.validUntil']);
    }
  });
  it('only trusted keys count: a policy without the reviewer fails', () => {
    const j = trustJson();
    const onlyAuditor = parseTrustPolicy({ ...j, keys: [trustedKeyJson('Ada Auditor', 'auditor', auditor.publicKey)], threshold: 1, requiredRoles: ['auditor'] });
    const r = verifyCertificate(cert, onlyAuditor, { at: AT });
    assert.equal(r.failure?.code, 'CERT_SIGNER_MISMATCH');
    assert.deepEqual(r.ignored, [reviewer.keyid]);
  });
  it('changing any byte of a certificate fails with a specific reason (fast-check)', () => {
    const bytes = utf8(cert);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const m = bytes.slice();
        m[i] = m[i]! ^ x;
        const r = verifyCertificate(m, policy, { at: AT });
        assert.equal(r.valid, false, `byte ${i} ^ ${x} still verifies`);
        assert.match(r.failure!.code, /^(DSSE|CERT)_/);
      }),
      { numRuns: 1500 },
    );
  });
  it('the registry log entry is derived from the certificate alone', () => {
    const r = verifyCertificate(cert, policy, { at: AT });
    assert.equal(new TextDecoder().decode(certificateLogEntry('KG-2026-0001', r.certificateSha256!)), `{"certificateId":"KG-2026-0001","certificateSha256":"${r.certificateSha256}","kind":"certificate-issued","v":1}`);
  });
});
