import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allRequirements, type Crosswalk, type Edition } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { score, STATUS_RULES, STATUSES, type Status } from '@keygrade/scoring';
import { scaffoldAssessment } from './edit-assessment.js';
import { parseAssessment } from './parse-assessment.js';
import { migratedText, planMigration } from './migrate.js';

const catalog = openCatalog();

function assessmentWith(edition: Edition, answers: Record<string, { status: Status }>) {
  const head = scaffoldAssessment(edition, { organization: 'O', system: 'S', assessedAt: '2026-11-01' }).replace(/^answers:.*$/ms, '');
  const body = Object.entries(answers)
    .map(([id, a]) => `  "${id}":\n    status: ${a.status}\n${STATUS_RULES[a.status].mustCarry ? `    ${STATUS_RULES[a.status].mustCarry}: given\n` : ''}`)
    .join('');
  return parseAssessment('a.yaml', `${head}answers:\n${body}`, catalog);
}

describe('planMigration', () => {
  const from = catalog.edition('ccss-2020');
  const to = catalog.edition('ccss-2021');
  const cw = catalog.crosswalk('ccss-2020', 'ccss-2021');

  it('carries equivalent answers, drops removed requirements, lists new ones', () => {
    const a = assessmentWith(from, { '1.1.1.L1': { status: 'in_place' }, '1.2.1.L3': { status: 'in_place' }, '1.2.2.L2': { status: 'not_in_place' } });
    const plan = planMigration(a, cw, to);
    assert.deepEqual(plan.carried.find((c) => c.to === '1.1.1.L1'), { to: '1.1.1.L1', from: ['1.1.1.L1'], relation: 'equivalent', status: 'in_place' });
    // 2020 1.2.2 (multiple keys) became 2021 1.2.1
    assert.equal(plan.carried.find((c) => c.to === '1.2.1.L2')?.status, 'not_in_place');
    assert.deepEqual(plan.dropped.filter((d) => d.status !== 'not_assessed'), [{ from: '1.2.1.L3', status: 'in_place' }]);
    assert.ok(plan.reassess.some((r) => r.to === '1.2.6.L1' && /new in ccss-2021/.test(r.reason)));
  });

  it('carries not_in_place but not in_place across a subset (the new requirement asks for more)', () => {
    const done = planMigration(assessmentWith(from, { '1.1.2.L2': { status: 'in_place' } }), cw, to);
    assert.ok(done.reassess.some((r) => r.to === '1.1.2.L2'));
    const missing = planMigration(assessmentWith(from, { '1.1.2.L2': { status: 'not_in_place' } }), cw, to);
    assert.equal(missing.carried.find((c) => c.to === '1.1.2.L2')?.status, 'not_in_place');
  });

  it('writes a valid assessment of the target edition', () => {
    const a = assessmentWith(from, { '1.1.1.L1': { status: 'not_applicable' } });
    const text = migratedText(a, planMigration(a, cw, to), '2026-11-22');
    const b = parseAssessment('b.yaml', text, catalog);
    assert.equal(b.edition.id, 'ccss-2021');
    assert.equal(b.answers.get('1.1.1.L1')?.justification, 'given');
    assert.equal(b.meta.migrated_from?.edition, 'ccss-2020');
  });

  // The safety property of decision 9: a migrated assessment never claims a satisfied requirement
  // unless an equivalent or stricter source requirement was satisfied.
  for (const [src, dst] of [['ccss-2020', 'ccss-2021'], ['ccss-2021', 'ccss-v9'], ['ccss-2020', 'ccss-v9'], ['ccss-v9', 'ccss-2021']] as const) {
    it(`${src} -> ${dst}: every carried satisfied answer comes from a satisfied equivalent or stricter source`, () => {
      const s = catalog.edition(src);
      const d = catalog.edition(dst);
      const crosswalk: Crosswalk = catalog.crosswalk(src, dst);
      const ids = allRequirements(s).map((r) => r.id);
      fc.assert(
        fc.property(fc.array(fc.constantFrom<Status>(...STATUSES), { minLength: ids.length, maxLength: ids.length }), (statuses) => {
          const a = assessmentWith(s, Object.fromEntries(ids.map((id, i) => [id, { status: statuses[i]! }]).filter(([, x]) => (x as { status: Status }).status !== 'not_assessed')));
          const plan = planMigration(a, crosswalk, d);
          for (const c of plan.carried) {
            if (!STATUS_RULES[c.status].satisfied) continue;
            for (const f of c.from) {
              const rel = crosswalk.mappings.find((m) => m.from === f && m.to === c.to)!.relation;
              assert.ok(rel === 'equivalent' || rel === 'superset', `${f} -> ${c.to} is ${rel}`);
              assert.ok(STATUS_RULES[a.answers.get(f)!.status].satisfied);
            }
          }
          // the migrated file scores, and it is a valid assessment of the target edition
          const b = parseAssessment('b.yaml', migratedText(a, plan, '2026-11-22'), catalog);
          score(b.edition, b.answers);
        }),
        { numRuns: 25 },
      );
    });
  }
});
