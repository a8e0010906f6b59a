import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { exportOscalCatalog, type OscalControl, type OscalGroup } from '@keygrade/catalog';
import { ReportError } from '@keygrade/errors';
import { buildOscalAssessmentResults, renderOscalAssessmentResults } from './oscal-ar.js';
import { catalog, workedExampleModel, XSS_NOTE } from './test-fixtures.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** Deterministic v4 UUIDs. */
function uuids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}

function schemaFile(): { file?: string; reason?: string } {
  const root = process.env.KEYGRADE_VECTORS_DIR;
  if (!root) return { reason: 'KEYGRADE_VECTORS_DIR is not set' };
  const file = join(root, 'oscal', 'oscal_assessment-results_schema.json');
  return existsSync(file) ? { file } : { reason: `${file} is missing` };
}

const errorsOf = (v: ValidateFunction) => (v.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message ?? ''}`).join('\n');

type Finding = { title: string; remarks?: string; target: { type: string; 'target-id': string; status: { state: string; reason: string } }; 'related-observations'?: unknown[] };
type Result = { start: string; findings: Finding[]; observations: unknown[]; 'reviewed-controls': { 'control-selections': { 'include-controls': { 'control-id': string }[] }[] } };
const resultOf = (doc: ReturnType<typeof buildOscalAssessmentResults>) => doc['assessment-results'].results[0] as unknown as Result;

const schema = schemaFile();
describe('renderOscalAssessmentResults', () => {
  it('validates against the OSCAL 1.0.6 assessment-results schema', { skip: schema.file ? false : `skipped: ${schema.reason}` }, () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schema.file!, 'utf8')) as object);
    const doc = JSON.parse(renderOscalAssessmentResults(workedExampleModel(), { uuid: uuids() })) as Record<string, unknown>;
    assert.ok(validate(doc), errorsOf(validate));
    // A date-time assessed_at, no assessor and Chinese titles validate too.
    const model = workedExampleModel({ lang: 'zh-CN' });
    model.meta = { organization: model.meta.organization, system: model.meta.system, assessedAt: '2026-11-01T09:30:00+08:00' };
    const other = buildOscalAssessmentResults(model, { uuid: uuids() });
    assert.ok(validate(other), errorsOf(validate));
    assert.equal(resultOf(other).start, '2026-11-01T09:30:00+08:00');
    // The validator is live: a finding with a bad state is rejected.
    resultOf(other).findings[0]!.target.status.state = 'passed';
    assert.equal(validate(other), false);
  });

  it('has one finding per assessed requirement, with the CCSS status as reason', () => {
    const model = workedExampleModel();
    const result = resultOf(buildOscalAssessmentResults(model, { uuid: uuids() }));
    assert.equal(result.start, '2026-11-01T00:00:00Z');
    const assessed = model.requirements.filter((r) => r.status !== 'not_assessed');
    assert.equal(result.findings.length, assessed.length);
    const byId = new Map(result.findings.map((f) => [f.target['target-id'], f]));
    assert.deepEqual(byId.get('ccss-1.1.1.L1')!.target, { type: 'objective-id', 'target-id': 'ccss-1.1.1.L1', status: { state: 'satisfied', reason: 'in_place', remarks: 'In place' } });
    assert.equal(byId.get('ccss-1.1.1.L1')!.remarks, XSS_NOTE);
    assert.equal(byId.get('ccss-1.1.1.L2')!.target.status.state, 'not-satisfied');
    assert.equal(byId.get('ccss-1.6.3.L3')!.target.status.reason, 'not_applicable');
    assert.match(byId.get('ccss-1.6.3.L3')!.remarks!, /^Justification: No keyholder role/);
    assert.equal(byId.get('ccss-2.3.1.L1')!.target.status.reason, 'qualified_in_place');
    assert.equal(byId.get('ccss-1.2.1.L3')!.remarks, 'Wallets are created in the HSM.');
    assert.equal(byId.has('ccss-2.3.1.L2'), false, 'not assessed: no finding');
    // Evidence becomes observations linked from the findings of its key.
    assert.equal(result.observations.length, 2);
    assert.equal(byId.get('ccss-1.1.1.L1')!['related-observations']!.length, 1);
    assert.equal(byId.get('ccss-1.2.1.L3')!['related-observations']!.length, 1);
  });

  it('uses the control ids of the catalog OSCAL export', () => {
    const model = workedExampleModel();
    const result = resultOf(buildOscalAssessmentResults(model, { uuid: uuids() }));
    const exported = exportOscalCatalog(catalog.edition('ccss-2020'), { now: () => '2026-11-22T10:00:00Z', uuid: uuids() });
    const ids = new Set<string>();
    const walk = (groups: readonly OscalGroup[] = [], controls: readonly OscalControl[] = []) => {
      for (const c of controls) {
        ids.add(c.id);
        walk([], c.controls);
      }
      for (const g of groups) walk(g.groups, g.controls);
    };
    walk(exported.catalog.groups);
    const reviewed = result['reviewed-controls']['control-selections'][0]!['include-controls'].map((c) => c['control-id']);
    assert.equal(reviewed.length, model.requirementCount);
    for (const id of [...reviewed, ...result.findings.map((f) => f.target['target-id'])]) assert.ok(ids.has(id), `${id} is a control of the exported catalog`);
  });

  it('takes its UUIDs from the caller and rejects one that is not a UUID', () => {
    const a = renderOscalAssessmentResults(workedExampleModel(), { uuid: uuids() });
    const b = renderOscalAssessmentResults(workedExampleModel(), { uuid: uuids() });
    assert.equal(a, b);
    assert.throws(() => renderOscalAssessmentResults(workedExampleModel(), { uuid: () => 'not-a-uuid' }), (e: unknown) => e instanceof ReportError && e.code === 'REPORT_RENDER_FAILED');
  });
});
