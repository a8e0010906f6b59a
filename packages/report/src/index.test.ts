import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReportError } from '@keygrade/errors';
import { render, REPORT_FORMATS } from './index.js';
import { workedExampleModel } from './test-fixtures.js';

describe('render', () => {
  const model = workedExampleModel();

  it('renders every format: text for html, md, json and oscal, bytes for pdf', async () => {
    for (const format of REPORT_FORMATS) {
      const out = await render(format, model);
      if (format === 'pdf') {
        assert.ok(out instanceof Uint8Array);
        assert.equal(new TextDecoder().decode(out.subarray(0, 5)), '%PDF-');
      } else assert.equal(typeof out, 'string', format);
    }
    assert.match((await render('html', model)) as string, /^<!doctype html>/);
    assert.match((await render('md', model)) as string, /^# CCSS self-assessment report/);
    assert.match((await render('json', model)) as string, /"schema": "keygrade\.report\/v1"/);
    assert.match((await render('oscal', model)) as string, /"assessment-results"/);
  });

  it('passes the UUID source to the OSCAL renderer', async () => {
    const uuid = () => '11111111-1111-4111-8111-111111111111';
    assert.match((await render('oscal', model, { uuid })) as string, /"uuid": "11111111-1111-4111-8111-111111111111"/);
  });

  it('rejects an unknown format with REPORT_UNSUPPORTED_FORMAT', async () => {
    await assert.rejects(render('docx', model), (e: unknown) => e instanceof ReportError && e.code === 'REPORT_UNSUPPORTED_FORMAT' && /html, md, json, pdf, oscal/.test(e.message));
  });
});
