import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { score, STATUSES, type Status } from '@keygrade/scoring';
import { concludeAudit, type Finding } from './conclusion.js';
import { AuditError } from './errors.js';

const catalog = openCatalog();
const carry = (status: Status): Partial<Finding> =>
  status === 'in_place_comparable' ? { comparable_control: 'daily reconciliation instead' } : status === 'qualified_in_place' ? { relies_on: 'certified custodian X' } : status === 'not_applicable' ? { justification: 'no hot wallet' } : {};

describe('concludeAudit', () => {
  it('reaches the same aspect and system levels as @keygrade/scoring (every edition, random findings)', () => {
    for (const id of catalog.editionIds) {
      const edition = catalog.edition(id);
      const reqs = allRequirements(edition);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...STATUSES.filter((s) => s !== 'not_assessed'), 'in_place', 'in_place'), { minLength: reqs.length, maxLength: reqs.length }), (statuses) => {
          const findings: Finding[] = reqs.map((r, i) => ({ requirementId: r.id, status: statuses[i]!, ...carry(statuses[i]!) }));
          const c = concludeAudit(edition, findings);
          const s = score(edition, new Map(findings.map((f) => [f.requirementId, { status: f.status, ...carry(f.status) }])));
          assert.equal(c.systemLevel, s.systemLevel);
          assert.deepEqual(c.aspects.map((a) => a.level), s.aspects.map((a) => a.level));
          assert.ok(c.aspects.every((a) => c.systemLevel <= a.level));
          assert.equal(c.complete, true);
        }),
        { numRuns: 30 },
      );
    }
  });
  it('summarises exceptions per requirement and asks for a rationale where a satisfied requirement had exceptions', () => {
    const edition = catalog.edition('ccss-2021');
    const [r1, r2, r3] = allRequirements(edition);
    const findings: Finding[] = [
      { requirementId: r1!.id, status: 'in_place', rationale: 'isolated exception, compensating review' },
      { requirementId: r2!.id, status: 'not_in_place' },
    ];
    const results = (tested: number, exceptions: { itemId: string; note: string }[], untested: string[] = []) => ({ sampleSize: tested + untested.length, tested, ok: tested - exceptions.length, exceptions, untested, complete: untested.length === 0 });
    const c = concludeAudit(edition, findings, [
      { requirementId: r1!.id, sampleId: 's1', results: results(10, [{ itemId: 'CHG-7', note: 'approved after deployment' }]) },
      { requirementId: r2!.id, sampleId: 's2', results: results(5, [{ itemId: 'K-1', note: 'no dual control' }, { itemId: 'K-4', note: 'no dual control' }]) },
      { requirementId: r3!.id, sampleId: 's3', results: results(3, [], ['X-9']) },
    ]);
    assert.equal(c.exceptions.total, 3);
    assert.deepEqual(c.exceptions.byRequirement.map((e) => [e.requirementId, e.status, e.tested, e.exceptions.length]), [[r1!.id, 'in_place', 10, 1], [r2!.id, 'not_in_place', 5, 2]]);
    assert.equal(c.attention.length, 2);
    assert.match(c.attention[0]!, /concluded in_place although its sample had 1 exception/);
    assert.match(c.attention[1]!, /sample s3 .* 1 untested item/);
    assert.equal(c.complete, false);
    assert.equal(c.systemLevel, 0);
  });
  it('refuses findings that lack what their status carries, duplicates and unknown requirements, naming each', () => {
    const edition = catalog.edition('ccss-2021');
    const [r1] = allRequirements(edition);
    try {
      concludeAudit(edition, [{ requirementId: r1!.id, status: 'in_place' }, { requirementId: r1!.id, status: 'not_applicable' }, { requirementId: '9.9.9', status: 'in_place' }], [{ requirementId: 'nope', sampleId: 's', results: { sampleSize: 0, tested: 0, ok: 0, exceptions: [], untested: [], complete: true } }]);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof AuditError && e.code === 'AUDIT_FINDINGS_INVALID');
      assert.deepEqual(e.problems.map((p) => p.path), ['findings.1', 'samples.0.requirementId', r1!.id, '9.9.9']);
      assert.match(e.describe(), /must carry justification/);
    }
  });
});
