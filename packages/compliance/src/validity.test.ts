import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_VALIDITY, resolveValidity } from './config.js';
import { ComplianceError } from './errors.js';
import { validateEntry, validateRegisters } from './registers.js';
import { pentest, SHA, v9Registers } from './test-fixtures.js';
import {
  drillValidity,
  peopleFacetValidity,
  plainEvidenceValidity,
  policyValidity,
  providerValidity,
  sanitizationValidity,
  securityTestValidity,
} from './validity.js';

const cfg = resolveValidity();
const test = (extra: Record<string, unknown> = {}) => validateEntry('securityTests', pentest('PT-1', '2026-03-10', extra));

describe('validity rules', () => {
  it('a pentest counts 12 months from its performed date, both ends included', () => {
    const t = test();
    assert.equal(securityTestValidity(t, '2026-03-09', cfg).valid, false);
    assert.match(securityTestValidity(t, '2026-03-09', cfg).reason, /not performed until 2026-03-10/);
    assert.deepEqual(securityTestValidity(t, '2026-03-10', cfg), { valid: true, from: '2026-03-10', until: '2027-03-09', reason: 'performed 2026-03-10, counts until 2027-03-09' });
    assert.equal(securityTestValidity(t, '2027-03-09', cfg).valid, true);
    const lapsed = securityTestValidity(t, '2027-03-10', cfg);
    assert.equal(lapsed.valid, false);
    assert.equal(lapsed.reason, 'lapsed after 2027-03-09 (12 months from 2026-03-10)');
    // Configurable per organization.
    assert.equal(securityTestValidity(t, '2026-09-10', resolveValidity({ securityTestMonths: 6 })).valid, false);
  });

  it('a planned test or one without its report does not count', () => {
    const planned = validateEntry('securityTests', { ...(pentest('PT-2', '2026-01-01') as object), performedOn: undefined, reportedOn: undefined, plannedOn: '2026-09-01' });
    assert.deepEqual(securityTestValidity(planned, '2026-10-01', cfg), { valid: false, until: null, reason: 'planned for 2026-09-01, not performed' });
    const noReport = validateEntry('securityTests', { ...(pentest('PT-3', '2026-01-01') as object), report: undefined });
    assert.match(securityTestValidity(noReport, '2026-02-01', cfg).reason, /no report evidence is recorded/);
    assert.equal(securityTestValidity(noReport, '2026-02-01', resolveValidity({ requireTestReport: false })).valid, true);
  });

  it('an unresolved high finding stops the test counting after its due date, until resolved', () => {
    const finding = { id: 'F-1', title: 'signing API lacks rate limits', severity: 'high', owner: 'ops', due: '2026-05-31', remediation: 'remediated', resolvedOn: '2026-06-15' };
    const t = test({ findings: [finding, { id: 'F-2', title: 'banner', severity: 'low', owner: 'ops', due: '2026-04-01', remediation: 'open' }] });
    const before = securityTestValidity(t, '2026-05-01', cfg);
    assert.equal(before.valid, true);
    assert.equal(before.until, '2026-05-31', 'counts only until the due date while the finding is open');
    const overdue = securityTestValidity(t, '2026-06-01', cfg);
    assert.equal(overdue.valid, false);
    assert.equal(overdue.reason, 'high finding F-1 is unresolved past its due date 2026-05-31');
    assert.deepEqual(securityTestValidity(t, '2026-06-15', cfg).until, '2027-03-09', 'the low finding F-2 blocks nothing');
    // A failed retest reopens the finding.
    const retested = test({ findings: [{ ...finding, resolvedOn: '2026-05-20', retest: { on: '2026-06-10', result: 'failed' } }] });
    assert.equal(securityTestValidity(retested, '2026-06-05', cfg).valid, true);
    assert.equal(securityTestValidity(retested, '2026-06-10', cfg).valid, false);
    // Medium findings block when the organization says so.
    const medium = test({ findings: [{ ...finding, severity: 'medium', remediation: 'open', resolvedOn: undefined }] });
    assert.equal(securityTestValidity(medium, '2026-07-01', cfg).valid, true);
    assert.equal(securityTestValidity(medium, '2026-07-01', resolveValidity({ blockingSeverities: ['critical', 'high', 'medium'] })).valid, false);
  });

  it('a policy counts from approval to its next review date, and not at all unapproved', () => {
    const base = { id: 'P', kind: 'key_compromise', version: '3', owner: 'CISO', nextReview: '2027-01-31', text: 'KCP' };
    const draft = validateEntry('policies', base);
    assert.deepEqual(policyValidity(draft, '2026-06-01'), { valid: false, until: '2027-01-31', reason: 'version 3 is not approved' });
    const approved = validateEntry('policies', { ...base, approval: { by: 'Board', on: '2026-02-01' } });
    assert.equal(policyValidity(approved, '2026-01-31').valid, false);
    assert.deepEqual(policyValidity(approved, '2027-01-31'), { valid: true, from: '2026-02-01', until: '2027-01-31', reason: 'version 3 approved by Board on 2026-02-01, next review 2027-01-31' });
    assert.match(policyValidity(approved, '2027-02-01').reason, /was due for review on 2027-01-31/);
  });

  it('sanitization entries never expire; drills and providers count for their period', () => {
    const s = validateEntry('sanitization', { id: 'S', mediaId: 'M', held: 'h', method: 'clear', tool: 't', toolConfiguration: 'c', performedBy: 'a', performedOn: '2020-01-01' });
    assert.deepEqual(sanitizationValidity(s, '2099-12-31'), { valid: true, from: '2020-01-01', until: null, reason: 'clear of M on 2020-01-01 by a' });
    const d = validateEntry('drills', { id: 'D', scenario: 'x', performedOn: '2026-02-10', participants: ['K-1'] });
    assert.equal(drillValidity(d, '2027-02-09', cfg).valid, true);
    assert.equal(drillValidity(d, '2027-02-10', cfg).valid, false);
    const quarterly = validateEntry('drills', { id: 'D', scenario: 'x', performedOn: '2026-02-10', participants: ['K-1'], validMonths: 3 });
    assert.equal(drillValidity(quarterly, '2026-05-09', cfg).until, '2026-05-09');
    const p = v9Registers().providers[0]!;
    assert.equal(providerValidity(p, '2026-08-31').valid, true);
    assert.equal(providerValidity(p, '2026-09-01').reason, 'certificate CCSS-42 (CCSS) expired after 2026-08-31');
    assert.deepEqual(plainEvidenceValidity({ sha256: SHA('a') }, '2099-01-01'), { valid: true, until: null, reason: 'does not expire' });
    assert.equal(plainEvidenceValidity({ sha256: SHA('a'), expiresOn: '2026-12-31' }, '2027-01-01').valid, false);
  });

  it('training counts N months (default 12, configurable) for every screened person', () => {
    const r = v9Registers();
    assert.deepEqual(peopleFacetValidity(r, 'training:key_management', '2027-01-14', cfg), { valid: true, until: '2027-01-14', reason: 'all 2 screened people hold it until 2027-01-14' });
    const lapsed = peopleFacetValidity(r, 'training:key_management', '2027-01-15', cfg);
    assert.equal(lapsed.valid, false);
    assert.match(lapsed.reason, /2 of 2 screened people fall short \(K-1: key_management training of 2026-01-15 lapsed after 2027-01-14; K-2/);
    assert.equal(peopleFacetValidity(r, 'training:key_management', '2026-07-15', resolveValidity({ trainingMonths: 6 })).valid, false);
    // Checks do not expire by default; an organization may renew them.
    assert.equal(peopleFacetValidity(r, 'background', '2035-01-01', cfg).valid, true);
    assert.equal(peopleFacetValidity(r, 'background', '2028-12-01', resolveValidity({ backgroundCheckMonths: 36 })).valid, false);
  });

  it('a person without a passed check makes the facet fail, a revoked one no longer counts', () => {
    const r = v9Registers();
    const newcomer = { id: 'K-3', roles: ['operator'], grantedOn: '2026-04-01', checks: [{ kind: 'reference', provider: 'P', completedOn: '2026-03-20', outcome: 'failed' }] };
    const withNewcomer = validateRegisters({ ...r, people: [...r.people, newcomer] });
    assert.equal(peopleFacetValidity(withNewcomer, 'reference', '2026-03-31', cfg).valid, true, 'not active yet');
    const fails = peopleFacetValidity(withNewcomer, 'reference', '2026-04-01', cfg);
    assert.match(fails.reason, /1 of 3 screened people fall short \(K-3: reference check by P on 2026-03-20 was failed\)/);
    assert.match(peopleFacetValidity(withNewcomer, 'identity', '2026-04-01', cfg).reason, /K-3: no identity check recorded/);
    const revoked = validateRegisters({ ...r, people: [...r.people, { ...newcomer, revokedOn: '2026-05-01' }] });
    assert.equal(peopleFacetValidity(revoked, 'reference', '2026-05-01', cfg).valid, true);
    // Someone with only an administrator role is not screened by default.
    const admin = validateRegisters({ ...r, people: [...r.people, { id: 'A-1', roles: ['administrator'] }] });
    assert.equal(peopleFacetValidity(admin, 'reference', '2026-06-01', cfg).valid, true);
    assert.match(peopleFacetValidity(validateRegisters({}), 'reference', '2026-06-01', cfg).reason, /no active keyholder\/operator\/signer/);
  });

  it('an acknowledgement goes stale when the acknowledged policy has a new version', () => {
    const r = v9Registers();
    const acks = [{ subject: 'responsibilities', policyId: 'POL-4', policyVersion: '1.0', acknowledgedOn: '2026-01-15' }];
    const people = r.people.map((p) => ({ ...p, acknowledgements: acks }));
    assert.equal(peopleFacetValidity(validateRegisters({ ...r, people }), 'acknowledgement:responsibilities', '2026-06-01', cfg).valid, true);
    const policies = r.policies.map((p) => (p.id === 'POL-4' ? { ...p, version: '2.0' } : p));
    const stale = peopleFacetValidity(validateRegisters({ ...r, people, policies }), 'acknowledgement:responsibilities', '2026-06-01', cfg);
    assert.match(stale.reason, /acknowledged version 1\.0 of POL-4; the current version is 2\.0/);
  });

  it('the configuration has defaults and refuses bad values, naming the field', () => {
    assert.deepEqual(resolveValidity(), { ...DEFAULT_VALIDITY });
    assert.equal(resolveValidity({ trainingMonths: 6 }).trainingMonths, 6);
    assert.throws(
      () => resolveValidity({ trainingMonths: 0, screenedRoles: ['wizard'] }),
      (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_INVALID_CONFIG' && /trainingMonths must be at least 1 month/.test(e.message) && e.problems.some((p) => p.path === 'screenedRoles.0'),
    );
    assert.throws(() => resolveValidity({ trainingMonth: 6 }), /trainingMonth is not a field/);
  });
});
