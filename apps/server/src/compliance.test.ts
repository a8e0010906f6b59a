import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { openCatalog } from '@keygrade/catalog/node';
import { createSession, MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import type { AppDeps } from './app.js';
import { runComplianceMonitor, signWebhookBody, SIGNATURE_HEADER } from './serve.js';
import { as, call, signUp, testApp } from './testing.js';

const master = MasterKey.generate();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const SHA = (c: string) => c.repeat(64);
const pentest = (id: string, performedOn: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'penetration_test',
  scope: 'wallet infrastructure',
  tester: { name: 'Acme Security', relation: 'third_party' },
  performedOn,
  report: { sha256: SHA('a'), description: 'pentest report' },
  ...extra,
});
const policy = { id: 'POL-KS', kind: 'key_storage', version: '1', owner: 'CISO', approval: { by: 'Board', on: '2026-01-05' }, nextReview: '2027-01-05', text: 'Keys are stored in HSMs.' };
const sanitization = { id: 'SAN-1', mediaId: 'HDD-42', held: 'old backup', method: 'purge', tool: 'nwipe', toolConfiguration: 'PRNG stream, 1 pass, verify', performedBy: 'op-7', witnessedBy: 'op-9', performedOn: '2026-02-01' };

/** A local receiver for webhooks. */
async function receiver() {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

for (const backend of testBackends()) {
  describe(`continuous compliance on ${backend.name}`, () => {
    const cleanup: (() => unknown)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });
    const open = async (extra: Partial<AppDeps> & { compliance?: { allowPrivateWebhooks?: boolean } } = {}) => {
      const db: TestDb = await backend.open();
      cleanup.push(() => db.close());
      const app = await testApp(db, master, extra);
      cleanup.push(() => app.close());
      return { db, app };
    };
    const reg = (orgId: string, register: string) => `/api/orgs/${orgId}/compliance/registers/${register}`;

    test('registers: authorization, validation messages naming the field, versions, retire and history', async () => {
      const { app } = await open();
      const owner = await signUp(app);
      const viewer = await signUp(app, { role: 'viewer', orgId: owner.orgId });
      const keyholder = await signUp(app, { role: 'keyholder', orgId: owner.orgId });
      const lead = await signUp(app, { role: 'security_lead', orgId: owner.orgId });
      const foreign = await signUp(app);

      const created = await call(app, { method: 'POST', url: reg(owner.orgId, 'securityTests'), headers: as(owner), payload: pentest('PT-2026', '2026-03-10') });
      assert.equal(created.status, 201, created.res.body);
      const entry = created.body.entry as { id: string; version: number; entry: { findings: unknown[] } };
      assert.equal(entry.id, 'PT-2026');
      assert.equal(entry.version, 1);
      assert.deepEqual(entry.entry.findings, [], 'defaults filled by the package');

      // Who may write: owners and security leads; viewers and keyholders are refused; other organizations see nothing.
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'policies'), headers: as(viewer), payload: policy })).status, 403);
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'policies'), headers: as(keyholder), payload: policy })).status, 403);
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'policies'), headers: as(lead), payload: policy })).status, 201);
      assert.equal((await call(app, { url: reg(owner.orgId, 'securityTests'), headers: as(viewer) })).status, 200);
      for (const url of [reg(owner.orgId, 'securityTests'), `${reg(owner.orgId, 'securityTests')}/entries/PT-2026`, `/api/orgs/${owner.orgId}/compliance/registers/export`]) {
        const r = await call(app, { url, headers: as(foreign) });
        assert.equal(r.status, 404, url);
        assert.ok(!r.res.body.includes('PT-2026'));
      }
      assert.equal((await call(app, { method: 'PUT', url: `${reg(owner.orgId, 'securityTests')}/entries/PT-2026`, headers: as(foreign), payload: { version: 1, entry: pentest('PT-2026', '2026-03-11') } })).status, 404);
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'policies'), headers: { cookie: owner.cookie }, payload: policy })).status, 403, 'CSRF token required');

      // Bad input: every problem names its field.
      const problems = async (register: string, payload: unknown) => {
        const r = await call(app, { method: 'POST', url: reg(owner.orgId, register), headers: as(owner), payload: payload as Record<string, unknown> });
        assert.equal(r.status, 400, r.res.body);
        assert.equal(r.body.error, 'COMPLIANCE_INVALID_ENTRY');
        return r.body.problems as { path: string; message: string }[];
      };
      const noSeverity = await problems('securityTests', pentest('PT-X', '2026-03-10', { findings: [{ id: 'F1', title: 'weak TLS', owner: 'ops', due: '2026-04-01', remediation: 'open' }] }));
      assert.ok(noSeverity.some((p) => p.path === 'findings.0.severity' && /severity is required/.test(p.message)), JSON.stringify(noSeverity));
      const order = await problems('securityTests', pentest('PT-Y', '2026-03-10', { startedOn: '2026-03-12' }));
      assert.ok(order.some((p) => p.path === 'performedOn' && /wrong order/.test(p.message)), JSON.stringify(order));
      const san: Record<string, unknown> = { ...sanitization };
      delete san.method;
      delete san.performedBy;
      const sanProblems = await problems('sanitization', san);
      assert.deepEqual(sanProblems.map((p) => p.path).sort(), ['method', 'performedBy']);
      const noOwner: Record<string, unknown> = { ...policy, id: 'P2' };
      delete noOwner.owner;
      assert.ok((await problems('policies', noOwner)).some((p) => p.path === 'owner' && p.message === 'owner is required'));
      assert.ok((await problems('people', { id: 'HR-1', roles: ['keyholder'], grantedOn: '2026-01-01', passportScan: 'x' })).some((p) => p.path === 'passportScan'));
      const badRegister = await call(app, { method: 'POST', url: reg(owner.orgId, 'nonsense'), headers: as(owner), payload: {} });
      assert.equal(badRegister.status, 400);
      assert.match(badRegister.res.body, /register must be one of/);
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'securityTests'), headers: as(owner), payload: pentest('PT-2026', '2026-03-10') })).status, 409, 'id in use');

      // Update with the version read; a stale version is 409 with the current entry; the id cannot change.
      const url = `${reg(owner.orgId, 'securityTests')}/entries/PT-2026`;
      const upd = await call(app, { method: 'PUT', url, headers: as(owner), payload: { version: 1, entry: pentest('PT-2026', '2026-03-11') } });
      assert.equal(upd.status, 200, upd.res.body);
      assert.equal((upd.body.entry as { version: number }).version, 2);
      const stale = await call(app, { method: 'PUT', url, headers: as(lead), payload: { version: 1, entry: pentest('PT-2026', '2026-03-12') } });
      assert.equal(stale.status, 409);
      assert.equal((stale.body.current as { version: number }).version, 2);
      const renamed = await call(app, { method: 'PUT', url, headers: as(owner), payload: { version: 2, entry: pentest('PT-OTHER', '2026-03-12') } });
      assert.equal(renamed.status, 400);
      assert.equal((renamed.body.problems as { path: string }[])[0]!.path, 'entry.id');
      const badUpd = await call(app, { method: 'PUT', url, headers: as(owner), payload: { version: 2, entry: { ...pentest('PT-2026', '2026-03-12'), tester: { name: 'X' } } } });
      assert.equal(badUpd.status, 400);
      assert.ok((badUpd.body.problems as { path: string }[]).some((p) => p.path === 'entry.tester.relation'), badUpd.res.body);

      // Retire: out of the list, kept with its history; adding the id again brings it back as a new version.
      assert.equal((await call(app, { method: 'DELETE', url, headers: as(viewer) })).status, 403);
      assert.equal((await call(app, { method: 'DELETE', url: `${url}?version=1`, headers: as(owner) })).status, 409);
      const retired = await call(app, { method: 'DELETE', url: `${url}?version=2`, headers: as(owner) });
      assert.equal(retired.status, 200, retired.res.body);
      assert.deepEqual((await call(app, { url: reg(owner.orgId, 'securityTests'), headers: as(owner) })).body.entries, []);
      assert.equal(((await call(app, { url: `${reg(owner.orgId, 'securityTests')}?includeRetired=true`, headers: as(owner) })).body.entries as unknown[]).length, 1);
      const back = await call(app, { method: 'POST', url: reg(owner.orgId, 'securityTests'), headers: as(owner), payload: pentest('PT-2026', '2026-03-13') });
      assert.equal(back.status, 201, back.res.body);
      assert.equal((back.body.entry as { version: number }).version, 4);
      const hist = await call(app, { url, headers: as(viewer) });
      assert.deepEqual((hist.body.history as { version: number; retired: boolean }[]).map((h) => [h.version, h.retired]), [[1, false], [2, false], [3, true], [4, false]]);
      type Version = { changes: { path: string; before?: unknown; after?: unknown; lines?: { op: string; text: string }[] }[] };
      const versions = hist.body.history as Version[];
      assert.deepEqual(versions[0]!.changes, []);
      assert.deepEqual(versions[1]!.changes, [{ path: 'performedOn', before: '2026-03-10', after: '2026-03-11' }]);

      // A policy's new version: the text diff line by line.
      const purl = `${reg(owner.orgId, 'policies')}/entries/${policy.id}`;
      const text2 = 'Keys are stored in HSMs.\nBackups are sealed and inspected quarterly.';
      assert.equal((await call(app, { method: 'PUT', url: purl, headers: as(owner), payload: { version: 1, entry: { ...policy, version: '2', text: text2 } } })).status, 200);
      const pchanges = ((await call(app, { url: purl, headers: as(viewer) })).body.history as Version[])[1]!.changes;
      assert.deepEqual(pchanges.map((c) => c.path), ['version', 'text']);
      assert.deepEqual(pchanges[1]!.lines, [
        { op: '=', text: 'Keys are stored in HSMs.' },
        { op: '+', text: 'Backups are sealed and inspected quarterly.' },
      ]);

      // Validity settings: owners only, problems named under validity.
      const settings = `/api/orgs/${owner.orgId}/compliance/settings`;
      assert.equal((await call(app, { method: 'PUT', url: settings, headers: as(lead), payload: { version: 0, validity: { securityTestMonths: 6 } } })).status, 403);
      const badSettings = await call(app, { method: 'PUT', url: settings, headers: as(owner), payload: { version: 0, validity: { securityTestMonths: 0 } } });
      assert.equal(badSettings.status, 400);
      assert.equal((badSettings.body.problems as { path: string }[])[0]!.path, 'validity.securityTestMonths');
      const set = await call(app, { method: 'PUT', url: settings, headers: as(owner), payload: { version: 0, validity: { securityTestMonths: 6 } } });
      assert.equal(set.status, 200, set.res.body);
      assert.equal((set.body.effective as { securityTestMonths: number }).securityTestMonths, 6);
      assert.equal((await call(app, { method: 'PUT', url: settings, headers: as(owner), payload: { version: 0, validity: {} } })).status, 409);

      // Every change is in the audit log.
      const types = (await app.keygradeAuthz.db.kysely.selectFrom('log_entry').select('type').where('log', '=', 'keygrade-audit').execute()).map((r) => r.type);
      for (const t of ['compliance.entry.create', 'compliance.entry.update', 'compliance.entry.retire', 'compliance.settings.update']) assert.ok(types.includes(t), t);
    });

    test('import and export round trips: CSV and YAML per register, YAML of all registers, OSCAL into an assessment', async () => {
      const { app } = await open();
      const a = await signUp(app);
      const b = await signUp(app);
      const viewer = await signUp(app, { role: 'viewer', orgId: a.orgId });
      const finding = { id: 'F1', title: 'weak "TLS", =cmd', severity: 'high', owner: 'ops', due: '2026-05-01', remediation: 'remediated', resolvedOn: '2026-04-01' };
      for (const [register, entry] of [
        ['securityTests', pentest('PT-2026', '2026-03-10', { findings: [finding] })],
        ['securityTests', pentest('PT-2025', '2025-03-10')],
        ['policies', policy],
        ['sanitization', sanitization],
      ] as const) {
        const r = await call(app, { method: 'POST', url: reg(a.orgId, register), headers: as(a), payload: entry as Record<string, unknown> });
        assert.equal(r.status, 201, r.res.body);
      }
      const csv = await app.inject({ url: `${reg(a.orgId, 'securityTests')}/export?format=csv`, headers: as(viewer) });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(csv.body, /'=cmd|weak/);
      // CSV into another organization, then export again: the same text.
      const imp = await call(app, { method: 'POST', url: `${reg(b.orgId, 'securityTests')}/import`, headers: { ...as(b), 'content-type': 'text/csv' }, payload: csv.body });
      assert.equal(imp.status, 200, imp.res.body);
      assert.deepEqual([imp.body.created, imp.body.updated, imp.body.unchanged], [2, 0, 0]);
      assert.equal((await app.inject({ url: `${reg(b.orgId, 'securityTests')}/export?format=csv`, headers: as(b) })).body, csv.body);
      // Importing the same file again changes nothing.
      const again = await call(app, { method: 'POST', url: `${reg(b.orgId, 'securityTests')}/import`, headers: { ...as(b), 'content-type': 'text/csv' }, payload: csv.body });
      assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 0, 2]);
      // A viewer cannot import; bad rows are refused with the field, nothing written.
      assert.equal((await call(app, { method: 'POST', url: `${reg(a.orgId, 'securityTests')}/import`, headers: { ...as(viewer), 'content-type': 'text/csv' }, payload: csv.body })).status, 403);
      const broken = csv.body.replace('third_party', 'friendly');
      const bad = await call(app, { method: 'POST', url: `${reg(b.orgId, 'securityTests')}/import?mode=replace`, headers: { ...as(b), 'content-type': 'text/csv' }, payload: broken });
      assert.equal(bad.status, 400, bad.res.body);
      assert.equal(bad.body.error, 'COMPLIANCE_IMPORT_INVALID');
      assert.match(bad.res.body, /tester\.relation/);
      assert.equal(((await call(app, { url: reg(b.orgId, 'securityTests'), headers: as(b) })).body.entries as unknown[]).length, 2, 'nothing retired');
      const notCsv = await call(app, { method: 'POST', url: `${reg(b.orgId, 'policies')}/import`, headers: { ...as(b), 'content-type': 'text/csv' }, payload: csv.body });
      assert.equal(notCsv.status, 400);

      // YAML per register and for all registers.
      const yaml = await app.inject({ url: `${reg(a.orgId, 'policies')}/export?format=yaml`, headers: as(a) });
      assert.match(yaml.body, /keygrade: compliance-register\/v1/);
      const wrongKind = await call(app, { method: 'POST', url: `${reg(b.orgId, 'drills')}/import`, headers: { ...as(b), 'content-type': 'text/yaml' }, payload: yaml.body });
      assert.equal(wrongKind.status, 400);
      const all = await app.inject({ url: `/api/orgs/${a.orgId}/compliance/registers/export`, headers: as(a) });
      assert.equal(all.statusCode, 200);
      const allIn = await call(app, { method: 'POST', url: `/api/orgs/${b.orgId}/compliance/registers/import?mode=replace`, headers: { ...as(b), 'content-type': 'text/yaml' }, payload: all.body });
      assert.equal(allIn.status, 200, allIn.res.body);
      assert.deepEqual([allIn.body.created, allIn.body.unchanged, allIn.body.retired], [2, 2, 0]);
      assert.equal((await app.inject({ url: `/api/orgs/${b.orgId}/compliance/registers/export`, headers: as(b) })).body, all.body);
      const located = await call(app, { method: 'POST', url: `/api/orgs/${b.orgId}/compliance/registers/import`, headers: { ...as(b), 'content-type': 'text/yaml' }, payload: all.body.replace('owner: CISO', 'owner: ""') });
      assert.equal(located.status, 400);
      assert.ok((located.body.problems as { path: string; line?: number }[]).some((p) => p.path === 'policies[0].owner' || (p.path.includes('owner') && typeof p.line === 'number')), located.res.body);

      // OSCAL: Keygrade's own OSCAL export of one assessment imports into another unchanged.
      const sys = (await call(app, { method: 'POST', url: `/api/orgs/${a.orgId}/systems`, headers: as(a), payload: { name: 'Hot wallet' } })).body.system as { id: string };
      const newAssessment = async () => ((await call(app, { method: 'POST', url: `/api/systems/${sys.id}/assessments`, headers: as(a), payload: { edition: 'ccss-2020' } })).body.assessment as { id: string }).id;
      const src = await newAssessment();
      const dst = await newAssessment();
      const ids = ((await call(app, { url: `/api/assessments/${src}/checklist`, headers: as(a) })).body as { aspects: { controls: { requirements: { id: string }[] }[] }[] }).aspects.flatMap((x) => x.controls.flatMap((c) => c.requirements.map((r) => r.id)));
      for (const [i, status] of ['in_place', 'not_in_place', 'in_place'].entries()) {
        const r = await call(app, { method: 'PUT', url: `/api/assessments/${src}/answers/${ids[i * 5]!}`, headers: as(a), payload: { status, version: 0 } });
        assert.equal(r.status, 200, r.res.body);
      }
      const oscal = await app.inject({ url: `/api/assessments/${src}/report?format=oscal`, headers: as(a) });
      assert.equal(oscal.statusCode, 200, oscal.body);
      assert.equal((await call(app, { method: 'POST', url: `/api/assessments/${dst}/compliance/oscal`, headers: as(viewer), payload: { document: JSON.parse(oscal.body) as Record<string, unknown> } })).status, 403);
      assert.equal((await call(app, { method: 'POST', url: `/api/assessments/${dst}/compliance/oscal`, headers: as(b), payload: { document: JSON.parse(oscal.body) as Record<string, unknown> } })).status, 404);
      const imported = await call(app, { method: 'POST', url: `/api/assessments/${dst}/compliance/oscal`, headers: as(a), payload: { document: JSON.parse(oscal.body) as Record<string, unknown> } });
      assert.equal(imported.status, 200, imported.res.body);
      assert.equal(imported.body.imported, 3);
      const answersOf = async (id: string) => {
        const c = (await call(app, { url: `/api/assessments/${id}/checklist`, headers: as(a) })).body as { aspects: { controls: { requirements: { id: string; answer: { status: string } | null }[] }[] }[] };
        return c.aspects.flatMap((x) => x.controls.flatMap((ctl) => ctl.requirements.map((r) => [r.id, r.answer?.status ?? 'not_assessed'])));
      };
      assert.deepEqual(await answersOf(dst), await answersOf(src));
      const notOscal = await call(app, { method: 'POST', url: `/api/assessments/${dst}/compliance/oscal`, headers: as(a), payload: { document: { nope: true } } });
      assert.equal(notOscal.status, 400);
      assert.equal(notOscal.body.error, 'COMPLIANCE_OSCAL_INVALID');
    });

    test('a pentest lapses on a simulated calendar: the level drops, owners are notified, a signed webhook is sent, everything is audited; a new pentest restores it', async () => {
      let clock = new Date('2026-03-15T03:00:00Z');
      const { app, db } = await open({ now: () => clock, compliance: { allowPrivateWebhooks: true } });
      const hook = await receiver();
      cleanup.push(hook.close);
      const owner = await signUp(app);
      const lead = await signUp(app, { role: 'security_lead', orgId: owner.orgId });
      const keyholder = await signUp(app, { role: 'keyholder', orgId: owner.orgId });
      const viewer = await signUp(app, { role: 'viewer', orgId: owner.orgId });
      const foreign = await signUp(app);
      // Sessions expire after 7 days: sign in again on the moved clock.
      const fresh = async (u: { userId: string }) => {
        const s = await createSession(db.kysely, u.userId, clock);
        return { cookie: `kg_session=${s.cookie}`, 'x-csrf-token': s.session.csrfToken };
      };

      const sys = (await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Cold storage' } })).body.system as { id: string };
      const aid = ((await call(app, { method: 'POST', url: `/api/systems/${sys.id}/assessments`, headers: as(owner), payload: { edition: 'ccss-2020' } })).body.assessment as { id: string }).id;
      const checklist = (await call(app, { url: `/api/assessments/${aid}/checklist`, headers: as(owner) })).body as { aspects: { controls: { requirements: { id: string; level: number }[] }[] }[] };
      for (const r of checklist.aspects.flatMap((x) => x.controls.flatMap((c) => c.requirements))) {
        if (r.level > 2) continue;
        const put = await call(app, { method: 'PUT', url: `/api/assessments/${aid}/answers/${r.id}`, headers: as(lead), payload: { status: 'in_place', version: 0 } });
        assert.equal(put.status, 200, put.res.body);
      }
      const levelsOf = async () => ((await call(app, { url: `/api/assessments/${aid}/levels`, headers: await fresh(viewer) })).body.points as { level: number }[]).map((p) => p.level);
      assert.equal((await levelsOf()).at(-1), 2);

      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'securityTests'), headers: as(lead), payload: pentest('PT-2026', '2026-03-10') })).status, 201);
      const put = await call(app, { method: 'PUT', url: `/api/orgs/${owner.orgId}/compliance/webhook`, headers: as(owner), payload: { url: hook.url } });
      assert.equal(put.status, 200, put.res.body);
      const secret = put.body.secret as string;
      assert.match(secret, /^kgwh_/);
      assert.equal((await call(app, { method: 'PUT', url: `/api/orgs/${owner.orgId}/compliance/webhook`, headers: as(lead), payload: { url: hook.url } })).status, 403);
      const shown = await call(app, { url: `/api/orgs/${owner.orgId}/compliance/webhook`, headers: as(owner) });
      assert.equal((shown.body.webhook as { url: string }).url, hook.url);
      assert.ok(!shown.res.body.includes(secret), 'the secret is shown once');
      const row = await db.kysely.selectFrom('compliance_webhook').selectAll().executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.secret).toString('latin1').includes(secret) && !JSON.stringify(row).includes(secret), 'sealed at rest');
      const bad = await call(app, { method: 'PUT', url: `/api/orgs/${owner.orgId}/compliance/webhook`, headers: as(owner), payload: { url: 'ftp://example.test/x' } });
      assert.equal(bad.status, 400);
      assert.equal((bad.body.problems as { path: string }[])[0]!.path, 'url');

      // Today: the pentest holds until 2027-03-09; the level stays II.
      const view = await call(app, { url: `/api/assessments/${aid}/compliance`, headers: as(viewer) });
      assert.equal(view.status, 200, view.res.body);
      assert.equal(view.body.level, 2);
      assert.equal(view.body.nextLapse, '2027-03-10');
      const req = (view.body.requirements as { id: string; evidence: string; validUntil?: string; sources: { ref: string }[] }[]).find((r) => r.id === '2.1.1.L2')!;
      assert.deepEqual([req.evidence, req.validUntil, req.sources.map((s) => s.ref)], ['valid', '2027-03-09', ['securityTests/PT-2026']]);
      assert.equal((await call(app, { url: `/api/assessments/${aid}/compliance`, headers: as(foreign) })).status, 404);
      const first = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/evaluate`, headers: as(lead), payload: {} });
      assert.equal(first.status, 200, first.res.body);
      assert.deepEqual((first.body.assessments as { events: unknown[] }[])[0]!.events, []);
      assert.equal(hook.got.length, 0, 'no change, no webhook');

      // A simulation (owners only) shows the drop a year on and writes nothing.
      assert.equal((await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/evaluate`, headers: as(lead), payload: { at: '2027-03-10' } })).status, 403);
      assert.equal((await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/evaluate`, headers: as(keyholder), payload: {} })).status, 403);
      const sim = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/evaluate`, headers: as(owner), payload: { at: '2027-03-10' } });
      assert.equal(sim.status, 200, sim.res.body);
      assert.equal(sim.body.simulated, true);
      assert.equal((sim.body.assessments as { level: number }[])[0]!.level, 1);
      assert.equal((await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/evaluate`, headers: as(owner), payload: { at: '2027-02-30' } })).status, 400);
      assert.equal((await levelsOf()).at(-1), 2);
      assert.equal(hook.got.length, 0);

      // The calendar moves to the day the pentest lapses; the on-demand run records the drop.
      clock = new Date('2027-03-10T03:00:00Z');
      const leadH = await fresh(lead);
      const run = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/evaluate`, headers: leadH, payload: {} });
      assert.equal(run.status, 200, run.res.body);
      const outcome = (run.body.assessments as { level: number; previousLevel: number; events: { type: string; message: string }[] }[])[0]!;
      assert.deepEqual([outcome.previousLevel, outcome.level], [2, 1]);
      assert.deepEqual(outcome.events.map((e) => e.type).sort(), ['level_dropped', 'level_dropped', 'requirement_lapsed']);
      assert.deepEqual(run.body.webhooks, [{ orgId: owner.orgId, status: '204' }]);
      assert.deepEqual(await levelsOf(), [0, 1, 2, 1]);
      // An answer edited while the evidence is lapsed records the effective level, not the answers' level.
      const edited = checklist.aspects[0]!.controls[0]!.requirements[0]!.id;
      const edit = await call(app, { method: 'PUT', url: `/api/assessments/${aid}/answers/${edited}`, headers: leadH, payload: { status: 'in_place', note: 'reviewed again', version: 1 } });
      assert.equal(edit.status, 200, edit.res.body);
      assert.deepEqual(await levelsOf(), [0, 1, 2, 1], 'no Level II point while the pentest has lapsed');
      const after = (await call(app, { url: `/api/assessments/${aid}/compliance`, headers: await fresh(viewer) })).body;
      const lapsed = (after.requirements as { id: string; effective: string; fellBack: boolean; reason?: string }[]).find((r) => r.id === '2.1.1.L2')!;
      assert.deepEqual([lapsed.effective, lapsed.fellBack], ['not_in_place', true]);
      assert.match(lapsed.reason!, /securityTests\/PT-2026 .*lapsed after 2027-03-09/);
      const lastPoint = (after.history as { level: number; reasons: string[] }[]).at(-1)!;
      assert.equal(lastPoint.level, 1);
      assert.match(lastPoint.reasons.join(' '), /System level dropped from Level II to Level I on 2027-03-10: 2\.1\.1\.L2 lapsed \(securityTests\/PT-2026\)/);

      // The webhook: JSON, signed with HMAC-SHA256 of the body under the secret.
      assert.equal(hook.got.length, 1);
      const delivery = hook.got[0]!;
      assert.equal(delivery.headers['content-type'], 'application/json');
      assert.equal(delivery.headers['x-keygrade-event'], 'compliance.changes');
      assert.equal(delivery.headers[SIGNATURE_HEADER], signWebhookBody(secret, delivery.body));
      assert.notEqual(delivery.headers[SIGNATURE_HEADER], signWebhookBody(`${secret}x`, delivery.body));
      const payload = JSON.parse(delivery.body) as { type: string; day: string; assessments: { assessmentId: string; level: number; events: { type: string }[] }[] };
      assert.deepEqual([payload.type, payload.day, payload.assessments[0]!.assessmentId, payload.assessments[0]!.level], ['compliance.changes', '2027-03-10', aid, 1]);
      assert.ok(!delivery.body.includes(secret));

      // In-app notifications: owners and security leads, not keyholders; marked read one by one or all.
      const notes = async (u: { userId: string }) => (await call(app, { url: '/api/notifications', headers: await fresh(u) })).body as { notifications: { id: string; title: string; body: string; readAt: string | null }[]; unread: number };
      const ownerNotes = await notes(owner);
      assert.equal(ownerNotes.notifications.length, 1);
      assert.match(ownerNotes.notifications[0]!.title, /Cold storage \(ccss-2020\): level dropped from Level II to Level I on 2027-03-10/);
      assert.match(ownerNotes.notifications[0]!.body, /securityTests\/PT-2026/);
      assert.equal((await notes(lead)).unread, 1);
      assert.equal((await notes(keyholder)).notifications.length, 0);
      assert.equal((await notes(foreign)).notifications.length, 0);
      const ownerH = await fresh(owner);
      assert.deepEqual((await call(app, { method: 'POST', url: '/api/notifications/read', headers: await fresh(lead), payload: { ids: [ownerNotes.notifications[0]!.id] } })).body, { updated: 0 }, "another user's notification is not touched");
      assert.deepEqual((await call(app, { method: 'POST', url: '/api/notifications/read', headers: ownerH, payload: { ids: [ownerNotes.notifications[0]!.id] } })).body, { updated: 1 });
      assert.equal((await notes(owner)).unread, 0);
      assert.equal((await notes(lead)).unread, 1);

      // Running again the same day changes nothing.
      const twice = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/evaluate`, headers: leadH, payload: {} });
      assert.deepEqual((twice.body.assessments as { events: unknown[] }[])[0]!.events, []);
      assert.equal(hook.got.length, 1);

      // A new pentest, and the nightly monitor (the function the server runs) restores the level.
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'securityTests'), headers: leadH, payload: pentest('PT-2027', '2027-03-12') })).status, 201);
      clock = new Date('2027-03-13T02:30:00Z');
      const nightly = await runComplianceMonitor({ db, master, catalog: openCatalog(), now: () => clock, allowPrivateWebhooks: true });
      const restored = nightly.assessments.find((x) => x.assessmentId === aid)!;
      assert.deepEqual([restored.previousLevel, restored.level], [1, 2]);
      assert.ok(restored.events.some((e) => e.type === 'requirement_restored' && /securityTests\/PT-2027/.test(e.message)));
      assert.deepEqual(await levelsOf(), [0, 1, 2, 1, 2]);
      assert.equal(hook.got.length, 2);
      assert.equal(hook.got[1]!.headers[SIGNATURE_HEADER], signWebhookBody(secret, hook.got[1]!.body));
      assert.match((await notes(owner)).notifications[0]!.title, /level recovered from Level I to Level II on 2027-03-13/);

      // The audit log holds each change (by the user who ran it, or by the system at night).
      const audit = await db.kysely.selectFrom('log_entry').select(['type', 'actor']).where('log', '=', 'keygrade-audit').where('type', 'like', 'compliance.%').execute();
      const seen = audit.map((x) => `${x.type} ${x.actor}`);
      assert.ok(seen.includes(`compliance.level_dropped user:${lead.userId}`), seen.join('\n'));
      assert.ok(seen.includes(`compliance.requirement_lapsed user:${lead.userId}`));
      assert.ok(seen.includes('compliance.level_recovered system'));
      assert.ok(seen.includes('compliance.requirement_restored system'));
      assert.ok(seen.includes(`compliance.webhook.set user:${owner.userId}`));

      // A failing receiver is recorded, never fatal.
      await hook.close();
      const test2 = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/webhook/test`, headers: await fresh(owner) });
      assert.equal(test2.status, 200, test2.res.body);
      assert.equal(test2.body.delivered, false);
      const hookNow = (await call(app, { url: `/api/orgs/${owner.orgId}/compliance/webhook`, headers: await fresh(owner) })).body.webhook as { lastStatus: string };
      assert.match(hookNow.lastStatus, /^failed/);
    });

    test('KCP protocol and grant/revoke requests (issue 8 item 6): recorded, validated, exported, and evidence for v9 1.04 and 2.04', async () => {
      const clock = new Date('2026-06-01T12:00:00Z');
      const { app } = await open({ now: () => clock });
      const owner = await signUp(app);
      const viewer = await signUp(app, { role: 'viewer', orgId: owner.orgId });
      const foreign = await signUp(app);
      const protocol = {
        id: 'KCP-1',
        version: '3',
        owner: 'CISO',
        approval: { by: 'Board', on: '2026-02-01' },
        nextReview: '2027-02-01',
        keyClasses: [{ name: 'cold signing keys', critical: true }],
        roles: [{ name: 'incident lead', responsibilities: 'declares and coordinates', holders: ['K-1'], backups: ['K-2'] }],
        steps: [{ action: 'sweep with keygrade kcp sweep', role: 'incident lead', within: '2 hours' }],
        channels: [{ name: 'Signal group KCP', authentication: 'safety numbers verified in person' }],
      };
      const request = {
        id: 'GR-1',
        action: 'revoke',
        person: 'K-4',
        role: 'signer',
        requestedBy: 'HR lead',
        requestedOn: '2026-03-01',
        channel: { name: 'ticket system', authentication: 'SSO with hardware key' },
        performedBy: 'op-7',
        performedOn: '2026-03-02',
        checklist: [{ item: 'remove HSM user for K-4', done: true }],
        attestation: { by: 'op-7', on: '2026-03-02' },
      };
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'kcpProtocols'), headers: as(viewer), payload: protocol })).status, 403);
      const bad = await call(app, { method: 'POST', url: reg(owner.orgId, 'kcpProtocols'), headers: as(owner), payload: { ...protocol, steps: [{ action: 'x', role: 'janitor' }] } });
      assert.equal(bad.status, 400);
      assert.ok((bad.body.problems as { path: string; message: string }[]).some((p) => p.path === 'steps.0.role' && /role "janitor" is not one of/.test(p.message)), bad.res.body);
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'kcpProtocols'), headers: as(owner), payload: protocol })).status, 201);
      const unattested = await call(app, { method: 'POST', url: reg(owner.orgId, 'grantRevoke'), headers: as(owner), payload: { ...request, attestation: undefined } });
      assert.equal(unattested.status, 400);
      assert.match(unattested.body.message as string, /attestation: a performed request needs the attestation/);
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'grantRevoke'), headers: as(owner), payload: request })).status, 201);
      assert.equal((await call(app, { url: reg(owner.orgId, 'grantRevoke'), headers: as(foreign) })).status, 404);
      // Each active entry carries its validity today, by the rules the evaluation uses.
      type Listed = { id: string; validity?: { valid: boolean; until: string | null; reason: string } };
      const protocols = (await call(app, { url: reg(owner.orgId, 'kcpProtocols'), headers: as(viewer) })).body.entries as Listed[];
      assert.deepEqual([protocols[0]!.validity?.valid, protocols[0]!.validity?.until], [true, '2027-02-01']);
      const all = (await call(app, { url: `/api/orgs/${owner.orgId}/compliance/registers`, headers: as(viewer) })).body.registers as Record<string, Listed[]>;
      assert.match(all.grantRevoke![0]!.validity!.reason, /^revoke performed on 2026-03-02 by op-7, attested on 2026-03-02$/);
      // Names that do not resolve between registers are warnings (once there is a people register).
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'people'), headers: as(owner), payload: { id: 'K-1', roles: ['keyholder'] } })).status, 201);
      const warnings = (await call(app, { url: `/api/orgs/${owner.orgId}/compliance/registers`, headers: as(viewer) })).body.warnings as { ref: string; path: string; message: string }[];
      assert.deepEqual(warnings.map((w) => `${w.ref} ${w.path}: ${w.message}`), ['kcpProtocols/KCP-1 roles.0.backups.0: backup of role "incident lead" K-2 is not in the people register', 'grantRevoke/GR-1 person: person K-4 is not in the people register']);

      // CSV out and back in: unchanged.
      const csv = await app.inject({ url: `${reg(owner.orgId, 'grantRevoke')}/export?format=csv`, headers: as(owner) });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body.split('\n')[0]!, /channel\.authentication/);
      const back = await call(app, { method: 'POST', url: `${reg(owner.orgId, 'grantRevoke')}/import?mode=merge`, headers: { ...as(owner), 'content-type': 'text/csv' }, payload: csv.body });
      assert.deepEqual([back.status, back.body.unchanged], [200, 1], back.res.body);

      // v9: the protocol evidences 2.04.1.x, the register 1.04.2.1 and 1.04.3.1; an unauthenticated request drops 1.04.2.1.
      const sys = (await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Vault' } })).body.system as { id: string };
      const aid = ((await call(app, { method: 'POST', url: `/api/systems/${sys.id}/assessments`, headers: as(owner), payload: { edition: 'ccss-v9' } })).body.assessment as { id: string }).id;
      for (const r of ['2.04.1.1', '2.04.1.2', '2.04.1.3', '1.04.1.1', '1.04.2.1', '1.04.3.1']) assert.equal((await call(app, { method: 'PUT', url: `/api/assessments/${aid}/answers/${r}`, headers: as(owner), payload: { status: 'in_place', version: 0 } })).status, 200);
      type View = { requirements: { id: string; effective: string; evidence: string; reason?: string; sources: { ref: string }[] }[] };
      const view = async (at?: string) => (await call(app, { url: `/api/assessments/${aid}/compliance${at ? `?at=${at}` : ''}`, headers: as(owner) })).body as View;
      const now = await view();
      const r = (v: View, id: string) => v.requirements.find((x) => x.id === id)!;
      for (const id of ['2.04.1.2', '1.04.2.1', '1.04.3.1']) assert.equal(r(now, id).evidence, 'valid', id);
      assert.deepEqual(r(now, '1.04.2.1').sources.map((x) => x.ref), ['grantRevoke:channel']);
      assert.equal(r(await view('2027-02-02'), '2.04.1.2').effective, 'not_in_place', 'the protocol lapses at its review date');
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'grantRevoke'), headers: as(owner), payload: { ...request, id: 'GR-2', requestedOn: '2026-05-10', performedOn: '2026-05-11', attestation: { by: 'op-7', on: '2026-05-11' }, channel: { name: 'hallway conversation' } } })).status, 201);
      const after = r(await view(), '1.04.2.1');
      assert.equal(after.effective, 'not_in_place');
      assert.match(after.reason ?? '', /1 of 2 grant\/revoke requests came through a channel without authentication \(GR-2\)/);
      assert.equal(r(await view('2026-05-09'), '1.04.2.1').effective, 'in_place', 'before GR-2 was made, the channel facet held');
    });

    test('owners are warned once when evidence will lapse within 30 days', async () => {
      let clock = new Date('2026-03-15T03:00:00Z');
      const { app, db } = await open({ now: () => clock });
      const owner = await signUp(app);
      const keyholder = await signUp(app, { role: 'keyholder', orgId: owner.orgId });
      const sys = (await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Hot wallet' } })).body.system as { id: string };
      const aid = ((await call(app, { method: 'POST', url: `/api/systems/${sys.id}/assessments`, headers: as(owner), payload: { edition: 'ccss-2020' } })).body.assessment as { id: string }).id;
      for (const r of ['2.1.1.L1', '2.1.1.L2']) assert.equal((await call(app, { method: 'PUT', url: `/api/assessments/${aid}/answers/${r}`, headers: as(owner), payload: { status: 'in_place', version: 0 } })).status, 200);
      assert.equal((await call(app, { method: 'POST', url: reg(owner.orgId, 'securityTests'), headers: as(owner), payload: pentest('PT-2026', '2026-03-10') })).status, 201);
      const run = async (day: string) => {
        clock = new Date(`${day}T03:00:00Z`);
        return runComplianceMonitor({ db, master, catalog: openCatalog(), now: () => clock });
      };
      const warnings = async (u: { userId: string }) => {
        const s = await createSession(db.kysely, u.userId, clock);
        const list = (await call(app, { url: '/api/notifications', headers: { cookie: `kg_session=${s.cookie}` } })).body.notifications as { title: string }[];
        return list.filter((n) => /evidence lapses on/.test(n.title));
      };
      assert.equal((await run('2027-01-20')).assessments[0]!.nextLapse, '2027-03-10');
      assert.deepEqual(await warnings(owner), [], '49 days ahead: no warning yet');
      await run('2027-02-10');
      const first = await warnings(owner);
      assert.equal(first.length, 1);
      assert.match(first[0]!.title, /Hot wallet \(ccss-2020\): evidence lapses on 2027-03-10 \(in 28 days\): 2\.1\.1\.L2; add new evidence/);
      assert.deepEqual(await warnings(keyholder), [], 'owners and security leads only');
      await run('2027-02-11');
      await run('2027-02-20');
      assert.equal((await warnings(owner)).length, 1, 'warned once for the same lapse');
    });

    test('evidence links: by hand to an entry or a file with an expiry; private webhook addresses are refused by default', async () => {
      let clock = new Date('2026-06-01T12:00:00Z');
      const { app } = await open({ now: () => clock });
      const owner = await signUp(app);
      const keyholder = await signUp(app, { role: 'keyholder', orgId: owner.orgId });
      const viewer = await signUp(app, { role: 'viewer', orgId: owner.orgId });
      const sys = (await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'S' } })).body.system as { id: string };
      const aid = ((await call(app, { method: 'POST', url: `/api/systems/${sys.id}/assessments`, headers: as(owner), payload: { edition: 'ccss-2020' } })).body.assessment as { id: string }).id;
      await call(app, { method: 'PUT', url: `/api/assessments/${aid}/answers/1.1.1.L1`, headers: as(owner), payload: { status: 'in_place', version: 0 } });
      const links = `/api/assessments/${aid}/compliance/links`;
      assert.equal((await call(app, { method: 'POST', url: links, headers: as(viewer), payload: { requirement: '1.1.1.L1', evidence: { sha256: SHA('b') } } })).status, 403);
      const unknown = await call(app, { method: 'POST', url: links, headers: as(keyholder), payload: { requirement: '1.1.1.L1', source: 'securityTests/NOPE' } });
      assert.equal(unknown.status, 400);
      assert.deepEqual((unknown.body.problems as { path: string; message: string }[]).map((p) => p.path), ['source']);
      assert.match(unknown.res.body, /no entry NOPE in securityTests/);
      const badDates = await call(app, { method: 'POST', url: links, headers: as(keyholder), payload: { requirement: '1.1.1.L1', evidence: { sha256: SHA('b'), collectedOn: '2026-05-01', expiresOn: '2026-04-01' } } });
      assert.equal(badDates.status, 400);
      assert.ok((badDates.body.problems as { path: string }[]).some((p) => p.path === 'evidence.expiresOn'), badDates.res.body);
      assert.equal((await call(app, { method: 'POST', url: links, headers: as(keyholder), payload: { requirement: '9.9.9.L1', evidence: { sha256: SHA('b') } } })).status, 400);
      const ok = await call(app, { method: 'POST', url: links, headers: as(keyholder), payload: { requirement: '1.1.1.L1', evidence: { sha256: SHA('b'), description: 'key generation video', expiresOn: '2026-12-31' } } });
      assert.equal(ok.status, 201, ok.res.body);
      const at = async (day?: string) => (await call(app, { url: `/api/assessments/${aid}/compliance${day ? `?at=${day}` : ''}`, headers: as(viewer) })).body as { requirements: { id: string; effective: string; validUntil?: string }[] };
      const today = (await at()).requirements.find((r) => r.id === '1.1.1.L1')!;
      assert.deepEqual([today.effective, today.validUntil], ['in_place', '2026-12-31']);
      assert.equal((await at('2027-01-01')).requirements.find((r) => r.id === '1.1.1.L1')!.effective, 'not_in_place');
      const linkId = (ok.body.link as { id: string }).id;
      assert.equal(((await call(app, { url: links, headers: as(viewer) })).body.links as unknown[]).length, 1);
      assert.equal((await call(app, { method: 'DELETE', url: `${links}/${linkId}`, headers: as(keyholder) })).status, 204);
      assert.equal((await call(app, { method: 'DELETE', url: `${links}/${linkId}`, headers: as(keyholder) })).status, 404);
      assert.equal((await at('2027-01-01')).requirements.find((r) => r.id === '1.1.1.L1')!.effective, 'in_place');

      // Without allowPrivateWebhooks, a webhook to a loopback address is refused at delivery (SSRF guard).
      const put = await call(app, { method: 'PUT', url: `/api/orgs/${owner.orgId}/compliance/webhook`, headers: as(owner), payload: { url: 'http://127.0.0.1:9/hook' } });
      assert.equal(put.status, 200);
      clock = new Date('2026-06-01T13:00:00Z');
      const t = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/webhook/test`, headers: as(owner) });
      assert.equal(t.status, 200, t.res.body);
      assert.match(String(t.body.status), /^refused: .*private, loopback/);
      // A host name is checked on the addresses the connection uses (no DNS-rebinding window): localhost resolves to loopback.
      assert.equal((await call(app, { method: 'PUT', url: `/api/orgs/${owner.orgId}/compliance/webhook`, headers: as(owner), payload: { url: 'http://localhost:9/hook' } })).status, 200);
      const named = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/compliance/webhook/test`, headers: as(owner) });
      assert.match(String(named.body.status), /^refused: .*private, loopback/);
    });
  });
}
