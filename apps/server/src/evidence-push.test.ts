/**
 * POST /api/assessments/:assessmentId/evidence (routes/evidence-push.ts): upload + link in one
 * authenticated transaction, on SQLite and PostgreSQL. Who may push (token scopes, sessions,
 * foreign organizations), requirement ids checked against the edition, nothing stored on error,
 * idempotency on (content SHA-256, requirement), the stored metadata and the audit entry.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AUDIT_LOG, MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { openCatalog } from '@keygrade/catalog/node';
import type { App } from './app.js';
import { EvidenceStore } from './domain/evidence-store.js';
import { as, bearer, call, signUp, testApp, type SignedIn } from './testing.js';

const master = MasterKey.generate();
const catalog = openCatalog();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** The evidence.push entries of Keygrade's audit log. */
const auditEntries = async (db: TestDb) =>
  (await db.kysely.selectFrom('log_entry').select(['data']).where('log', '=', AUDIT_LOG).orderBy('idx').execute()).map((r) => JSON.parse(Buffer.from(r.data).toString()) as Record<string, unknown>).filter((e) => e.action === 'evidence.push');
const evidenceRows = async (db: TestDb) => db.kysely.selectFrom('evidence').selectAll().execute();
const linkRows = async (db: TestDb) => db.kysely.selectFrom('answer_evidence').selectAll().orderBy('requirement_id').execute();
/** Files in the evidence store (the tmp folder aside). */
const storedFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((d) => d !== 'tmp').flatMap((d) => readdirSync(join(dir, d))) : []);

const result = JSON.stringify({ decision: 'allow', psbt: { txid: 'ab'.repeat(32) } }, null, 2);
const input = 'policy: example\n';
const push = (over: Record<string, unknown> = {}) => ({
  title: 'keygrade psbt check payout.psbt',
  filename: 'psbt-check.json',
  content: Buffer.from(result).toString('base64'),
  sha256: sha(result),
  requirements: ['1.05.8.1'],
  sourceSystem: 'ci.example.test pipeline 42',
  tool: { name: 'keygrade psbt check', version: '0.1.0' },
  parameters: ['payout.psbt (sha256:' + sha('psbt') + ')', '--policy', 'policy.yaml (sha256:' + sha(input) + ')'],
  inputs: [
    { name: 'payout.psbt', sha256: sha('psbt'), size: 4 },
    { name: 'policy.yaml', sha256: sha(input), size: input.length },
  ],
  owner: 'treasury ops',
  expiresAt: '2027-11-22',
  ...over,
});

for (const backend of testBackends()) {
  describe(`evidence push on ${backend.name}`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });
    const setup = async (edition = 'ccss-v9', maxBytes = 1024 * 1024) => {
      const db = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), 'kg-push-'));
      cleanup.push(() => db.close(), () => rmSync(dir, { recursive: true, force: true }));
      const app: App = await testApp(db, master, { evidence: new EvidenceStore(dir, maxBytes), catalog });
      const owner = await signUp(app);
      const sys = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Hot wallet' } });
      assert.equal(sys.status, 201, sys.res.body);
      const asm = await call(app, { method: 'POST', url: `/api/systems/${(sys.body.system as { id: string }).id}/assessments`, headers: as(owner), payload: { edition } });
      assert.equal(asm.status, 201, asm.res.body);
      return { db, app, owner, dir, assessmentId: (asm.body.assessment as { id: string }).id };
    };
    const post = (app: App, assessmentId: string, headers: Record<string, string>, payload: unknown) => call(app, { method: 'POST', url: `/api/assessments/${assessmentId}/evidence`, headers, payload: payload as Record<string, unknown> });
    const tokenHeaders = async (app: App, u: SignedIn, scopes: string[]) => ({ authorization: `Bearer ${await bearer(app, { orgId: u.orgId, scopes })}` });

    test('a token with answer:write uploads and links in one call; metadata, links and the audit entry are stored', async () => {
      const { db, app, owner, dir, assessmentId } = await setup();
      const headers = await tokenHeaders(app, owner, ['answer:write']);
      const before = (await auditEntries(db)).length;
      const r = await post(app, assessmentId, headers, push({ requirements: ['1.05.8.1', '1.05.10.1', '1.05.8.1'] }));
      assert.equal(r.status, 201, r.res.body);
      const ev = r.body.evidence as Record<string, unknown>;
      assert.equal(r.body.created, true);
      assert.deepEqual(r.body.linked, ['1.05.8.1', '1.05.10.1'], 'duplicates in the request are linked once');
      assert.deepEqual(r.body.assessment, { id: assessmentId, edition: 'ccss-v9' });
      assert.equal(ev.sha256, sha(result));
      assert.equal(ev.size, Buffer.byteLength(result));
      assert.equal(ev.contentType, 'application/json');
      assert.equal(ev.filename, 'psbt-check.json');
      assert.equal(ev.title, 'keygrade psbt check payout.psbt');
      assert.equal(ev.sourceSystem, 'ci.example.test pipeline 42');
      assert.equal(ev.tool, 'keygrade psbt check 0.1.0');
      assert.equal(ev.owner, 'treasury ops');
      assert.equal(ev.expiresAt, '2027-11-22');
      assert.match(String(ev.createdBy), /^token:[0-9a-f]{16}$/);
      const params = JSON.parse(String(ev.parameters)) as { parameters: string[]; inputs: { name: string; sha256: string }[] };
      assert.deepEqual(params.inputs.map((i) => [i.name, i.sha256]), [['payout.psbt', sha('psbt')], ['policy.yaml', sha(input)]]);
      assert.equal(params.parameters[1], '--policy');

      // The row, the file and the links are really there, readable through the existing API.
      const rows = await evidenceRows(db);
      assert.equal(rows.length, 1);
      assert.deepEqual(storedFiles(dir), [sha(result)]);
      assert.deepEqual((await linkRows(db)).map((l) => [l.requirement_id, l.evidence_id]), [['1.05.10.1', ev.id], ['1.05.8.1', ev.id]]);
      const content = await app.inject({ url: `/api/evidence/${String(ev.id)}/content`, headers: as(owner) });
      assert.equal(content.body, result);
      const checklist = await call(app, { url: `/api/assessments/${assessmentId}/checklist`, headers: as(owner) });
      const reqs = (checklist.body.aspects as { controls: { requirements: { id: string; answer: { evidence: { id: string }[] } }[] }[] }[]).flatMap((a) => a.controls.flatMap((c) => c.requirements));
      assert.deepEqual(reqs.find((q) => q.id === '1.05.8.1')!.answer.evidence.map((e) => e.id), [ev.id]);

      // One audit entry, by the token, in the same transaction as the change.
      const audit = (await auditEntries(db)).slice(before);
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.action, 'evidence.push');
      assert.equal(audit[0]!.object, `assessment:${assessmentId}`);
      assert.equal(audit[0]!.actor, String(ev.createdBy));
    });

    test('a session with answer:write (and its CSRF token) may push; a viewer may not', async () => {
      const { app, owner, assessmentId } = await setup();
      const keyholder = await signUp(app, { role: 'keyholder', orgId: owner.orgId });
      const ok = await post(app, assessmentId, as(keyholder), push());
      assert.equal(ok.status, 201, ok.res.body);
      assert.equal((ok.body.evidence as { createdBy: string }).createdBy, `user:${keyholder.userId}`);
      const noCsrf = await post(app, assessmentId, { cookie: keyholder.cookie }, push({ requirements: ['1.05.10.1'] }));
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.body.error, 'CSRF_INVALID');
      const viewer = await signUp(app, { role: 'viewer', orgId: owner.orgId });
      const denied = await post(app, assessmentId, as(viewer), push({ requirements: ['1.05.10.1'] }));
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error, 'FORBIDDEN');
    });

    test('without the answer:write scope: 403 naming the scope, nothing stored; anonymous 401; foreign 404', async () => {
      const { db, app, owner, dir, assessmentId } = await setup();
      const before = (await auditEntries(db)).length;
      const readOnly = await post(app, assessmentId, await tokenHeaders(app, owner, ['org:read']), push());
      assert.equal(readOnly.status, 403, readOnly.res.body);
      assert.equal(readOnly.body.error, 'FORBIDDEN');
      assert.match(String(readOnly.body.message), new RegExp(`answer:write:${owner.orgId}`));
      const anonymous = await post(app, assessmentId, {}, push());
      assert.equal(anonymous.status, 401);
      const bogus = await post(app, assessmentId, { authorization: `Bearer kg_${'0'.repeat(16)}_${'x'.repeat(43)}` }, push());
      assert.equal(bogus.status, 401);
      assert.equal(bogus.body.error, 'TOKEN_INVALID');

      // Another organization's token and member, with every permission there: 404, like an unknown assessment.
      const stranger = await signUp(app);
      const foreignToken = await post(app, assessmentId, await tokenHeaders(app, stranger, ['org:read', 'answer:write', 'system:write']), push());
      assert.equal(foreignToken.status, 404, foreignToken.res.body);
      assert.equal(foreignToken.body.error, 'ASSESSMENT_NOT_FOUND');
      const foreignMember = await post(app, assessmentId, as(stranger), push());
      assert.equal(foreignMember.status, 404);
      const unknown = await post(app, 'no-such-assessment', await tokenHeaders(app, owner, ['answer:write']), push());
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error, 'ASSESSMENT_NOT_FOUND');

      assert.equal((await evidenceRows(db)).length, 0);
      assert.deepEqual(storedFiles(dir), []);
      assert.equal((await auditEntries(db)).length, before);
    });

    test('a requirement id outside the edition is a 400 naming it, and nothing is stored', async () => {
      const { db, app, owner, dir, assessmentId } = await setup('ccss-2020');
      const headers = await tokenHeaders(app, owner, ['answer:write']);
      const before = (await auditEntries(db)).length;
      // 1.4.6 is a control of ccss-2020; its requirements are the level cells 1.4.6.L2 and 1.4.6.L3.
      const r = await post(app, assessmentId, headers, push({ requirements: ['1.4.6.L2', '1.05.8.1', '1.4.6'] }));
      assert.equal(r.status, 400, r.res.body);
      assert.equal(r.body.error, 'INVALID_REQUEST');
      assert.match(String(r.body.message), /1\.05\.8\.1, 1\.4\.6/);
      assert.match(String(r.body.message), /ccss-2020/);
      assert.deepEqual(r.body.problems, [
        { path: 'requirements.1', message: '1.05.8.1 is not a requirement of ccss-2020' },
        { path: 'requirements.2', message: '1.4.6 is not a requirement of ccss-2020' },
      ]);
      assert.equal((await evidenceRows(db)).length, 0);
      assert.equal((await linkRows(db)).length, 0);
      assert.deepEqual(storedFiles(dir), []);
      assert.equal((await auditEntries(db)).length, before);
      const ok = await post(app, assessmentId, headers, push({ requirements: ['1.4.6.L2', '1.4.6.L3'] }));
      assert.equal(ok.status, 201, ok.res.body);
    });

    test('bad content, a wrong sha256, a token in the metadata and an oversized file are refused and store nothing', async () => {
      const { db, app, owner, dir, assessmentId } = await setup('ccss-v9', 200);
      const headers = await tokenHeaders(app, owner, ['answer:write']);
      const token = await bearer(app, { orgId: owner.orgId, scopes: ['org:read'] });
      const before = (await auditEntries(db)).length;
      const small = '{"ok":true}';
      const cases: [Record<string, unknown>, number, RegExp][] = [
        [{ content: 'not base64!', sha256: undefined }, 400, /base64/],
        [{ content: Buffer.from(small).toString('base64'), sha256: sha('something else') }, 400, /sha256 does not match/],
        [{ content: Buffer.from(small).toString('base64'), sha256: undefined, parameters: ['--token', token] }, 400, /API token/],
        [{ content: Buffer.from(`{"t":"${token}"}`).toString('base64'), sha256: undefined }, 400, /API token/],
        [{ content: Buffer.from('x'.repeat(201)).toString('base64'), sha256: undefined }, 413, /limit of 200 bytes/],
        [{ tool: undefined }, 400, /not valid/],
        [{ requirements: [] }, 400, /not valid/],
        [{ expiresAt: '22/11/2027' }, 400, /not valid/],
      ];
      for (const [over, status, message] of cases) {
        const r = await post(app, assessmentId, headers, push(over));
        assert.equal(r.status, status, `${JSON.stringify(over).slice(0, 80)}: ${r.res.body}`);
        assert.match(String(r.body.message), message);
        assert.ok(!r.res.body.includes(token), 'the token is never echoed');
      }
      assert.equal((await evidenceRows(db)).length, 0);
      assert.deepEqual(storedFiles(dir), []);
      assert.equal((await auditEntries(db)).length, before);
    });

    test('idempotent on (content SHA-256, requirement): a replay writes nothing; a new requirement links the same evidence', async () => {
      const { db, app, owner, assessmentId } = await setup();
      const headers = await tokenHeaders(app, owner, ['answer:write']);
      const first = await post(app, assessmentId, headers, push());
      assert.equal(first.status, 201, first.res.body);
      const id = (first.body.evidence as { id: string }).id;
      const audit = (await auditEntries(db)).length;

      const replay = await post(app, assessmentId, headers, push({ title: 'a different title' }));
      assert.equal(replay.status, 200, replay.res.body);
      assert.equal(replay.body.created, false);
      assert.deepEqual(replay.body.linked, []);
      assert.deepEqual(replay.body.alreadyLinked, ['1.05.8.1']);
      assert.equal((replay.body.evidence as { id: string }).id, id);
      assert.equal((replay.body.evidence as { title: string }).title, 'keygrade psbt check payout.psbt', 'the first upload\'s metadata stays');
      assert.equal((await evidenceRows(db)).length, 1);
      assert.equal((await linkRows(db)).length, 1);
      assert.equal((await auditEntries(db)).length, audit, 'a replay writes no audit entry');

      const more = await post(app, assessmentId, headers, push({ requirements: ['1.05.8.1', '1.05.10.1'] }));
      assert.equal(more.status, 201, more.res.body);
      assert.equal(more.body.created, false);
      assert.deepEqual(more.body.linked, ['1.05.10.1']);
      assert.deepEqual(more.body.alreadyLinked, ['1.05.8.1']);
      assert.equal((more.body.evidence as { id: string }).id, id);
      assert.equal((await evidenceRows(db)).length, 1);
      assert.deepEqual((await linkRows(db)).map((l) => l.requirement_id), ['1.05.10.1', '1.05.8.1']);
      assert.equal((await auditEntries(db)).length, audit + 1);

      // Different content is different evidence.
      const other = await post(app, assessmentId, headers, push({ content: Buffer.from('{"decision":"deny"}').toString('base64'), sha256: undefined }));
      assert.equal(other.status, 201);
      assert.equal(other.body.created, true);
      assert.notEqual((other.body.evidence as { id: string }).id, id);
    });
  });
}
