import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReportModel, type EvidenceCheck } from './model.js';
import { GENERATED_AT, SHA_A, SHA_B, WORKED_EXAMPLE, workedExample, workedExampleModel, XSS_NOTE } from './test-fixtures.js';

describe('buildReportModel', () => {
  it('scores the SCORING.md worked example: every aspect at its level, system Level I', () => {
    const model = workedExampleModel();
    assert.deepEqual(Object.fromEntries(model.score.aspects.map((a) => [a.id, a.level])), WORKED_EXAMPLE);
    assert.equal(model.score.systemLevel, 1);
    assert.equal(model.edition.id, 'ccss-2020');
    assert.equal(model.meta.organization, 'Acme Custody Ltd');
    assert.equal(model.meta.assessedAt, '2026-11-01');
    assert.equal(model.generatedAt, GENERATED_AT);
    assert.equal(model.lang, 'en');
    assert.equal(model.requirements.length, model.requirementCount);
    assert.deepEqual(model.score.notAssessed, ['2.3.1.L2', '2.3.1.L3']);
  });

  it('lists gaps to one level above the system level by default', () => {
    const model = workedExampleModel();
    assert.equal(model.gaps?.target, 2);
    const ids = model.gaps!.aspects.flatMap((a) => a.requirements.map((r) => r.id));
    assert.ok(ids.includes('1.1.1.L2'));
    assert.ok(ids.every((id) => !id.endsWith('.L3')));
  });

  it('takes an explicit target, and has no gaps section for a Level III system', () => {
    assert.equal(workedExampleModel({ target: 3 }).gaps?.target, 3);
    const all3 = Object.fromEntries(Object.keys(WORKED_EXAMPLE).map((k) => [k, 3 as const]));
    const assessment = workedExample({ levels: all3 });
    for (const id of ['1.1.1.L2', '1.1.1.L3', '2.3.1.L2', '2.3.1.L3']) assessment.answers.set(id, { status: 'in_place', key: id });
    const top = buildReportModel(assessment, { generatedAt: GENERATED_AT });
    assert.equal(top.score.systemLevel, 3);
    assert.equal(top.gaps, undefined);
  });

  it('groups notes and carried statements per aspect, in catalog order', () => {
    const model = workedExampleModel();
    const a101 = model.narrative.find((a) => a.id === '1.01')!;
    assert.deepEqual(
      a101.entries.map((e) => e.key),
      ['1.1.1.L1', '1.1.1.L2'],
    );
    assert.equal(a101.entries[0]!.note, XSS_NOTE);
    assert.equal(a101.entries[0]!.status, 'in_place');
    assert.match(a101.summary, /keys and seeds/);
    assert.equal(a101.controls.length, 4);
    const a102 = model.narrative.find((a) => a.id === '1.02')!;
    assert.deepEqual(a102.entries, [{ key: '1.2.1', level: 3, note: 'Wallets are created in the HSM.' }]);
    const a106 = model.narrative.find((a) => a.id === '1.06')!;
    assert.deepEqual(a106.entries, [{ key: '1.6.3.L3', status: 'not_applicable', carried: { field: 'justification', text: 'No keyholder role exists for | this system' } }]);
    assert.deepEqual(model.narrative.find((a) => a.id === '2.03')!.entries[0]!.carried, { field: 'relies_on', text: 'Custodian X, CCSS certificate 42' });
  });

  it('carries the answer key and note onto each requirement row (a control note covers its requirements)', () => {
    const rows = new Map(workedExampleModel().requirements.map((r) => [r.id, r]));
    assert.equal(rows.get('1.2.1.L3')!.key, '1.2.1');
    assert.equal(rows.get('1.2.1.L3')!.note, 'Wallets are created in the HSM.');
    assert.equal(rows.get('2.3.1.L2')!.key, undefined);
    assert.equal(rows.get('2.3.1.L2')!.status, 'not_assessed');
  });

  it('indexes the evidence as not checked, in catalog order, unless checks are given', () => {
    const model = workedExampleModel();
    assert.deepEqual(model.evidence, [
      { key: '1.1.1.L1', ref: 'evidence/key ceremony.pdf', sha256: SHA_A, state: 'not-checked', description: 'Ceremony transcript' },
      { key: '1.2.1', ref: 'https://example.org/wallet-policy.pdf', sha256: SHA_B, state: 'not-checked' },
    ]);
    const checks: EvidenceCheck[] = [
      { key: '1.2.1', ref: 'x', sha256: SHA_B, state: 'mismatch', actual: SHA_A },
      { key: '1.1.1.L1', ref: 'y', sha256: SHA_A, state: 'verified' },
    ];
    const checked = workedExampleModel({ evidence: checks });
    assert.deepEqual(
      checked.evidence.map((e) => e.state),
      ['verified', 'mismatch'],
    );
    assert.equal(checks[0]!.key, '1.2.1', 'the caller’s array is not reordered');
  });

  it('uses the language for titles and summaries', () => {
    const model = workedExampleModel({ lang: 'zh-CN' });
    assert.equal(model.lang, 'zh-CN');
    assert.equal(model.score.aspects[0]!.title, '密钥/种子生成');
    assert.match(model.narrative[0]!.summary, /密钥/);
  });
});
