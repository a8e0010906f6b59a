import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allRequirements, buildEdition, type Edition, type Level, type LevelOrZero } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { ScoringError } from '@keygrade/errors';
import { gaps, gapsOf, levelOf, score, uniformAnswers, type Answers } from './score.js';
import { STATUSES, STATUS_RULES, type Answer, type Status } from './status.js';

const catalog = openCatalog();
const editions = catalog.editionIds.map((id) => catalog.edition(id));

/** Answers that put every aspect at the given level: requirements up to it in place, above it not in place. */
function answersForAspectLevels(edition: Edition, levels: Record<string, LevelOrZero>): Map<string, Answer> {
  return new Map(allRequirements(edition).map((r) => [r.id, { status: r.level <= (levels[r.aspectId] ?? 0) ? 'in_place' : 'not_in_place' } as Answer]));
}

// A tiny edition written for these tests: one aspect, a control with cells at L1 and L3 only, and one with L2 only.
const tiny = buildEdition([
  {
    path: 'edition.yaml',
    text: 'id: ccss-test\nname: Test\npublished: "2020"\nstyle: component\nlanguages: [en]\nsource: test\nwordingNote: test\ndomains: [{ id: "1", title: { en: D } }]\n',
  },
  {
    path: 'aspects/1.01.yaml',
    text: [
      'id: "1.01"', 'domain: "1"', 'title: { en: A }', 'summary: { en: S }', 'controls:',
      '  - { id: "1.1.1", title: { en: C1 }, levels: { 1: { en: one }, 3: { en: three } } }',
      '  - { id: "1.1.2", title: { en: C2 }, levels: { 2: { en: two } } }',
    ].join('\n'),
  },
]);

describe('levelOf (SCORING.md controlLevel)', () => {
  it('is the largest level whose requirements at or below it are all satisfied', () => {
    assert.equal(levelOf([{ level: 1, satisfied: true }, { level: 2, satisfied: false }, { level: 3, satisfied: true }]), 1);
    assert.equal(levelOf([{ level: 1, satisfied: false }, { level: 2, satisfied: true }]), 0);
  });
  it('a level with no requirement does not block it', () => {
    assert.equal(levelOf([{ level: 3, satisfied: false }]), 2);
    assert.equal(levelOf([{ level: 1, satisfied: true }, { level: 3, satisfied: true }]), 3);
    assert.equal(levelOf([]), 3);
  });
});

describe('score', () => {
  it('reproduces the standard\'s Level I illustration (SCORING.md worked example)', () => {
    const levels = { '1.01': 1, '1.02': 3, '1.03': 1, '1.04': 2, '1.05': 2, '1.06': 3, '2.01': 1, '2.02': 3, '2.03': 1, '2.04': 2 } as const;
    for (const id of ['ccss-2020', 'ccss-2021']) {
      const edition = catalog.edition(id);
      const r = score(edition, answersForAspectLevels(edition, levels));
      assert.deepEqual(Object.fromEntries(r.aspects.map((a) => [a.id, a.level])), levels);
      assert.equal(r.systemLevel, 1);
      assert.equal(r.complete, true);
      assert.deepEqual(r.notAssessed, []);
    }
  });

  it('scores a tiny edition: a control without an L2 cell does not block Level II', () => {
    const r = score(tiny, new Map<string, Answer>([['1.1.1.L1', { status: 'in_place' }], ['1.1.2.L2', { status: 'in_place' }], ['1.1.1.L3', { status: 'not_in_place' }]]));
    assert.deepEqual(r.aspects[0]!.controls.map((c) => c.level), [2, 3]);
    assert.equal(r.systemLevel, 2);
  });

  it('treats missing answers as not_assessed and reports them as incomplete', () => {
    const r = score(tiny, new Map([['1.1.1.L1', { status: 'in_place' as const }]]));
    assert.equal(r.complete, false);
    assert.deepEqual(r.notAssessed, ['1.1.1.L3', '1.1.2.L2']);
    assert.equal(r.counts.not_assessed, 2);
    assert.equal(r.systemLevel, 1);
  });

  it('counts every satisfying status as satisfied and the others not', () => {
    for (const status of STATUSES) {
      const r = score(tiny, uniformAnswers(tiny, status));
      assert.equal(r.systemLevel, STATUS_RULES[status].satisfied ? 3 : 0, status);
    }
  });

  it('rejects a status that lacks what it must carry, naming the requirement', () => {
    for (const [status, field] of [['in_place_comparable', 'comparable_control'], ['qualified_in_place', 'relies_on'], ['not_applicable', 'justification']] as const) {
      const err = catchError(() => score(tiny, new Map([['1.1.1.L1', { status }]])));
      assert.ok(err instanceof ScoringError);
      assert.equal(err.code, 'SCORING_INVALID_ANSWER');
      assert.equal(err.problems[0]!.path, '1.1.1.L1');
      assert.match(err.problems[0]!.message, new RegExp(field));
      // an empty string is no better than a missing field
      assert.throws(() => score(tiny, new Map([['1.1.1.L1', { status, [field]: '  ' }]])), ScoringError);
    }
  });

  it('rejects answers for requirements that are not in the edition', () => {
    const err = catchError(() => score(tiny, new Map([['9.9.9.L1', { status: 'in_place' as const }]])));
    assert.ok(err instanceof ScoringError);
    assert.match(err.problems[0]!.message, /not a requirement of ccss-test/);
  });
});

describe('gaps', () => {
  it('lists unsatisfied requirements up to the target, grouped by aspect', () => {
    const g = gaps(tiny, new Map([['1.1.1.L1', { status: 'in_place' as const }]]), 2);
    assert.equal(g.total, 1);
    assert.deepEqual(g.aspects.map((a) => a.requirements.map((r) => r.id)), [['1.1.2.L2']]);
    assert.deepEqual(gaps(tiny, new Map(), 3).aspects[0]!.requirements.map((r) => r.id), ['1.1.1.L1', '1.1.1.L3', '1.1.2.L2']);
    assert.ok(g.closeWith.some((c) => c.status === 'not_applicable' && c.mustCarry === 'justification'));
  });
  it('gapsOf on a score result equals gaps on the answers', () => {
    const answers = new Map([['1.1.1.L1', { status: 'in_place' as const }]]);
    assert.deepEqual(gapsOf(tiny, score(tiny, answers), 3), gaps(tiny, answers, 3));
  });
  it('rejects a target outside 1..3', () => {
    assert.throws(() => gaps(tiny, new Map(), 4 as Level), (e: unknown) => e instanceof ScoringError && e.code === 'SCORING_INVALID_TARGET');
  });
});

// ---- properties over the real editions ----

const statusArb = fc.constantFrom<Status>(...STATUSES);
function answersArb(edition: Edition): fc.Arbitrary<Answers> {
  const ids = allRequirements(edition).map((r) => r.id);
  return fc.array(fc.option(statusArb, { nil: undefined }), { minLength: ids.length, maxLength: ids.length }).map((statuses) => {
    const m = new Map<string, Answer>();
    statuses.forEach((s, i) => {
      if (s === undefined) return;
      const carry = STATUS_RULES[s].mustCarry;
      m.set(ids[i]!, carry ? { status: s, [carry]: 'reason' } : { status: s });
    });
    return m;
  });
}

describe('scoring properties', () => {
  for (const edition of editions) {
    it(`${edition.id}: the system level never exceeds any aspect level, nor an aspect level any of its controls`, () => {
      fc.assert(
        fc.property(answersArb(edition), (answers) => {
          const r = score(edition, answers);
          for (const a of r.aspects) {
            assert.ok(r.systemLevel <= a.level);
            for (const c of a.controls) assert.ok(a.level <= c.level);
          }
          assert.ok(r.aspects.some((a) => a.level === r.systemLevel));
        }),
        { numRuns: 200 },
      );
    });

    it(`${edition.id}: adding a satisfied answer never lowers any level`, () => {
      const ids = allRequirements(edition).map((r) => r.id);
      fc.assert(
        fc.property(answersArb(edition), fc.nat({ max: ids.length - 1 }), fc.constantFrom<Status>('in_place', 'in_place_comparable', 'qualified_in_place', 'not_applicable'), (answers, i, status) => {
          const before = score(edition, answers);
          const carry = STATUS_RULES[status].mustCarry;
          const after = score(edition, new Map([...answers, [ids[i]!, carry ? { status, [carry]: 'x' } : { status }]]));
          assert.ok(after.systemLevel >= before.systemLevel);
          after.aspects.forEach((a, k) => assert.ok(a.level >= before.aspects[k]!.level));
        }),
        { numRuns: 200 },
      );
    });

    it(`${edition.id}: a requirement is a gap for target T exactly when it is unsatisfied and at level <= T; no gaps at T iff system level >= T`, () => {
      fc.assert(
        fc.property(answersArb(edition), fc.constantFrom<Level>(1, 2, 3), (answers, target) => {
          const r = score(edition, answers);
          const g = gaps(edition, answers, target);
          const expected = r.aspects.flatMap((a) => a.controls.flatMap((c) => c.requirements.filter((q) => q.level <= target && !q.satisfied).map((q) => q.id)));
          assert.deepEqual(g.aspects.flatMap((a) => a.requirements.map((q) => q.id)), expected);
          assert.equal(g.total === 0, r.systemLevel >= target);
        }),
        { numRuns: 200 },
      );
    });
  }
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}
