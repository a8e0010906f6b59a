import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AUDIT_LOG, MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import type { App } from './app.js';
import { EvidenceStore } from './domain/evidence-store.js';
import { as, bearer, call, signUp, testApp, type SignedIn } from './testing.js';

const master = MasterKey.generate();
const catalog = openCatalog();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);
const example = readFileSync(new URL('../../../examples/acme-exchange/assessment.yaml', import.meta.url), 'utf8');

/** A multipart/form-data body with the given fields and one file part. */
function multipart(fields: Record<string, string>, file?: { name: string; data: Buffer; field?: string }) {
  const boundary = `----keygrade${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\ncontent-type: application/octet-stream\r\n\r\n`), file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function auditCount(db: TestDb): Promise<number> {
  const r = await db.kysely.selectFrom('log_entry').select((eb) => eb.fn.countAll<number>().as('n')).where('log', '=', AUDIT_LOG).executeTakeFirstOrThrow();
  return Number(r.n);
}

for (const backend of testBackends()) {
  describe(`systems, assessments and evidence on ${backend.name}`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });
    const setup = async (maxBytes = 1024 * 1024) => {
      const db = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), 'kg-evidence-'));
      cleanup.push(() => db.close(), () => rmSync(dir, { recursive: true, force: true }));
      const app = await testApp(db, master, { evidence: new EvidenceStore(dir, maxBytes), catalog });
      const owner = await signUp(app);
      return { db, app, owner, dir };
    };
    const newSystem = async (app: App, u: SignedIn, name = 'Cold wallet') => {
      const r = await call(app, { method: 'POST', url: `/api/orgs/${u.orgId}/systems`, headers: as(u), payload: { name, scope: 'BTC cold storage', assets: ['BTC'] } });
      assert.equal(r.status, 201, r.res.body);
      return (r.body.system as { id: string }).id;
    };
    const newAssessment = async (app: App, u: SignedIn, systemId: string, edition = 'ccss-v9') => {
      const r = await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments`, headers: as(u), payload: { edition } });
      assert.equal(r.status, 201, r.res.body);
      return (r.body.assessment as { id: string }).id;
    };
    const answer = (app: App, u: SignedIn, a: string, rid: string, body: Record<string, unknown>) => call(app, { method: 'PUT', url: `/api/assessments/${a}/answers/${rid}`, headers: as(u), payload: body });

    test('answering every Level I requirement raises the level; history, levels over time and the audit log follow', async () => {
      const { app, owner, db } = await setup();
      const systemId = await newSystem(app, owner);
      const a = await newAssessment(app, owner, systemId);
      const l1 = allRequirements(catalog.edition('ccss-v9')).filter((r) => r.level === 1);
      const before = await auditCount(db);
      let last: Record<string, unknown> = {};
      for (const r of l1) {
        const res = await answer(app, owner, a, r.id, { status: 'in_place', note: `done: ${r.id}`, version: 0 });
        assert.equal(res.status, 200, res.res.body);
        last = res.body;
      }
      assert.equal((last.scorecard as { level: number }).level, 1);
      assert.equal(await auditCount(db), before + l1.length, 'one audit entry per answer');
      const card = await call(app, { url: `/api/assessments/${a}`, headers: as(owner) });
      assert.equal((card.body.scorecard as { level: number }).level, 1);
      const levels = await call(app, { url: `/api/assessments/${a}/levels`, headers: as(owner) });
      assert.deepEqual((levels.body.points as { level: number }[]).map((p) => p.level), [0, 1]);
      // Taking one back lowers the level again.
      const down = await answer(app, owner, a, l1[0]!.id, { status: 'not_in_place', version: 1 });
      assert.equal((down.body.scorecard as { level: number }).level, 0);
      // Reads are cached by the assessment's revision: the change shows at once.
      const after = await call(app, { url: `/api/assessments/${a}`, headers: as(owner) });
      assert.equal((after.body.scorecard as { level: number }).level, 0);
      const list1 = await call(app, { url: `/api/assessments/${a}/checklist`, headers: as(owner) });
      assert.ok(JSON.stringify(list1.body).includes('"status":"not_in_place"'));
      const hist = await call(app, { url: `/api/assessments/${a}/answers/${l1[0]!.id}/history`, headers: as(owner) });
      assert.deepEqual((hist.body.history as { version: number; status: string }[]).map((h) => [h.version, h.status]), [
        [1, 'in_place'],
        [2, 'not_in_place'],
      ]);
      const list = await call(app, { url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner) });
      assert.equal((list.body.systems as { level: number }[])[0]!.level, 0);
      const gaps = await call(app, { url: `/api/assessments/${a}/gaps?target=1`, headers: as(owner) });
      assert.equal(gaps.status, 200);
      assert.ok(JSON.stringify(gaps.body).includes(l1[0]!.id));
    });

    test('two people editing one answer: the second gets 409 with the current value, nothing is lost', async () => {
      const { app, owner } = await setup();
      const lead = await signUp(app, { orgId: owner.orgId, role: 'security_lead' });
      const a = await newAssessment(app, owner, await newSystem(app, owner));
      const rid = '1.01.1.1';
      assert.equal((await answer(app, owner, a, rid, { status: 'in_place', note: 'owner', version: 0 })).status, 200);
      const stale = await answer(app, lead, a, rid, { status: 'not_in_place', note: 'lead', version: 0 });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.error, 'VERSION_CONFLICT');
      assert.equal((stale.body.current as { note: string; version: number }).note, 'owner');
      const ok = await answer(app, lead, a, rid, { status: 'not_in_place', note: 'lead', version: 1 });
      assert.equal(ok.status, 200);
      assert.equal((ok.body.answer as { version: number }).version, 2);
    });

    test('invalid answers are 400 with the field; carried fields of other statuses are dropped', async () => {
      const { app, owner } = await setup();
      const a = await newAssessment(app, owner, await newSystem(app, owner));
      const bad = await answer(app, owner, a, '1.01.1.1', { status: 'not_applicable', version: 0 });
      assert.equal(bad.status, 400);
      assert.equal((bad.body.problems as { path: string }[])[0]!.path, 'justification');
      const badStatus = await answer(app, owner, a, '1.01.1.1', { status: 'done', version: 0 });
      assert.equal(badStatus.status, 400);
      assert.ok((badStatus.body.problems as { path: string }[]).some((p) => p.path === 'status'));
      assert.equal((await answer(app, owner, a, '9.99.9.9', { status: 'in_place', version: 0 })).status, 404);
      const ok = await answer(app, owner, a, '1.01.1.1', { status: 'in_place', justification: 'left over', version: 0 });
      assert.equal((ok.body.answer as { justification: string | null }).justification, null);
    });

    test('roles: viewers read, keyholders answer, only owners and security leads manage systems; foreign orgs see 404', async () => {
      const { app, owner } = await setup();
      const systemId = await newSystem(app, owner);
      const a = await newAssessment(app, owner, systemId);
      const viewer = await signUp(app, { orgId: owner.orgId, role: 'viewer' });
      const keyholder = await signUp(app, { orgId: owner.orgId, role: 'keyholder' });
      const stranger = await signUp(app);
      assert.equal((await call(app, { url: `/api/assessments/${a}/checklist`, headers: as(viewer) })).status, 200);
      assert.equal((await answer(app, viewer, a, '1.01.1.1', { status: 'in_place', version: 0 })).status, 403);
      assert.equal((await answer(app, keyholder, a, '1.01.1.1', { status: 'in_place', version: 0 })).status, 200);
      assert.equal((await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(keyholder), payload: { name: 'x' } })).status, 403);
      assert.equal((await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments`, headers: as(keyholder), payload: { edition: 'ccss-v9' } })).status, 403);
      for (const url of [`/api/systems/${systemId}`, `/api/assessments/${a}`, `/api/assessments/${a}/checklist`, `/api/assessments/${a}/export`, `/api/orgs/${owner.orgId}/systems`]) {
        const r = await call(app, { url, headers: as(stranger) });
        assert.equal(r.status, 404, `${url}: ${r.res.body}`);
      }
      const foreign = await answer(app, stranger, a, '1.01.1.1', { status: 'in_place', version: 1 });
      assert.equal(foreign.status, 404);
      // Unknown and foreign resources answer the same way.
      const missing = await call(app, { url: `/api/assessments/00000000-0000-0000-0000-000000000000`, headers: as(stranger) });
      const hidden = await call(app, { url: `/api/assessments/${a}`, headers: as(stranger) });
      assert.deepEqual(hidden.body, missing.body);
      // Tokens carry exactly their scopes.
      const reader = await bearer(app, { orgId: owner.orgId, scopes: ['org:read'] });
      assert.equal((await call(app, { url: `/api/assessments/${a}`, headers: { authorization: `Bearer ${reader}` } })).status, 200);
      assert.equal((await call(app, { method: 'PUT', url: `/api/assessments/${a}/answers/1.01.1.2`, headers: { authorization: `Bearer ${reader}` }, payload: { status: 'in_place', version: 0 } })).status, 403);
      // Without the CSRF token a cookie-authenticated change is refused and writes nothing.
      const csrf = await call(app, { method: 'PUT', url: `/api/assessments/${a}/answers/1.01.1.3`, headers: { cookie: owner.cookie }, payload: { status: 'in_place', version: 0 } });
      assert.equal(csrf.status, 403);
      const hist = await call(app, { url: `/api/assessments/${a}/answers/1.01.1.3/history`, headers: as(owner) });
      assert.deepEqual(hist.body.history, []);
    });

    test('evidence: upload with metadata, sniffed type, link to an answer, download; oversized uploads store nothing', async () => {
      const { app, owner, dir, db } = await setup(64);
      const a = await newAssessment(app, owner, await newSystem(app, owner));
      const up = multipart({ title: 'Key generation run book', tool: 'keygrade rng test', owner: 'Security lead', expiresAt: '2027-06-30' }, { name: '../../run book.pdf', data: Buffer.from('%PDF-1.7 run book') });
      const r = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/evidence`, headers: { ...as(owner), ...up.headers }, payload: up.payload });
      assert.equal(r.status, 201, r.res.body);
      const ev = r.body.evidence as { id: string; sha256: string; contentType: string; filename: string; size: number; createdBy: string };
      assert.equal(ev.contentType, 'application/pdf');
      assert.equal(ev.filename, 'run book.pdf');
      assert.equal(ev.createdBy, `user:${owner.userId}`);
      const before = await call(app, { url: `/api/assessments/${a}/checklist`, headers: as(owner) });
      assert.ok(!JSON.stringify(before.body).includes(ev.id));
      const link = await call(app, { method: 'POST', url: `/api/assessments/${a}/answers/1.01.1.1/evidence`, headers: as(owner), payload: { evidenceId: ev.id } });
      assert.equal(link.status, 201, link.res.body);
      const list = await call(app, { url: `/api/assessments/${a}/checklist`, headers: as(owner) });
      assert.ok(JSON.stringify(list.body).includes(ev.id));
      const dl = await app.inject({ url: `/api/evidence/${ev.id}/content`, headers: as(owner) });
      assert.equal(dl.statusCode, 200);
      assert.equal(dl.body, '%PDF-1.7 run book');
      assert.match(String(dl.headers['content-disposition']), /attachment/);
      // Too large: 413, no row, no file.
      const rows = async () => (await db.kysely.selectFrom('evidence').select('id').execute()).length;
      const files = () => readdirSync(dir).filter((d) => d !== 'tmp').flatMap((d) => readdirSync(join(dir, d))).length;
      const [n, f] = [await rows(), files()];
      const big = multipart({ title: 'big' }, { name: 'big.bin', data: Buffer.alloc(200, 7) });
      const tooBig = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/evidence`, headers: { ...as(owner), ...big.headers }, payload: big.payload });
      assert.equal(tooBig.status, 413, tooBig.res.body);
      assert.equal(await rows(), n);
      assert.equal(files(), f);
      assert.ok(!existsSync(join(dir, 'tmp')) || readdirSync(join(dir, 'tmp')).length === 0);
      // Missing metadata: 400 with the field.
      const noTitle = multipart({}, { name: 'a.txt', data: Buffer.from('hello') });
      const bad = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/evidence`, headers: { ...as(owner), ...noTitle.headers }, payload: noTitle.payload });
      assert.equal(bad.status, 400);
      assert.equal((bad.body.problems as { path: string }[])[0]!.path, 'title');
      // Another organization can neither see nor link it.
      const stranger = await signUp(app);
      assert.equal((await call(app, { url: `/api/evidence/${ev.id}/content`, headers: as(stranger) })).status, 404);
      const sa = await newAssessment(app, stranger, await newSystem(app, stranger));
      assert.equal((await call(app, { method: 'POST', url: `/api/assessments/${sa}/answers/1.01.1.1/evidence`, headers: as(stranger), payload: { evidenceId: ev.id } })).status, 404);
    });

    test('the YAML assessment file imports, exports and re-imports without loss; bad files are 400 with line numbers', async () => {
      const { app, owner } = await setup();
      const systemId = await newSystem(app, owner);
      const imp = await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments/import`, headers: { ...as(owner), 'content-type': 'text/yaml' }, payload: example });
      assert.equal(imp.status, 201, imp.res.body);
      const a = (imp.body.assessment as { id: string; level: number }).id;
      assert.equal((imp.body.assessment as { level: number }).level, 1);
      const exported = (await app.inject({ url: `/api/assessments/${a}/export`, headers: as(owner) })).body;
      const again = await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments/import`, headers: { ...as(owner), 'content-type': 'text/yaml' }, payload: exported });
      assert.equal(again.status, 201);
      const b = (again.body.assessment as { id: string }).id;
      assert.equal((await app.inject({ url: `/api/assessments/${b}/export`, headers: as(owner) })).body, exported);
      const c1 = await call(app, { url: `/api/assessments/${a}/checklist`, headers: as(owner) });
      const c2 = await call(app, { url: `/api/assessments/${b}/checklist`, headers: as(owner) });
      const strip = (x: unknown) => JSON.stringify(x).replace(/"updatedAt":"[^"]*"/g, '');
      assert.equal(strip(c2.body), strip(c1.body));
      const bad = await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments/import`, headers: { ...as(owner), 'content-type': 'text/yaml' }, payload: example.replace('status: in_place', 'status: finished').replace('level: 3', 'level: 7') });
      assert.equal(bad.status, 400);
      assert.ok((bad.body.problems as { line?: number }[]).every((p) => typeof p.line === 'number'), bad.res.body);
    });

    test('reports download in every format; a PDF starts with %PDF-', async () => {
      const { app, owner } = await setup();
      const systemId = await newSystem(app, owner);
      const imp = await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments/import`, headers: { ...as(owner), 'content-type': 'text/yaml' }, payload: example });
      const a = (imp.body.assessment as { id: string }).id;
      const pdf = await app.inject({ url: `/api/assessments/${a}/report?format=pdf`, headers: as(owner) });
      assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.match(String(pdf.headers['content-disposition']), /attachment; filename="Cold-wallet-ccss-2020-report\.pdf"/);
      for (const format of ['html', 'md', 'json', 'oscal']) {
        const r = await app.inject({ url: `/api/assessments/${a}/report?format=${format}`, headers: as(owner) });
        assert.equal(r.statusCode, 200, `${format}: ${r.body.slice(0, 200)}`);
        assert.ok(r.body.includes('Acme') || r.body.includes('1.1.1'), format);
      }
      assert.equal((await app.inject({ url: `/api/assessments/${a}/report?format=docx`, headers: as(owner) })).statusCode, 400);
    });
  });
}
