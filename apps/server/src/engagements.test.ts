/**
 * The audit workflow through the API (issue 5 item 9), on SQLite and PostgreSQL: engagement →
 * declarations → fieldwork (tests, IPE, sampling) → peer review with queries → sign-off → outputs,
 * and the same audit re-derived from its exported audit file. Refusals change nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { openAuditFile, readTar, rederiveAudit, writeTar } from '@keygrade/audit';
import { AUDIT_LOG, MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { EvidenceStore } from './domain/evidence-store.js';
import { as, call, enableMfa, signUp, testApp, type SignedIn } from './testing.js';

const master = MasterKey.generate();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const catalog = openCatalog();
const EDITION = 'ccss-2020';
const requirements = allRequirements(catalog.edition(EDITION)).map((r) => r.id);
const NO = { conflict: false };
const noConflicts = (role: 'auditor' | 'peer_reviewer') => ({ role, employment: NO, family: NO, financialInterest: NO });
const population = (n: number, opts: { duplicate?: boolean; outside?: boolean } = {}) =>
  ['id,date,amount', ...Array.from({ length: n }, (_, i) => `W-${String(i + 1).padStart(3, '0')},2026-${String((i % 12) + 1).padStart(2, '0')}-15,${i * 10}`), ...(opts.duplicate ? ['W-001,2026-03-01,1'] : []), ...(opts.outside ? ['W-999,2027-05-01,1'] : [])].join('\n');

interface TestView {
  claimed: unknown;
  version: number;
  auditorNotes?: string | null;
  techniques: { evidence: { sha256: string; downloadable: boolean }[] }[];
}
/** The parts of GET /api/engagements/:id these tests read. */
interface View {
  engagement: { status: string; version: number };
  you: { roles: string[] };
  requirements: { id: string; test?: TestView | null }[];
  threads: unknown[];
}

const auditActions = async (db: TestDb) => (await db.kysely.selectFrom('log_entry').select(['data']).where('log', '=', AUDIT_LOG).orderBy('idx').execute()).map((r) => (JSON.parse(Buffer.from(r.data).toString()) as { action: string }).action);

for (const backend of testBackends()) {
  describe(`audit engagements on ${backend.name}`, () => {
    const cleanup: (() => unknown)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    test('from engagement to signed-off audit, with refusals that change nothing, and the audit re-derived from its file', async () => {
      const db: TestDb = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), 'kg-audit-'));
      cleanup.push(() => db.close(), () => rmSync(dir, { recursive: true, force: true }));
      const app = await testApp(db, master, { evidence: new EvidenceStore(dir, 1 << 20) });
      const owner = await signUp(app); // the first account: instance administrator and the auditee's owner
      const viewer = await signUp(app, { role: 'viewer', orgId: owner.orgId });
      const firmOrg = await signUp(app, { role: 'viewer' });
      const otherFirm = await signUp(app, { role: 'viewer' });
      const auditor = async (firm: string, orgId: string): Promise<SignedIn> => {
        const u = await signUp(app, { role: 'viewer', orgId });
        const r = await call(app, { method: 'POST', url: '/api/admin/auditors', headers: as(owner), payload: { email: u.email, firmId: firm, firmName: firm.toUpperCase(), accreditedFrom: '2020-01-01', accreditedUntil: '2099-12-31' } });
        assert.equal(r.status, 201, r.res.body);
        await enableMfa(app, u);
        return u;
      };
      const lead = await auditor('f1', firmOrg.orgId);
      const colleague = await auditor('f1', firmOrg.orgId);
      const reviewer = await auditor('f2', otherFirm.orgId);

      // Only the instance administrator keeps the registry; an auditor must exist as an account.
      assert.equal((await call(app, { method: 'POST', url: '/api/admin/auditors', headers: as(lead), payload: { email: lead.email, firmId: 'x', firmName: 'X', accreditedFrom: '2020-01-01', accreditedUntil: '2030-01-01' } })).status, 403);
      const ghost = await call(app, { method: 'POST', url: '/api/admin/auditors', headers: as(owner), payload: { email: 'nobody@example.test', firmId: 'x', firmName: 'X', accreditedFrom: '2020-01-01', accreditedUntil: '2030-01-01' } });
      assert.equal(ghost.body.error, 'AUDITOR_NOT_FOUND');

      // The auditee: a system and a self-assessment the audit starts from.
      const systemId = ((await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Hot wallet' } })).body.system as { id: string }).id;
      const assessmentId = ((await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments`, headers: as(owner), payload: { edition: EDITION } })).body.assessment as { id: string }).id;
      const answered = await call(app, { method: 'PUT', url: `/api/assessments/${assessmentId}/answers/${requirements[0]!}`, headers: as(owner), payload: { status: 'in_place', note: 'dice and a run book', version: 0 } });
      assert.equal(answered.status, 200, answered.res.body);
      const evidenceId = await (async () => {
        const boundary = 'b0undary';
        const body = [`--${boundary}`, 'content-disposition: form-data; name="title"', '', 'Key ceremony transcript', `--${boundary}`, 'content-disposition: form-data; name="file"; filename="ceremony.txt"', 'content-type: text/plain', '', 'ceremony transcript 2026-02-01', `--${boundary}--`, ''].join('\r\n');
        const r = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/evidence`, headers: { ...as(owner), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
        assert.equal(r.status, 201, r.res.body);
        return (r.body.evidence as { id: string }).id;
      })();

      // Engagement: bad input is refused with the field named, nothing stored.
      const engage = (payload: Record<string, unknown>, who: SignedIn = owner) => call(app, { method: 'POST', url: `/api/systems/${systemId}/engagements`, headers: as(who), payload: { type: 'certification', edition: EDITION, firstAudit: true, agreementReference: 'EL-2026-7', leadAuditorEmail: lead.email, period: { start: '2026-01-01', end: '2026-12-31' }, ...payload } });
      const tooLong = await engage({ period: { start: '2025-01-01', end: '2026-12-31' } });
      assert.equal(tooLong.status, 400);
      assert.equal((tooLong.body.problems as { path: string }[])[0]!.path, 'period.end');
      assert.equal((await engage({ leadAuditorEmail: viewer.email })).body.error, 'AUDITOR_NOT_FOUND');
      assert.equal((await engage({}, viewer)).status, 403, 'a viewer cannot engage an auditor');
      assert.equal((await call(app, { url: `/api/orgs/${owner.orgId}/engagements`, headers: as(owner) })).body.engagements instanceof Array, true);
      assert.equal(((await call(app, { url: `/api/orgs/${owner.orgId}/engagements`, headers: as(owner) })).body.engagements as unknown[]).length, 0);
      const created = await engage({ fromAssessmentId: assessmentId });
      assert.equal(created.status, 201, created.res.body);
      const id = (created.body.engagement as { id: string }).id;
      const view = async (who: SignedIn) => (await call(app, { url: `/api/engagements/${id}`, headers: as(who) })).body as unknown as View;
      const v = await view(lead);
      assert.equal(v.engagement.status, 'planning');
      assert.deepEqual(v.you.roles, ['lead_auditor']);
      const claimed = v.requirements.find((r) => r.id === requirements[0]);
      assert.deepEqual(claimed?.test?.claimed, { status: 'in_place', note: 'dice and a run book' }, 'the audit starts from the self-assessment');
      // Someone with no role anywhere near the engagement: 404, like a missing one.
      assert.equal((await call(app, { url: `/api/engagements/${id}`, headers: as(otherFirm) })).status, 404);
      assert.equal((await call(app, { url: `/api/engagements/${id}`, headers: as(reviewer) })).status, 404, 'not yet assigned');
      const version = async () => (await view(lead)).engagement.version;

      // Team: a colleague of the firm; the reviewer must not be from the auditor's firm.
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/members`, headers: as(lead), payload: { email: colleague.email, role: 'auditor', version: await version() } })).status, 201);
      const sameFirm = await call(app, { method: 'POST', url: `/api/engagements/${id}/members`, headers: as(lead), payload: { email: colleague.email, role: 'peer_reviewer', version: await version() } });
      assert.equal(sameFirm.body.error, 'REVIEWER_CONFLICT');
      assert.match(JSON.stringify(sameFirm.body.problems), /SAME_FIRM/);
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/members`, headers: as(colleague), payload: { email: reviewer.email, role: 'peer_reviewer', version: await version() } })).status, 403, 'only the lead assigns');
      const assigned = await call(app, { method: 'POST', url: `/api/engagements/${id}/members`, headers: as(lead), payload: { email: reviewer.email, role: 'peer_reviewer', version: await version() } });
      assert.equal(assigned.status, 201, assigned.res.body);

      // Fieldwork cannot start before every auditor declared; a declared conflict blocks it too.
      const before = await auditActions(db);
      const early = await call(app, { method: 'POST', url: `/api/engagements/${id}/start`, headers: as(lead), payload: { version: await version() } });
      assert.equal(early.status, 409);
      assert.equal(early.body.error, 'AUDIT_DECLARATIONS_MISSING');
      assert.equal((await view(lead)).engagement.status, 'planning');
      assert.deepEqual(await auditActions(db), before, 'a refusal writes nothing');
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/declarations`, headers: as(lead), payload: noConflicts('auditor') })).status, 201);
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/declarations`, headers: as(colleague), payload: { ...noConflicts('auditor'), financialInterest: { conflict: true } } })).status, 400, 'a conflict needs details');
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/declarations`, headers: as(colleague), payload: { ...noConflicts('auditor'), financialInterest: { conflict: true, details: 'holds the custodian token' } } })).status, 201);
      const conflicted = await call(app, { method: 'POST', url: `/api/engagements/${id}/start`, headers: as(lead), payload: { version: await version() } });
      assert.equal(conflicted.body.error, 'AUDIT_CONFLICT_DECLARED');
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/declarations`, headers: as(colleague), payload: noConflicts('auditor') })).status, 201, 'a later declaration (tokens sold)');
      // The latest declaration counts (same day: the one recorded last).
      const started = await call(app, { method: 'POST', url: `/api/engagements/${id}/start`, headers: as(lead), payload: { version: await version() } });
      assert.equal(started.status, 200, started.res.body);
      assert.equal((await view(lead)).engagement.status, 'fieldwork');

      // Testing: techniques with evidence; a finding needs a technique; stale versions conflict.
      const put = (req: string, body: Record<string, unknown>, who: SignedIn = lead) => call(app, { method: 'PUT', url: `/api/engagements/${id}/tests/${req}`, headers: as(who), payload: body });
      assert.equal((await put(requirements[0]!, { version: 0, techniques: [], status: 'in_place' })).status, 400, 'a finding without a technique');
      assert.equal((await put('9.9.9', { version: 0, techniques: [], status: null })).status, 400);
      assert.equal((await put(requirements[0]!, { version: 0, techniques: [{ technique: 'inspection', evidenceIds: [evidenceId] }], status: 'in_place' }, reviewer)).status, 403, 'the reviewer does not test');
      const first = await put(requirements[0]!, { version: 0, techniques: [{ technique: 'inspection', notes: 'read the transcript', evidenceIds: [evidenceId] }, { technique: 'inquiry' }], status: 'in_place', rationale: 'ceremony followed the run book', auditorNotes: 'ask about dice vendor next year' });
      assert.equal(first.status, 200, first.res.body);
      assert.equal((await put(requirements[0]!, { version: 0, techniques: [{ technique: 'inquiry' }], status: 'not_in_place' })).status, 409);
      for (const r of requirements.slice(1)) {
        const res = await put(r, { version: 0, techniques: [{ technique: 'inspection' }], status: r === requirements[1] ? 'not_applicable' : 'in_place', ...(r === requirements[1] ? { justification: 'no such component in this system' } : {}) });
        assert.equal(res.status, 200, `${r}: ${res.res.body}`);
      }

      // Information produced by the entity and a sample drawn from its population.
      const ipe = await call(app, { method: 'POST', url: `/api/engagements/${id}/ipe`, headers: as(lead), payload: { requirementId: requirements[2], title: 'Withdrawal approvals 2026', generatedOn: '2027-01-05', sourceSystem: 'custody-db.withdrawals', tool: 'psql', owner: 'Ops lead', parameters: "select * from withdrawals where year = 2026", completenessAccuracy: 'row count matched the ledger total' } });
      assert.equal(ipe.status, 201, ipe.res.body);
      const sample = (payload: Record<string, unknown>) => call(app, { method: 'POST', url: `/api/engagements/${id}/samples`, headers: as(lead), payload: { requirementId: requirements[2], title: 'Withdrawals', populationCsv: population(40), frequency: 'occurrence', risk: 'low', method: 'random', ...payload } });
      assert.equal((await sample({ populationCsv: population(40, { duplicate: true }) })).body.error, 'AUDIT_POPULATION_INVALID');
      assert.equal((await sample({ populationCsv: population(40, { outside: true }) })).body.error, 'AUDIT_POPULATION_INVALID');
      assert.equal((await sample({ override: { size: 12, rationale: '' } })).status, 400, 'an override without rationale');
      const drawn = await sample({ seed: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', ipeId: (ipe.body.ipe as { id: string }).id });
      assert.equal(drawn.status, 201, drawn.res.body);
      const s = drawn.body.sample as { id: string; version: number; record: { seed: string; items: { id: string }[]; size: { size: number } } };
      assert.equal(s.record.size.size, 10, '26–50 occurrences, low risk');
      assert.equal(s.record.seed, '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
      const again = await sample({ seed: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' });
      assert.deepEqual((again.body.sample as typeof s).record.items, s.record.items, 'the same seed and population give the same sample');
      // A population from the evidence library: the same CSV, the same seed, the same sample.
      const boundary = 'p0pulation';
      const upload = [`--${boundary}`, 'content-disposition: form-data; name="title"', '', 'Withdrawals export', `--${boundary}`, 'content-disposition: form-data; name="file"; filename="withdrawals.csv"', 'content-type: text/csv', '', population(40), `--${boundary}--`, ''].join('\r\n');
      const popEvidence = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/evidence`, headers: { ...as(owner), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: upload });
      assert.equal(popEvidence.status, 201, popEvidence.res.body);
      const fromEvidence = await call(app, { method: 'POST', url: `/api/engagements/${id}/samples`, headers: as(lead), payload: { requirementId: requirements[2], title: 'Withdrawals', populationEvidenceId: (popEvidence.body.evidence as { id: string }).id, frequency: 'occurrence', risk: 'low', method: 'random', seed: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' } });
      assert.equal(fromEvidence.status, 201, fromEvidence.res.body);
      assert.deepEqual((fromEvidence.body.sample as typeof s).record.items.map((i) => i.id), s.record.items.map((i) => i.id));
      assert.equal((await sample({ populationEvidenceId: (popEvidence.body.evidence as { id: string }).id })).status, 400, 'not both');
      const thirdId = (fromEvidence.body.sample as { id: string }).id;
      await call(app, { method: 'PUT', url: `/api/engagements/${id}/samples/${thirdId}/results`, headers: as(lead), payload: { version: 1, results: s.record.items.map((i) => ({ itemId: i.id, outcome: 'ok' })) } });
      const results = s.record.items.map((item, i) => ({ itemId: item.id, outcome: i === 0 ? 'exception' : 'ok', ...(i === 0 ? { note: 'approved by one keyholder only' } : {}) }));
      assert.equal((await call(app, { method: 'PUT', url: `/api/engagements/${id}/samples/${s.id}/results`, headers: as(lead), payload: { version: 1, results: [{ itemId: 'W-999', outcome: 'ok' }] } })).body.error, 'AUDIT_RESULTS_INVALID');
      const recorded = await call(app, { method: 'PUT', url: `/api/engagements/${id}/samples/${s.id}/results`, headers: as(lead), payload: { version: 1, results } });
      assert.equal(recorded.status, 200, recorded.res.body);
      const secondId = (again.body.sample as { id: string }).id;
      await call(app, { method: 'PUT', url: `/api/engagements/${id}/samples/${secondId}/results`, headers: as(lead), payload: { version: 1, results: s.record.items.map((i) => ({ itemId: i.id, outcome: 'ok' })) } });

      // Peer review: the reviewer declares first; deadlines in working days.
      const early2 = await call(app, { method: 'POST', url: `/api/engagements/${id}/submit`, headers: as(lead), payload: { version: await version() } });
      assert.equal(early2.body.error, 'AUDIT_DECLARATIONS_MISSING', early2.res.body);
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/declarations`, headers: as(reviewer), payload: noConflicts('peer_reviewer') })).status, 201);
      const submitted = await call(app, { method: 'POST', url: `/api/engagements/${id}/submit`, headers: as(lead), payload: { version: await version() } });
      assert.equal(submitted.status, 200, submitted.res.body);
      const deadlines = submitted.body.deadlines as { reviewBy: string; resolveBy: string; requestAnotherReviewerBy: string };
      assert.ok(deadlines.requestAnotherReviewerBy < deadlines.reviewBy && deadlines.reviewBy < deadlines.resolveBy);

      // What each party sees: the reviewer no auditor notes and no evidence files; the auditee no findings yet.
      const rv = await view(reviewer);
      const r0 = rv.requirements.find((r) => r.id === requirements[0])!.test!;
      assert.equal(r0.auditorNotes, undefined);
      assert.equal(r0.techniques[0]!.evidence[0]!.downloadable, false);
      assert.match(r0.techniques[0]!.evidence[0]!.sha256, /^[0-9a-f]{64}$/, 'the reviewer sees the hash');
      assert.equal((await call(app, { url: `/api/engagements/${id}/evidence/${evidenceId}/content`, headers: as(reviewer) })).status, 403);
      assert.equal((await call(app, { url: `/api/engagements/${id}/evidence/${evidenceId}/content`, headers: as(lead) })).status, 200);
      const lv = await view(lead);
      assert.equal(lv.requirements.find((r) => r.id === requirements[0])!.test!.auditorNotes, 'ask about dice vendor next year');
      const av = await view(viewer);
      assert.equal(av.requirements[0]!.test, undefined, 'findings of a certification audit reach the auditee at sign-off');
      assert.deepEqual(av.threads, []);
      assert.equal((await call(app, { url: `/api/engagements/${id}/report`, headers: as(viewer) })).status, 403);

      // Queries: sign-off is refused while one is open.
      const q = await call(app, { method: 'POST', url: `/api/engagements/${id}/queries`, headers: as(reviewer), payload: { requirementId: requirements[2], body: 'The sample has an exception; why is the requirement in place?' } });
      assert.equal(q.status, 201, q.res.body);
      const threadId = (q.body.thread as { id: string }).id;
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/queries`, headers: as(lead), payload: { requirementId: requirements[2], body: 'x' } })).status, 403);
      const refused = await call(app, { method: 'POST', url: `/api/engagements/${id}/review-signoff`, headers: as(reviewer), payload: { version: await version() } });
      assert.equal(refused.body.error, 'REVIEW_OPEN_QUERIES');
      assert.equal((await view(lead)).engagement.status, 'in_review');
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/queries/${threadId}/replies`, headers: as(lead), payload: { body: 'Compensating control: the second approval is enforced by the HSM policy; see the rationale.' } })).status, 201);
      const t2 = (await view(lead)).requirements.find((r) => r.id === requirements[2])!.test!;
      assert.equal((await put(requirements[2]!, { version: t2.version, techniques: [{ technique: 'reperformance' }], status: 'in_place', rationale: 'one exception; the HSM policy enforces the quorum regardless' })).status, 200);
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/queries/${threadId}/resolve`, headers: as(reviewer), payload: {} })).status, 200);
      const reviewed = await call(app, { method: 'POST', url: `/api/engagements/${id}/review-signoff`, headers: as(reviewer), payload: { version: await version() } });
      assert.equal(reviewed.status, 200, reviewed.res.body);

      // Sign-off freezes the conclusion; the certificate's data follows from it.
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${id}/signoff`, headers: as(reviewer), payload: { version: await version() } })).status, 403);
      const signed = await call(app, { method: 'POST', url: `/api/engagements/${id}/signoff`, headers: as(lead), payload: { version: await version() } });
      assert.equal(signed.status, 200, signed.res.body);
      const conclusion = signed.body.conclusion as { systemLevel: number; complete: boolean };
      assert.equal(conclusion.complete, true);
      assert.ok(conclusion.systemLevel >= 1);
      assert.equal((await put(requirements[0]!, { version: 5, techniques: [{ technique: 'inquiry' }], status: 'not_in_place' })).body.error, 'ENGAGEMENT_STATE', 'a signed-off audit is closed');
      const cert = await call(app, { url: `/api/engagements/${id}/certificate-data`, headers: as(viewer) });
      assert.equal(cert.status, 200, cert.res.body);
      assert.equal((cert.body.certificate as { level: number }).level, conclusion.systemLevel);
      assert.equal((cert.body.certificate as { peerReviewer: { firm: string } }).peerReviewer.firm, 'F2');

      // Outputs: the report (HTML, PDF) for the auditee now; OSCAL with attestations and the period.
      const html = await call(app, { url: `/api/engagements/${id}/report`, headers: as(viewer) });
      assert.equal(html.status, 200);
      assert.match(html.res.body, /CCSS audit report/);
      assert.match(html.res.body, /00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff/, 'the sample seed is in the report');
      const pdf = await app.inject({ url: `/api/engagements/${id}/report?format=pdf`, headers: as(viewer) });
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      const oscal = (await call(app, { url: `/api/engagements/${id}/oscal`, headers: as(viewer) })).body['assessment-results'] as { results: { start: string; end: string; attestations: unknown[] }[] };
      assert.equal(oscal.results[0]!.start, '2026-01-01T00:00:00Z');
      assert.equal(oscal.results[0]!.end, '2026-12-31T23:59:59Z');
      assert.equal(oscal.results[0]!.attestations.length, 2);

      // The audit file re-derives: samples from their seeds, levels from the findings.
      assert.equal((await app.inject({ url: `/api/engagements/${id}/export`, headers: as(reviewer) })).statusCode, 403);
      const exported = await app.inject({ url: `/api/engagements/${id}/export`, headers: as(lead) });
      assert.equal(exported.statusCode, 200);
      const tar = gunzipSync(exported.rawPayload);
      const opened = openAuditFile(new Uint8Array(tar));
      assert.equal(opened.manifestSha256, exported.headers['x-keygrade-manifest-sha256']);
      assert.ok(opened.files.has(`evidence/${(await view(lead)).requirements[0]!.test!.techniques[0]!.evidence[0]!.sha256}`));
      const re = rederiveAudit(opened, (e) => catalog.edition(e));
      assert.equal(re.ok, true, JSON.stringify(re));
      assert.equal(re.samples.length, 3);
      assert.equal(re.derived.systemLevel, conclusion.systemLevel);
      // A changed population no longer matches the manifest.
      const entries = readTar(new Uint8Array(tar)).map((e) => (e.path === `samples/${s.id}.csv` ? { ...e, data: new TextEncoder().encode(population(41)) } : e));
      assert.throws(() => openAuditFile(writeTar(entries)), /does not match its manifest/);

      const actions = await auditActions(db);
      for (const a of ['auditor.register', 'engagement.create', 'engagement.reviewer.assign', 'engagement.declare', 'engagement.start', 'engagement.test', 'engagement.ipe', 'engagement.sample', 'engagement.sample.results', 'engagement.submit', 'engagement.query.open', 'engagement.query.reply', 'engagement.query.resolve', 'engagement.review.signoff', 'engagement.signoff', 'engagement.export']) {
        assert.ok(actions.includes(a), `audit log has ${a}`);
      }
    });

    test('readiness: findings become remediation items; the certification period starts after remediation', async () => {
      const db: TestDb = await backend.open();
      cleanup.push(() => db.close());
      const app = await testApp(db, master);
      const owner = await signUp(app);
      const firm = await signUp(app, { role: 'viewer' });
      const lead = await signUp(app, { role: 'viewer', orgId: firm.orgId });
      assert.equal((await call(app, { method: 'POST', url: '/api/admin/auditors', headers: as(owner), payload: { email: lead.email, firmId: 'f1', firmName: 'F1', accreditedFrom: '2020-01-01', accreditedUntil: '2099-12-31' } })).status, 201);
      // An accredited auditor must set up MFA before using anything else.
      assert.equal((await call(app, { url: '/api/engagements', headers: as(lead) })).body.error, 'MFA_REQUIRED');
      await enableMfa(app, lead);
      const keyholder = await signUp(app, { role: 'keyholder', orgId: owner.orgId });
      const systemId = ((await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Cold storage' } })).body.system as { id: string }).id;
      const r = await call(app, { method: 'POST', url: `/api/systems/${systemId}/engagements`, headers: as(owner), payload: { type: 'readiness', edition: EDITION, agreementReference: 'RA-1', leadAuditorEmail: lead.email, period: { start: '2026-01-01', end: '2026-03-31' } } });
      assert.equal(r.status, 201, r.res.body);
      const readiness = (r.body.engagement as { id: string }).id;
      assert.deepEqual(((await call(app, { url: '/api/engagements', headers: as(lead) })).body.engagements as { id: string }[]).map((e) => e.id), [readiness]);
      const item = await call(app, { method: 'POST', url: `/api/engagements/${readiness}/remediation`, headers: as(owner), payload: { requirementId: requirements[3], description: 'Move the backup seed to a second site', owner: 'Security lead', dueDate: '2026-05-01' } });
      assert.equal(item.status, 201, item.res.body);
      assert.equal((await call(app, { method: 'POST', url: `/api/engagements/${readiness}/remediation`, headers: as(keyholder), payload: { requirementId: requirements[3], description: 'x', owner: 'y', dueDate: '2026-05-01' } })).status, 403, 'a keyholder cannot plan remediation');
      const certify = (start: string) =>
        call(app, { method: 'POST', url: `/api/systems/${systemId}/engagements`, headers: as(owner), payload: { type: 'certification', firstAudit: true, followsId: readiness, edition: EDITION, agreementReference: 'EL-1', leadAuditorEmail: lead.email, period: { start, end: `${Number(start.slice(0, 4)) + 1}${start.slice(4, 8)}01` } } });
      const blocked = await certify('2026-06-01');
      assert.equal(blocked.status, 400);
      assert.match(blocked.body.message as string, /after remediation/);
      const itemId = (item.body.remediation as { id: string }).id;
      const done = await call(app, { method: 'PUT', url: `/api/engagements/${readiness}/remediation/${itemId}`, headers: as(owner), payload: { version: 1, status: 'done', closedOn: '2026-04-20' } });
      assert.equal(done.status, 200, done.res.body);
      assert.equal((await certify('2026-04-01')).status, 400, 'a period starting before remediation closed');
      const ok = await certify('2026-05-01');
      assert.equal(ok.status, 201, ok.res.body);
    });
  });
}
