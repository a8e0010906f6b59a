import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { changeEvents, type LevelEvent, type RequirementEvent } from './changes.js';
import { SimulatedClock } from './dates.js';
import { ComplianceError } from './errors.js';
import { createEvaluator, evaluate } from './evaluate.js';
import { validateRegisters } from './registers.js';
import { allInPlace, catalog, pentest, registersArb, SHA, v9, v9Registers } from './test-fixtures.js';
import { timeline, transitions } from './timeline.js';

const c2020 = () => catalog.edition('ccss-2020');
const req = (e: ReturnType<typeof evaluate>, id: string) => e.requirements.find((r) => r.id === id)!;

describe('evaluate on a simulated calendar', () => {
  it('an in-place requirement whose only evidence lapsed falls back to not in place, naming the lapsed entry', () => {
    const registers = validateRegisters({ securityTests: [pentest('PT-2026', '2026-03-10')] });
    const answers = allInPlace(c2020());
    const clock = new SimulatedClock('2026-06-01');
    const june = evaluate(answers, registers, [], clock, c2020());
    assert.equal(june.level, 3);
    assert.equal(june.nextLapse, '2027-03-10');
    assert.deepEqual(
      { evidence: req(june, '2.1.1.L2').evidence, validUntil: req(june, '2.1.1.L2').validUntil, effective: req(june, '2.1.1.L2').effective },
      { evidence: 'valid', validUntil: '2027-03-09', effective: 'in_place' },
    );
    assert.equal(req(june, '2.1.1.L1').evidence, 'none', 'a pentest does not evidence the Level I design requirement');

    clock.advance({ days: 282 }); // 2027-03-10
    assert.equal(clock.today(), '2027-03-10');
    const lapsed = evaluate(answers, registers, [], clock, c2020());
    assert.equal(lapsed.level, 1);
    assert.equal(lapsed.answeredLevel, 3);
    const r = req(lapsed, '2.1.1.L2');
    assert.equal(r.effective, 'not_in_place');
    assert.equal(r.fellBack, true);
    assert.equal(
      r.reason,
      'answered in_place, but on 2027-03-10 its evidence does not hold: securityTests/PT-2026 (penetration test PT-2026 by Acme Security): lapsed after 2027-03-09 (12 months from 2026-03-10)',
    );
    assert.equal(lapsed.aspects.find((a) => a.id === '2.01')!.level, 1);
  });

  it('a new entry of the same kind restores the requirement; change events say why', () => {
    const answers = allInPlace(c2020());
    const before = createEvaluator({ answers, registers: validateRegisters({ securityTests: [pentest('PT-2026', '2026-03-10')] }), edition: c2020() });
    const prev = before.at('2027-03-09');
    const cur = before.at('2027-03-10');
    const dropped = changeEvents(prev, cur);
    assert.deepEqual(
      dropped.map((e) => [e.type, 'scope' in e ? e.scope : e.requirementId]),
      [
        ['level_dropped', 'system'],
        ['level_dropped', 'aspect'],
        ['requirement_lapsed', '2.1.1.L2'],
        ['requirement_lapsed', '2.1.1.L3'],
      ],
    );
    const system = dropped[0] as LevelEvent;
    assert.deepEqual({ from: system.from, to: system.to, requirements: system.requirements, at: system.at, previousAt: system.previousAt }, { from: 3, to: 1, requirements: ['2.1.1.L2', '2.1.1.L3'], at: '2027-03-10', previousAt: '2027-03-09' });
    assert.equal(system.message, 'System level dropped from Level III to Level I on 2027-03-10: 2.1.1.L2 lapsed (securityTests/PT-2026); 2.1.1.L3 lapsed (securityTests/PT-2026)');
    assert.equal((dropped[1] as LevelEvent).aspectId, '2.01');
    assert.match(dropped[2]!.message, /^2\.1\.1\.L2 lapsed on 2027-03-10: answered in_place, but .*securityTests\/PT-2026/);

    const after = createEvaluator({ answers, registers: validateRegisters({ securityTests: [pentest('PT-2026', '2026-03-10'), pentest('PT-2027', '2027-04-01')] }), edition: c2020() });
    const restored = changeEvents(after.at('2027-03-31'), after.at('2027-04-01'));
    assert.deepEqual(restored.map((e) => e.type), ['level_recovered', 'level_recovered', 'requirement_restored', 'requirement_restored']);
    assert.equal(restored[0]!.message, 'System level recovered from Level I to Level III on 2027-04-01: 2.1.1.L2 restored (securityTests/PT-2027); 2.1.1.L3 restored (securityTests/PT-2027)');
    assert.deepEqual((restored[2] as RequirementEvent).sources, ['securityTests/PT-2027']);
    assert.match(restored[2]!.message, /restored on 2027-04-01: in_place holds again, until 2028-03-31/);
    assert.deepEqual(changeEvents(after.at('2027-04-01'), after.at('2027-04-02')), [], 'no change, no event');
  });

  it('timeline and transitions show the level drop and recover', () => {
    const input = {
      answers: allInPlace(c2020()),
      registers: validateRegisters({ securityTests: [pentest('PT-2026', '2026-03-10'), pentest('PT-2027', '2027-04-01')] }),
      edition: c2020(),
    };
    const monthly = [...timeline(input, '2026-01-01', '2027-06-01', { months: 1 })];
    assert.equal(monthly.length, 18);
    assert.deepEqual(
      monthly.map((p) => `${p.at.slice(0, 7)}:${p.level}`),
      ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06'].map(
        (m) => `${m}:${m <= '2026-03' ? 1 : 3}`,
      ),
      'a monthly step misses the gap from 2027-03-10 to 2027-03-31',
    );
    assert.deepEqual(monthly[3]!.events.map((e) => e.type).slice(0, 1), ['level_recovered']);
    const exact = transitions(input, '2026-01-01', '2027-06-01');
    assert.deepEqual(
      exact.map((p) => [p.at, p.level, p.lapsed.join(' ')]),
      [
        ['2026-01-01', 1, '2.1.1.L2 2.1.1.L3'],
        ['2026-03-10', 3, ''],
        ['2027-03-10', 1, '2.1.1.L2 2.1.1.L3'],
        ['2027-04-01', 3, ''],
      ],
    );
    const daily = [...timeline(input, '2027-03-08', '2027-03-11')].map((p) => p.level);
    assert.deepEqual(daily, [3, 3, 1, 1]);
    assert.throws(() => [...timeline(input, '2027-01-01', '2026-01-01')], (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_INVALID_TIMELINE');
    assert.throws(() => [...timeline(input, '2026-01-01', '2027-01-01', { days: 0 })], /step must move the calendar forward/);
  });

  it('v9: a provider certificate, covered requirements and qualified answers lapse together', () => {
    const edition = v9();
    const answers = allInPlace(edition);
    answers.set('1.03.2.2', { status: 'qualified_in_place', relies_on: 'Custodian X, CCSS-42' });
    const registers = v9Registers();
    const ev = createEvaluator({ answers, registers, edition });
    const june = ev.at('2026-06-01');
    assert.equal(june.level, 3);
    assert.deepEqual(june.requirements.filter((r) => r.evidence === 'lapsed').map((r) => r.id), []);
    assert.equal(june.nextLapse, '2026-09-01');
    const sept = ev.at('2026-09-01');
    assert.deepEqual(sept.requirements.filter((r) => r.fellBack).map((r) => [r.id, r.answered]), [
      ['1.03.2.2', 'qualified_in_place'],
      ['2.03.3.1', 'in_place'],
    ]);
    assert.equal(sept.level, 0);
    assert.match(req(sept, '2.03.3.1').reason!, /providers\/PRV-1 \(service provider Custodian X\): certificate CCSS-42 \(CCSS\) expired after 2026-08-31/);
    const events = changeEvents(june, sept);
    assert.deepEqual(
      events.filter((e): e is LevelEvent => e.type === 'level_dropped').map((e) => [e.scope, e.aspectId, e.from, e.to]),
      [
        ['system', undefined, 3, 0],
        ['aspect', '1.03', 3, 1],
        ['aspect', '2.03', 3, 0],
      ],
    );
  });

  it('v9: a registry check replaces the dates the provider entry claims (a revocation ends it early)', () => {
    const edition = v9();
    const answers = allInPlace(edition);
    const registers = v9Registers();
    const summary = 'Keygrade registry: certificate CCSS-42 revoked on 2026-07-15: key compromise';
    const ev = createEvaluator({ answers, registers, edition, providerChecks: new Map([['PRV-1', { issuedOn: '2026-01-01', endsOn: '2026-07-14', summary }]]) });
    assert.equal(ev.at('2026-07-14').level, 3);
    assert.equal(ev.at('2026-07-14').nextLapse, '2026-07-15');
    const july = ev.at('2026-07-15');
    assert.equal(july.level, 0);
    assert.equal(req(july, '2.03.3.1').effective, 'not_in_place');
    assert.match(req(july, '2.03.3.1').reason!, /providers\/PRV-1 \(service provider Custodian X\): Keygrade registry: certificate CCSS-42 revoked on 2026-07-15: key compromise; counted until 2026-07-14/);
    // A check for another provider id changes nothing.
    const other = createEvaluator({ answers, registers, edition, providerChecks: new Map([['PRV-9', { issuedOn: '2026-01-01', endsOn: '2026-01-02', summary }]]) });
    assert.equal(other.at('2026-07-15').level, 3);
  });

  it('training and rehearsal are both needed; no evidence leaves the answer as given', () => {
    const edition = v9();
    const r = v9Registers();
    const noDrills = validateRegisters({ ...r, drills: [] });
    const e = evaluate(allInPlace(edition), noDrills, [], '2026-06-01', edition);
    assert.equal(req(e, '2.04.2.1').effective, 'not_in_place');
    assert.match(req(e, '2.04.2.1').reason!, /no kcp-drill evidence is recorded/);
    // A requirement nothing evidences stands as answered; not_applicable never falls back.
    assert.equal(req(e, '1.01.3.1').evidence, 'none');
    assert.equal(req(e, '1.01.3.1').effective, 'in_place');
    const na = allInPlace(edition);
    na.set('2.04.2.1', { status: 'not_applicable', justification: 'no keyholders' });
    const e2 = evaluate(na, noDrills, [], '2026-06-01', edition);
    assert.deepEqual([req(e2, '2.04.2.1').effective, req(e2, '2.04.2.1').evidence, req(e2, '2.04.2.1').fellBack], ['not_applicable', 'lapsed', false]);
  });

  it('explicit links: files with an expiry, entries linked by hand, and refused links', () => {
    const edition = v9();
    const links = [
      { requirement: '1.01.3.1', evidence: { sha256: SHA('e'), description: 'DRBG validation report', collectedOn: '2026-01-01', expiresOn: '2026-12-31' } },
      { requirement: '1.01.4.1', source: 'securityTests/PT-2026' },
      { requirement: '1.1.3.L1', edition: 'ccss-2020', evidence: { sha256: SHA('f') } },
    ];
    const ev = createEvaluator({ answers: Object.fromEntries(allInPlace(edition)), registers: v9Registers(), links, edition });
    assert.equal(req(ev.at('2026-12-31'), '1.01.3.1').validUntil, '2026-12-31');
    const jan = ev.at('2027-01-01');
    assert.equal(req(jan, '1.01.3.1').effective, 'not_in_place');
    assert.match(req(jan, '1.01.3.1').reason!, /evidence:e+ \(DRBG validation report\): expired after 2026-12-31/);
    assert.deepEqual(req(jan, '1.01.4.1').sources.map((s) => [s.ref, s.topic]), [['securityTests/PT-2026', 'linked']]);
    const bad = [
      { requirement: '9.99.9.9', source: 'securityTests/PT-2026' },
      { requirement: '1.01.4.1', source: 'securityTests/PT-1999' },
      { requirement: '1.01.4.1', source: 'people/K-1' },
      { requirement: '1.01.4.1' },
    ];
    try {
      createEvaluator({ answers: {}, registers: v9Registers(), links: bad, edition });
      assert.fail('expected a refusal');
    } catch (e) {
      assert.ok(e instanceof ComplianceError);
      assert.equal(e.code, 'COMPLIANCE_INVALID_LINK');
      assert.deepEqual(
        e.problems.map((p) => `${p.path}: ${p.message}`),
        [
          'links.0.requirement: 9.99.9.9 is not a requirement of ccss-v9',
          'links.1.source: unknown source securityTests/PT-1999 (no entry PT-1999 in securityTests)',
          'links.2.source: link people through a facet (people:reference, people:identity, people:background, people:training:key_management, people:training:kcp, people:acknowledgement:responsibilities), not one person',
          'links.3.source: a link needs exactly one of source or evidence',
        ],
      );
    }
  });

  it('refuses answers that do not fit the edition and comparisons across editions', () => {
    assert.throws(
      () => evaluate(new Map([['2.01.1.2', { status: 'qualified_in_place' }]]), v9Registers(), [], '2026-06-01', v9()),
      (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_INVALID_ANSWERS' && e.problems[0]!.path === '2.01.1.2',
    );
    assert.throws(() => evaluate(new Map(), v9Registers(), [], '2026-13-01', v9()), /now must be a calendar date/);
    const a = evaluate(new Map(), v9Registers(), [], '2026-06-01', v9());
    const b = evaluate(new Map(), validateRegisters({}), [], '2026-06-01', c2020());
    assert.throws(() => changeEvents(a, b), (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_EDITION_MISMATCH');
  });

  it('evaluation never raises a level above the answers, and lapses only evidence-backed answers (property)', () => {
    const edition = v9();
    const answers = allInPlace(edition);
    fc.assert(
      fc.property(registersArb, fc.integer({ min: 0, max: 7000 }), (registers, offset) => {
        const day = new SimulatedClock('2015-01-01');
        day.advance({ days: offset });
        const e = evaluate(answers, registers, [], day, edition);
        if (e.level > e.answeredLevel) return false;
        return e.aspects.every((a) => a.level <= a.answeredLevel) && e.requirements.every((r) => r.fellBack === (r.evidence === 'lapsed'));
      }),
      { numRuns: 60 },
    );
  });
});
