import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAssessment, planMigration, type Assessment } from '@keygrade/assessment';
import { allRequirements } from '@keygrade/catalog';
import { buildOscalAssessmentResults } from '@keygrade/report';
import { buildReportModel } from '@keygrade/report';
import { STATUS_RULES, STATUSES, type Status } from '@keygrade/scoring';
import { ComplianceError } from '../errors.js';
import { catalog } from '../test-fixtures.js';
import { importOscalAssessmentResults } from './oscal-import.js';

function uuids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}

/** An assessment file with the given statuses (carried statements filled in). */
function assessment(edition: string, statuses: ReadonlyMap<string, Status>): Assessment {
  const lines = [`keygrade: assessment/v1`, `edition: ${edition}`, 'organization: Acme Custody', 'system: Cold Vault', 'assessed_at: 2026-11-01', 'answers:'];
  for (const [id, status] of statuses) {
    const carry = STATUS_RULES[status].mustCarry;
    lines.push(`  ${JSON.stringify(id)}: ${JSON.stringify(carry ? { status, [carry]: `because of ${id}` } : { status })}`);
  }
  if (statuses.size === 0) lines.push('  {}');
  return parseAssessment('assessment.yaml', lines.join('\n'), catalog);
}

/** The OSCAL document @keygrade/report writes for an assessment, as JSON would carry it. */
const exported = (a: Assessment) => JSON.parse(JSON.stringify(buildOscalAssessmentResults(buildReportModel(a, { generatedAt: '2026-11-22T10:00:00Z' }), { uuid: uuids() }))) as unknown;

describe('OSCAL assessment-results import', () => {
  it('import(export(x)) gives back every assessed status (property)', () => {
    const ids = allRequirements(catalog.edition('ccss-v9')).map((r) => r.id);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUSES), { minLength: ids.length, maxLength: ids.length }), (statuses) => {
        const map = new Map(ids.map((id, i) => [id, statuses[i]!] as const).filter(([, s]) => s !== 'not_assessed'));
        const result = importOscalAssessmentResults(exported(assessment('ccss-v9', map)), catalog);
        assert.equal(result.sourceEdition, 'ccss-v9');
        assert.equal(result.targetEdition, 'ccss-v9');
        assert.deepEqual(new Map([...result.answers].map(([id, a]) => [id, a.status])), map);
        for (const [id, a] of result.answers) {
          const carry = STATUS_RULES[a.status].mustCarry;
          if (carry) assert.match(a[carry]!, new RegExp(`because of ${id.replace(/\./g, '\\.')}`));
        }
        assert.deepEqual(result.notes, []);
      }),
      { numRuns: 25 },
    );
  });

  it('maps findings to another edition through the crosswalk, as keygrade migrate would', () => {
    const source = catalog.edition('ccss-2020');
    const statuses = new Map(allRequirements(source).map((r, i) => [r.id, (i % 5 === 0 ? 'not_in_place' : 'in_place') as Status]));
    const a = assessment('ccss-2020', statuses);
    const result = importOscalAssessmentResults(exported(a), catalog, { targetEdition: 'ccss-2021' });
    const target = catalog.edition('ccss-2021');
    const plan = planMigration(a, catalog.crosswalk('ccss-2020', 'ccss-2021'), target);
    const expected = new Map([...plan.answers].filter(([, e]) => e.status !== undefined && e.status !== 'not_assessed').map(([id, e]) => [id, e.status]));
    assert.ok(expected.size > 0);
    assert.deepEqual(new Map([...result.answers].map(([id, x]) => [id, x.status])), expected);
    assert.ok(result.notes.some((n) => n.requirementId !== undefined && n.message.startsWith('re-assess: ')), 'what cannot be carried is listed');
  });

  it('reads third-party documents: bare ids, state without a CCSS reason, later results win, unknown targets noted', () => {
    const finding = (uuid: string, target: string, state: string, reason?: string) => ({ uuid, target: { type: 'objective-id', 'target-id': target, status: { state, ...(reason ? { reason } : {}) } } });
    const doc = {
      'assessment-results': {
        uuid: 'u',
        metadata: { title: 'external', props: [] },
        results: [
          { uuid: 'r2', start: '2026-06-01T00:00:00Z', findings: [finding('f3', '2.01.1.2', 'satisfied'), finding('f4', 'ac-2', 'satisfied')] },
          { uuid: 'r1', start: '2026-01-01T00:00:00Z', findings: [finding('f1', 'ccss-2.01.1.2', 'not-satisfied'), finding('f2', 'ccss-2.03.3.1', 'satisfied', 'qualified_in_place')] },
        ],
      },
    };
    const result = importOscalAssessmentResults(doc, catalog, { sourceEdition: 'ccss-v9' });
    assert.equal(result.assessedAt, '2026-06-01T00:00:00Z');
    assert.deepEqual(result.answers.get('2.01.1.2'), { status: 'in_place' });
    assert.deepEqual(result.answers.get('2.03.3.1'), { status: 'qualified_in_place', relies_on: 'stated in OSCAL finding f2' });
    assert.deepEqual(result.notes, [{ findingUuid: 'f4', message: 'target ac-2 is not a requirement of ccss-v9; finding skipped' }]);
    assert.throws(() => importOscalAssessmentResults(doc, catalog), /does not name its CCSS edition; pass sourceEdition/);
    assert.throws(
      () => importOscalAssessmentResults({ 'assessment-results': { uuid: 'u', metadata: {}, results: [] } }, catalog, { sourceEdition: 'ccss-v9' }),
      (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_OSCAL_INVALID' && e.problems[0]!.path === 'assessment-results.results',
    );
    assert.throws(() => importOscalAssessmentResults(doc, catalog, { sourceEdition: 'ccss-1999' }), (e: unknown) => e instanceof ComplianceError && /unknown edition/.test(e.message));
  });
});
