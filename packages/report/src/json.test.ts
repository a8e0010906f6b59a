import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderJson, REPORT_JSON_SCHEMA, scoreJson } from './json.js';
import { workedExampleModel } from './test-fixtures.js';

describe('scoreJson', () => {
  it('has exactly the `keygrade score --json` shape', () => {
    const out = scoreJson(workedExampleModel().score);
    assert.deepEqual(Object.keys(out), ['edition', 'systemLevel', 'complete', 'aspects', 'notAssessed']);
    assert.deepEqual(Object.keys(out.aspects[0]!), ['id', 'title', 'level', 'controls']);
    assert.deepEqual(Object.keys(out.aspects[0]!.controls[0]!), ['id', 'level']);
    assert.equal(out.edition, 'ccss-2020');
    assert.equal(out.systemLevel, 1);
    assert.equal(out.complete, false);
    assert.deepEqual(out.notAssessed, ['2.3.1.L2', '2.3.1.L3']);
    assert.deepEqual(out.aspects[1], {
      id: '1.02',
      title: 'Wallet Creation',
      level: 3,
      controls: ['1.2.1', '1.2.2', '1.2.3', '1.2.4', '1.2.5', '1.2.6'].map((id) => ({ id, level: 3 })),
    });
  });
});

describe('renderJson', () => {
  it('wraps the score in a keygrade.report/v1 document', () => {
    const text = renderJson(workedExampleModel());
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /^\{\n {2}"schema": "keygrade\.report\/v1",/);
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.equal(doc.schema, REPORT_JSON_SCHEMA);
    assert.deepEqual(doc.score, scoreJson(workedExampleModel().score));
    assert.equal((doc.gaps as { target: number }).target, 2);
    assert.equal((doc.evidence as unknown[]).length, 2);
    assert.equal((doc.requirements as unknown[]).length, 81);
    assert.equal(doc.selfAssessment, true);
  });
});
