import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { STATUS_RULES, STATUSES } from '@keygrade/scoring';
import type { AnswerRecord, AssessmentRecord, Evidence, System } from '@keygrade/db';
import { checklistOf, exportAssessmentYaml, parseUploadedAssessment, scorecardOf } from './assessment-view.js';
import { EvidenceStore, EvidenceTooLarge, sniffContentType } from './evidence-store.js';

const catalog = openCatalog();
const example = readFileSync(new URL('../../../../examples/acme-exchange/assessment.yaml', import.meta.url), 'utf8');

const system: System = { id: 's1', orgId: 'o1', name: 'Cold wallet', designation: '', scope: 'Bitcoin cold storage', boundary: '', wallets: [], assets: [], version: 1, createdAt: '', createdBy: '', updatedAt: '' };
const assessment = (edition: string): AssessmentRecord => ({ id: 'a1', systemId: 's1', orgId: 'o1', edition, targetLevel: null, assessor: 'Security lead', assessedAt: '2026-11-01', level: 0, revision: 0, createdAt: '', createdBy: '' });

/** Stored answers from a parsed assessment file, as the import route writes them. */
function recordsOf(text: string): AnswerRecord[] {
  const a = parseUploadedAssessment(text, catalog);
  return [...a.answers].map(([id, x]) => ({
    requirementId: id,
    status: x.status,
    note: x.note ?? null,
    justification: x.justification ?? null,
    comparableControl: x.comparable_control ?? null,
    reliesOn: x.relies_on ?? null,
    evidenceRefs: x.evidence ?? [],
    version: 1,
    updatedAt: '',
    updatedBy: '',
  }));
}

const exported = (edition: string, answers: AnswerRecord[], linked = new Map<string, Evidence[]>()) =>
  exportAssessmentYaml({ assessment: assessment(edition), system, organization: 'Acme', answers, linked, edition: catalog.edition(edition) });

describe('assessment file export and import', () => {
  test('the example exchange survives import → export → import with the same answers and level', () => {
    const records = recordsOf(example);
    const text = exported('ccss-2020', records);
    const again = parseUploadedAssessment(text, catalog);
    const original = parseUploadedAssessment(example, catalog);
    assert.equal(again.answers.size, original.answers.size);
    for (const [id, a] of original.answers) {
      const b = again.answers.get(id)!;
      assert.equal(b.status, a.status, id);
      assert.equal(b.note, a.note, id);
      assert.deepEqual(b.evidence ?? [], a.evidence ?? [], id);
    }
    assert.equal(scorecardOf(again.edition, recordsOf(text)).level, 1);
    // Exporting what was imported from an export is byte-identical.
    assert.equal(exported('ccss-2020', recordsOf(text)), text);
  });

  test('uploaded evidence is exported as evidence/<sha256>/<file> with its hash', () => {
    const sha = 'ab'.repeat(32);
    const ev = { id: 'e1', orgId: 'o1', sha256: sha, size: 3, contentType: 'text/plain', filename: 'runbook.md', title: 'Run book', sourceSystem: null, tool: null, parameters: null, owner: null, expiresAt: null, createdAt: '', createdBy: '' };
    const text = exported('ccss-v9', [], new Map([['1.01.1.1', [ev]]]));
    const a = parseUploadedAssessment(text, catalog);
    assert.equal(a.answers.get('1.01.1.1')?.status, 'not_assessed');
    assert.deepEqual(a.answers.get('1.01.1.1')?.evidence, [{ path: `evidence/${sha}/runbook.md`, sha256: sha, description: 'Run book' }]);
  });

  test('property: any set of valid answers round-trips through the file for every edition', () => {
    const carried = { comparable_control: 'comparableControl', relies_on: 'reliesOn', justification: 'justification' } as const;
    for (const edition of catalog.editionIds) {
      const reqs = allRequirements(catalog.edition(edition)).map((r) => r.id);
      const answer = fc.record({
        status: fc.constantFrom(...STATUSES),
        note: fc.option(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0), { nil: null }),
        text: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0),
      });
      fc.assert(
        fc.property(fc.uniqueArray(fc.constantFrom(...reqs), { maxLength: 25 }), fc.array(answer, { minLength: 25, maxLength: 25 }), (ids, answers) => {
          const records: AnswerRecord[] = ids.map((id, i) => {
            const a = answers[i]!;
            const must = STATUS_RULES[a.status].mustCarry;
            return { requirementId: id, status: a.status, note: a.note, justification: null, comparableControl: null, reliesOn: null, ...(must ? { [carried[must]]: a.text } : {}), evidenceRefs: [], version: 1, updatedAt: '', updatedBy: '' };
          });
          const text = exported(edition, records);
          const back = recordsOf(text);
          const key = (r: AnswerRecord) => JSON.stringify([r.requirementId, r.status, r.note, r.justification, r.comparableControl, r.reliesOn]);
          assert.deepEqual(back.map(key).sort(), records.map(key).sort());
          assert.equal(scorecardOf(catalog.edition(edition), back).level, scorecardOf(catalog.edition(edition), records).level);
        }),
        { numRuns: 30 },
      );
    }
  });

  test('the checklist lists every requirement once, in catalog order, with version 0 when unanswered', () => {
    const edition = catalog.edition('ccss-v9');
    const list = checklistOf(edition, [], new Map());
    const ids = list.aspects.flatMap((a) => a.controls.flatMap((c) => c.requirements.map((r) => r.id)));
    assert.deepEqual(ids, allRequirements(edition).map((r) => r.id));
    assert.ok(list.aspects.every((a) => a.controls.every((c) => c.requirements.every((r) => r.answer.version === 0 && r.answer.status === 'not_assessed'))));
  });
});

describe('evidence store', () => {
  test('stores by SHA-256, deduplicates, and sniffs the type from the content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-ev-'));
    try {
      const store = new EvidenceStore(dir, 1024);
      const a = await store.put(Readable.from([Buffer.from('%PDF-1.7\n'), Buffer.from('rest')]));
      assert.equal(a.sha256, createHash('sha256').update('%PDF-1.7\nrest').digest('hex'));
      assert.equal(readFileSync(join(dir, a.sha256.slice(0, 2), a.sha256), 'utf8'), '%PDF-1.7\nrest');
      assert.equal(a.size, 13);
      assert.equal(a.contentType, 'application/pdf');
      assert.ok(store.has(a.sha256));
      const b = await store.put(Readable.from([Buffer.from('%PDF-1.7\nrest')]));
      assert.equal(b.sha256, a.sha256);
      assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file over the limit is refused and nothing is left on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-ev-'));
    try {
      const store = new EvidenceStore(dir, 10);
      await assert.rejects(store.put(Readable.from([Buffer.alloc(6), Buffer.alloc(6)])), EvidenceTooLarge);
      assert.deepEqual(readdirSync(dir).filter((d) => d !== 'tmp'), []);
      assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('content sniffing', () => {
    const b = (s: string) => new TextEncoder().encode(s);
    assert.equal(sniffContentType(b('%PDF-1.4')), 'application/pdf');
    assert.equal(sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
    assert.equal(sniffContentType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    assert.equal(sniffContentType(new Uint8Array([0x50, 0x4b, 0x03, 0x04])), 'application/zip');
    assert.equal(sniffContentType(b('{"a":1}')), 'application/json');
    assert.equal(sniffContentType(b('# Run book\n密钥')), 'text/plain; charset=utf-8');
    assert.equal(sniffContentType(new Uint8Array([0x41, 0, 0x42])), 'application/octet-stream');
    assert.equal(sniffContentType(new Uint8Array([0xc3, 0x28, 0x41, 0x41, 0x41, 0x41])), 'application/octet-stream');
    // A <script> page is never served as HTML: it is text.
    assert.equal(sniffContentType(b('<html><script>alert(1)</script>')), 'text/plain; charset=utf-8');
  });
});
