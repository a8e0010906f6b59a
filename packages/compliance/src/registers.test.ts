import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem } from '@keygrade/errors';
import { ComplianceError } from './errors.js';
import { validateEntry, validateRegister, validateRegisters, type RegisterKind } from './registers.js';
import { pentest, SHA, v9Registers } from './test-fixtures.js';

/** A copy of an object without one field. */
function without<T extends object>(o: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...o };
  delete copy[key];
  return copy;
}

/** Asserts that validating `input` fails with COMPLIANCE_INVALID_ENTRY and a problem at `path` whose message matches. */
function refused(kind: RegisterKind, input: unknown, path: string, message: RegExp): ComplianceError {
  let error: unknown;
  try {
    validateEntry(kind, input);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ComplianceError, `expected a ComplianceError for ${path}`);
  assert.equal(error.code, 'COMPLIANCE_INVALID_ENTRY');
  const hit = error.problems.find((p) => p.path === path && message.test(p.message));
  assert.ok(hit, `no problem at ${path} matching ${String(message)}; got:\n${error.describe()}`);
  return error;
}

const sanitization = {
  id: 'S-1',
  mediaId: 'USB-1',
  held: 'seed backup',
  method: 'purge',
  tool: 'nwipe 0.34',
  toolConfiguration: 'prng stream, 1 pass, verify last',
  performedBy: 'op-1',
  performedOn: '2026-02-01',
};
const policy = { id: 'P-1', kind: 'key_storage', version: '2', owner: 'CISO', nextReview: '2027-01-01', text: 'Keys at rest are encrypted.' };

describe('register validation: bad input is refused, naming the field', () => {
  it('accepts complete entries and fills defaults', () => {
    const t = validateEntry('securityTests', pentest('PT-1', '2026-03-10'));
    assert.deepEqual(t.findings, []);
    assert.equal(validateEntry('sanitization', sanitization).method, 'purge');
    assert.deepEqual(validateEntry('policies', policy).covers, []);
    assert.equal(v9Registers().policies.length, 8);
  });

  it('refuses dates in the wrong order', () => {
    refused('securityTests', pentest('PT-1', '2026-03-10', { startedOn: '2026-03-20' }), 'performedOn', /performedOn \(2026-03-10\) is before startedOn \(2026-03-20\)/);
    refused('securityTests', pentest('PT-1', '2026-03-10', { reportedOn: '2026-03-01' }), 'reportedOn', /wrong order/);
    refused('policies', { ...policy, approval: { by: 'Board', on: '2027-02-01' } }, 'nextReview', /nextReview \(2027-01-01\) is before approval\.on \(2027-02-01\)/);
    refused('sanitization', { ...sanitization, verifiedOn: '2026-01-01' }, 'verifiedOn', /before performedOn/);
    refused('people', { id: 'K-1', roles: ['keyholder'], grantedOn: '2026-05-01', revokedOn: '2026-04-01' }, 'revokedOn', /before grantedOn/);
    refused(
      'providers',
      { id: 'X', name: 'X', service: 's', certificate: { reference: 'C', issuer: 'CCSS', issuedOn: '2026-01-01', expiresOn: '2025-12-31' } },
      'certificate.expiresOn',
      /before certificate\.issuedOn/,
    );
    const findings = [{ id: 'F-1', title: 'weak TLS', severity: 'high', owner: 'ops', due: '2026-03-01', remediation: 'open' }];
    refused('securityTests', pentest('PT-1', '2026-03-10', { findings }), 'findings.0.due', /due \(2026-03-01\) is before performedOn/);
  });

  it('refuses dates that do not exist', () => {
    refused('policies', { ...policy, nextReview: '2027-02-29' }, 'nextReview', /nextReview must be a calendar date written YYYY-MM-DD/);
  });

  it('refuses findings without severity, owner or due date', () => {
    const finding = { id: 'F-1', title: 'weak TLS', owner: 'ops', due: '2026-04-30', remediation: 'open' };
    const e = refused('securityTests', pentest('PT-1', '2026-03-10', { findings: [finding] }), 'findings.0.severity', /^severity is required/);
    assert.match(e.message, /invalid security test: findings\.0\.severity: severity is required/);
    refused('securityTests', pentest('PT-1', '2026-03-10', { findings: [{ ...finding, severity: 'severe' }] }), 'findings.0.severity', /severity must be one of critical, high, medium, low, info/);
    refused('securityTests', pentest('PT-1', '2026-03-10', { findings: [{ ...finding, severity: 'low', owner: ' ' }] }), 'findings.0.owner', /owner must not be empty/);
    refused('securityTests', pentest('PT-1', '2026-03-10', { findings: [{ ...without(finding, 'due'), severity: 'medium' }] }), 'findings.0.due', /due is required for a medium finding/);
    refused('securityTests', pentest('PT-1', '2026-03-10', { findings: [{ ...finding, severity: 'low', remediation: 'remediated' }] }), 'findings.0.resolvedOn', /resolvedOn is required when remediation is remediated/);
  });

  it('refuses sanitization entries without method or performer', () => {
    refused('sanitization', without(sanitization, 'method'), 'method', /^method is required/);
    refused('sanitization', { ...sanitization, method: 'wipe' }, 'method', /method must be one of clear, purge, destroy/);
    refused('sanitization', without(sanitization, 'performedBy'), 'performedBy', /^performedBy is required/);
    refused('sanitization', { ...sanitization, witnessedBy: 'op-1' }, 'witnessedBy', /someone other than performedBy/);
  });

  it('refuses policies without owner, text or a known kind', () => {
    const e = refused('policies', without(policy, 'owner'), 'owner', /^owner is required/);
    assert.equal(formatProblem(e.problems[0]!), 'owner: owner is required');
    refused('policies', without(policy, 'text'), 'text', /text \(or document/);
    refused('policies', { ...policy, kind: 'hr' }, 'kind', /kind must be one of key_generation, wallet_creation/);
    refused('policies', { ...policy, covers: ['2.03.1.1'] }, 'covers.0', /<edition>:<requirement id>/);
  });

  it('refuses personal documents in the people register', () => {
    refused('people', { id: 'K-1', roles: ['keyholder'], passportScan: 'data:image/png;base64,AAAA' }, 'passportScan', /not a field of a person .*never personal documents/);
    refused('people', { id: 'K-1', roles: ['keyholder'], checks: [{ kind: 'identity', provider: 'P', completedOn: '2026-01-01', outcome: 'passed', document: 'x' }] }, 'checks.0.document', /not a field/);
    refused('people', { id: 'K-1', roles: [] }, 'roles', /at least one role/);
    refused('people', { id: 'K-1', roles: ['keyholder'], acknowledgements: [{ subject: 'policy', acknowledgedOn: '2026-01-01' }] }, 'acknowledgements.0.policyId', /policyId is required/);
  });

  it('lists every problem of a register, with entry index, and refuses ids used twice', () => {
    try {
      validateRegister('sanitization', [sanitization, { ...sanitization }, { ...sanitization, id: 'S-2', method: undefined, performedBy: '' }]);
      assert.fail('expected a refusal');
    } catch (e) {
      assert.ok(e instanceof ComplianceError);
      const paths = e.problems.map((p) => p.path);
      assert.deepEqual(paths.sort(), ['sanitization.1.id', 'sanitization.2.method', 'sanitization.2.performedBy']);
    }
    assert.throws(
      () => validateRegisters({ policies: [policy], audits: [] }),
      (e: unknown) => e instanceof ComplianceError && e.problems.some((p) => p.path === 'audits' && /not a register/.test(p.message)),
    );
    assert.throws(() => validateRegisters({ drills: [{ id: 'D', scenario: 's', performedOn: '2026-01-01', participants: [], report: { sha256: SHA('e') } }] }), /participants must name at least one person/);
  });
});
