import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AttestError } from './errors.js';
import { certificateStatus, type CertificateEvent } from './lifecycle.js';

const t = (s: string): Date => new Date(s);
const issued: CertificateEvent = { type: 'issued', certificateId: 'A', at: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' };

describe('certificate lifecycle (pure state over events and a time)', () => {
  it('unknown before issuance, active after, expired at validUntil', () => {
    assert.equal(certificateStatus('A', [issued], t('2025-12-31T23:59:59Z')).state, 'unknown');
    assert.deepEqual(certificateStatus('A', [issued], t('2026-06-01T00:00:00Z')), { state: 'active', since: issued.at, issuedAt: issued.at, validUntil: '2027-01-01T00:00:00Z' });
    assert.equal(certificateStatus('A', [issued], t('2027-01-01T00:00:00Z')).state, 'expired');
  });
  it('suspension and reinstatement', () => {
    const ev: CertificateEvent[] = [issued, { type: 'suspended', certificateId: 'A', at: '2026-03-01T00:00:00Z', reason: 'incident under review' }, { type: 'reinstated', certificateId: 'A', at: '2026-04-01T00:00:00Z' }];
    assert.equal(certificateStatus('A', ev, t('2026-02-01T00:00:00Z')).state, 'active');
    assert.deepEqual(certificateStatus('A', ev, t('2026-03-15T00:00:00Z')), { state: 'suspended', since: '2026-03-01T00:00:00Z', reason: 'incident under review', issuedAt: issued.at, validUntil: issued.validUntil });
    assert.equal(certificateStatus('A', ev, t('2026-04-15T00:00:00Z')).state, 'active');
  });
  it('revocation with reason is final and shows even after expiry', () => {
    const ev: CertificateEvent[] = [issued, { type: 'revoked', certificateId: 'A', at: '2026-05-01T00:00:00Z', reason: 'key compromise' }];
    const s = certificateStatus('A', ev, t('2030-01-01T00:00:00Z'));
    assert.equal(s.state, 'revoked');
    assert.equal(s.reason, 'key compromise');
  });
  it('a new certificate that supersedes the old one', () => {
    const ev: CertificateEvent[] = [issued, { type: 'issued', certificateId: 'B', at: '2026-12-01T00:00:00Z', validUntil: '2027-12-01T00:00:00Z', supersedes: 'A' }];
    assert.deepEqual(certificateStatus('A', ev, t('2026-12-02T00:00:00Z')), { state: 'superseded', since: '2026-12-01T00:00:00Z', supersededBy: 'B', issuedAt: issued.at, validUntil: issued.validUntil });
    assert.equal(certificateStatus('B', ev, t('2026-12-02T00:00:00Z')).state, 'active');
    assert.equal(certificateStatus('A', ev, t('2026-11-30T00:00:00Z')).state, 'active');
  });
  it('refuses inconsistent histories', () => {
    const bad: CertificateEvent[][] = [
      [{ type: 'revoked', certificateId: 'A', at: '2026-01-01T00:00:00Z', reason: 'x' }],
      [issued, issued],
      [issued, { type: 'reinstated', certificateId: 'A', at: '2026-02-01T00:00:00Z' }],
      [issued, { type: 'revoked', certificateId: 'A', at: '2026-02-01T00:00:00Z', reason: 'x' }, { type: 'suspended', certificateId: 'A', at: '2026-03-01T00:00:00Z', reason: 'y' }],
      [issued, { type: 'revoked', certificateId: 'A', at: '2026-02-01T00:00:00Z', reason: ' ' }],
      [{ ...issued, at: '2026-02-01T00:00:00Z' }, { type: 'issued', certificateId: 'B', at: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }],
      [{ type: 'issued', certificateId: 'B', at: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z', supersedes: 'Z' }],
    ];
    for (const [i, ev] of bad.entries()) assert.throws(() => certificateStatus('A', ev, t('2026-12-01T00:00:00Z')), (e: unknown) => e instanceof AttestError && e.code === 'CERT_LIFECYCLE_INVALID', `history ${i}`);
  });
  it('the state at a time depends only on events up to that time (fast-check)', () => {
    const ev: CertificateEvent[] = [issued, { type: 'suspended', certificateId: 'A', at: '2026-03-01T00:00:00Z', reason: 'r' }, { type: 'reinstated', certificateId: 'A', at: '2026-04-01T00:00:00Z' }, { type: 'revoked', certificateId: 'A', at: '2026-06-01T00:00:00Z', reason: 'fraud' }];
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2025-06-01'), max: Date.parse('2028-01-01') }), (ms) => {
        const at = new Date(ms);
        const prefix = ev.filter((e) => Date.parse(e.at) <= ms);
        assert.deepEqual(certificateStatus('A', ev, at), certificateStatus('A', prefix, at));
      }),
    );
  });
});
