import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { assertCanStartWork, declarationOf, validateEngagement, type EngagementInput } from './engagement.js';
import { AuditError, type AuditErrorCode } from './errors.js';
import { assertCanStartReview, lastAuditsOf, peerReviewConflicts, type PriorAudit } from './peer-review.js';

const clear = { employment: { conflict: false }, family: { conflict: false }, financialInterest: { conflict: false } };
const base = (): EngagementInput => ({
  edition: 'ccss-v9',
  type: 'certification',
  firstAudit: true,
  auditorFirm: { id: 'firm-a', name: 'Alpha Assurance' },
  auditors: [{ id: 'ann', name: 'Ann Auditor', lead: true }, { id: 'bo', name: 'Bo Auditor' }],
  auditee: { organization: { id: 'org-x', name: 'Example Custody' }, system: { id: 'sys-1', name: 'Cold storage' } },
  period: { start: '2026-01-01', end: '2026-09-30' },
  agreementReference: 'EL-2025-114',
  peerReviewer: { id: 'rita', name: 'Rita Reviewer', firm: { id: 'firm-b', name: 'Beta Review' } },
  declarations: [
    { personId: 'ann', role: 'auditor', declaredOn: '2025-12-01', ...clear },
    { personId: 'bo', role: 'auditor', declaredOn: '2025-12-02', ...clear },
  ],
});
const fails = (code: AuditErrorCode, paths?: string[]) => (e: unknown) => {
  if (!(e instanceof AuditError) || e.code !== code) return false;
  if (paths) assert.deepEqual(e.problems.map((p) => p.path), paths);
  return true;
};

describe('validateEngagement', () => {
  it('accepts a complete engagement', () => {
    const e = validateEngagement(base(), { knownEditions: ['ccss-2021', 'ccss-v9'] });
    assert.equal(e.auditors.length, 2);
    assert.equal(validateEngagement({ ...base(), declarations: undefined }).declarations.length, 0);
  });
  it('names every missing or malformed field', () => {
    const input = { ...base(), type: 'review', agreementReference: ' ', auditors: [], period: { start: '2026-01-01', end: '2026-02-30' } };
    assert.throws(() => validateEngagement(input), fails('AUDIT_INVALID_ENGAGEMENT', ['type', 'auditors', 'period.end', 'agreementReference']));
  });
  it('refuses a period outside the rules with the period field', () => {
    assert.throws(() => validateEngagement({ ...base(), firstAudit: false }), fails('AUDIT_INVALID_ENGAGEMENT', ['period.end']));
    assert.throws(() => validateEngagement({ ...base(), period: { start: '2026-01-01', end: '2026-05-31' } }), (e: unknown) => e instanceof AuditError && /6 to 18 months/.test(e.describe()));
  });
  it('refuses a declared conflict without details, a stranger\'s declaration, a duplicate auditor, an unknown edition', () => {
    const input = base();
    input.declarations = [{ personId: 'ann', role: 'auditor', declaredOn: '2025-12-01', ...clear, family: { conflict: true } }];
    assert.throws(() => validateEngagement(input), fails('AUDIT_INVALID_ENGAGEMENT', ['declarations.0.family.details']));
    const other = base();
    other.declarations = [{ personId: 'zed', role: 'auditor', declaredOn: '2025-12-01', ...clear }, { personId: 'ann', role: 'peer_reviewer', declaredOn: '2025-12-01', ...clear }];
    other.auditors = [...other.auditors, { id: 'ann', name: 'Ann again' }];
    assert.throws(() => validateEngagement(other, { knownEditions: ['ccss-2021'] }), fails('AUDIT_INVALID_ENGAGEMENT', ['edition', 'auditors.2.id', 'declarations.0.personId', 'declarations.1.personId']));
  });
  it('a readiness assessment is not a first audit', () => {
    assert.throws(() => validateEngagement({ ...base(), type: 'readiness' }), fails('AUDIT_INVALID_ENGAGEMENT', ['firstAudit']));
    assert.equal(validateEngagement({ ...base(), type: 'readiness', firstAudit: false, period: { start: '2025-11-30', end: '2025-11-30' } }).type, 'readiness');
  });
  it('the reviewer cannot be one of the auditors', () => {
    assert.throws(() => validateEngagement({ ...base(), peerReviewer: { id: 'bo', name: 'Bo', firm: { id: 'firm-b', name: 'B' } } }), fails('AUDIT_INVALID_ENGAGEMENT', ['peerReviewer.id']));
  });
});

describe('declarations before work starts', () => {
  it('work starts when every auditor has declared no conflict by that day', () => {
    assertCanStartWork(validateEngagement(base()), '2025-12-02');
  });
  it('refuses a missing or later declaration, naming the auditor', () => {
    const e = validateEngagement(base());
    assert.throws(() => assertCanStartWork(e, '2025-12-01'), (x: unknown) => x instanceof AuditError && x.code === 'AUDIT_DECLARATIONS_MISSING' && /auditor bo \(Bo Auditor\)/.test(x.describe()));
  });
  it('refuses a declared conflict', () => {
    const input = base();
    input.declarations![1] = { personId: 'bo', role: 'auditor', declaredOn: '2025-12-02', ...clear, financialInterest: { conflict: true, details: 'holds the custodian\'s tokens' } };
    assert.throws(() => assertCanStartWork(validateEngagement(input), '2026-01-05'), (x: unknown) => x instanceof AuditError && x.code === 'AUDIT_CONFLICT_DECLARED' && /financialInterest \(holds the custodian's tokens\)/.test(x.describe()));
  });
});

describe('peer-review conflict check', () => {
  const prior: PriorAudit[] = [
    { auditId: 'a-2022', systemId: 'sys-1', periodEnd: '2022-12-31', peerReviewerId: 'rita' },
    { auditId: 'a-2025', systemId: 'sys-1', periodEnd: '2025-12-31', peerReviewerId: 'sam' },
    { auditId: 'a-2023', systemId: 'sys-1', periodEnd: '2023-12-31', peerReviewerId: 'tom' },
    { auditId: 'a-2024', systemId: 'sys-1', periodEnd: '2024-12-31', peerReviewerId: 'uma' },
    { auditId: 'other', systemId: 'sys-2', periodEnd: '2025-12-31', peerReviewerId: 'vic' },
  ];
  const check = (id: string, firmId = 'firm-b', declaration: Parameters<typeof peerReviewConflicts>[0]['declaration'] = clear) =>
    peerReviewConflicts({ reviewer: { id, firmId }, auditorFirmId: 'firm-a', auditorIds: ['ann', 'bo'], systemId: 'sys-1', priorAudits: prior, declaration }).map((r) => r.code);

  it('takes the last 3 audits of the system by period end', () => {
    assert.deepEqual(lastAuditsOf('sys-1', prior).map((a) => a.auditId), ['a-2025', 'a-2024', 'a-2023']);
  });
  it('allows a reviewer from another firm who did not review the last 3 audits', () => {
    assert.deepEqual(check('rita'), []); // reviewed 2022: the 4th most recent
    assert.deepEqual(check('vic'), []); // reviewed another system
  });
  it('refuses the auditor\'s firm, a recent reviewer, an auditor, a missing or conflicting declaration', () => {
    assert.deepEqual(check('sam'), ['RECENT_REVIEWER']);
    assert.deepEqual(check('tom'), ['RECENT_REVIEWER']);
    assert.deepEqual(check('zoe', 'firm-a'), ['SAME_FIRM']);
    assert.deepEqual(check('ann', 'firm-a'), ['SAME_FIRM', 'IS_AUDITOR']);
    assert.deepEqual(check('zoe', 'firm-b', null), ['NO_DECLARATION']);
    assert.deepEqual(check('uma', 'firm-a', { ...clear, employment: { conflict: true, details: 'former employee of the auditee' } }), ['SAME_FIRM', 'RECENT_REVIEWER', 'DECLARED_CONFLICT']);
  });
  it('gives reasons a person can read', () => {
    const [r] = peerReviewConflicts({ reviewer: { id: 'sam', name: 'Sam', firmId: 'firm-c' }, auditorFirmId: 'firm-a', auditorIds: [], systemId: 'sys-1', priorAudits: prior });
    assert.equal(r!.message, 'sam (Sam) reviewed audit a-2025 of system sys-1 (period ending 2025-12-31), one of its last 3 audits');
  });
  it('assertCanStartReview needs the reviewer\'s declaration and no conflict', () => {
    const input = base();
    assert.throws(() => assertCanStartReview(validateEngagement(input), '2026-10-10', prior), fails('AUDIT_DECLARATIONS_MISSING'));
    input.declarations!.push({ personId: 'rita', role: 'peer_reviewer', declaredOn: '2026-10-01', ...clear });
    assertCanStartReview(validateEngagement(input), '2026-10-10', prior);
    input.peerReviewer = { id: 'sam', name: 'Sam', firm: { id: 'firm-c', name: 'C' } };
    input.declarations!.push({ personId: 'sam', role: 'peer_reviewer', declaredOn: '2026-10-01', ...clear });
    input.declarations = input.declarations!.filter((d) => d.personId !== 'rita');
    assert.throws(() => assertCanStartReview(validateEngagement(input), '2026-10-10', prior), (x: unknown) => x instanceof AuditError && x.code === 'AUDIT_CONFLICT_DECLARED' && /RECENT_REVIEWER/.test(x.describe()));
  });
});

test('declarationOf: the latest date wins, and on the same date the one recorded last', () => {
  const base = { edition: 'ccss-2020', type: 'certification', firstAudit: true, auditorFirm: { id: 'f', name: 'F' }, auditors: [{ id: 'a1', name: 'A' }], auditee: { organization: { id: 'o', name: 'O' }, system: { id: 's', name: 'S' } }, period: { start: '2026-01-01', end: '2026-12-31' }, agreementReference: 'x' } as const;
  const no = { conflict: false };
  const yes = { conflict: true, details: 'tokens' };
  const e = validateEngagement({
    ...base,
    declarations: [
      { personId: 'a1', role: 'auditor', declaredOn: '2026-02-01', employment: no, family: no, financialInterest: yes },
      { personId: 'a1', role: 'auditor', declaredOn: '2026-02-01', employment: no, family: no, financialInterest: no },
      { personId: 'a1', role: 'auditor', declaredOn: '2026-01-15', employment: yes, family: no, financialInterest: no },
    ],
  });
  assert.equal(declarationOf(e, 'a1', 'auditor', '2026-03-01')?.financialInterest.conflict, false);
  assert.equal(declarationOf(e, 'a1', 'auditor', '2026-01-20')?.employment.conflict, true);
  assert.equal(declarationOf(e, 'a1', 'auditor', '2026-01-01'), undefined);
  assert.doesNotThrow(() => assertCanStartWork(e, '2026-03-01'));
});
