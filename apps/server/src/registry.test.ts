/**
 * The public registry (issue 6) through the API, on SQLite and PostgreSQL: auditor keys, a
 * certificate prepared from a signed-off audit, signed offline by the auditor and the reviewer,
 * issued into the registry log, verified as `keygrade cert verify` would, shown on the public
 * pages, then revoked; and a second certificate superseding the first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { mineBlockCommittingTo } from '@keygrade/attest/testing';
import { HeadersFileSource, IN_TOTO_PAYLOAD_TYPE, OfflineCalendar, certificateLogEntry, chain, checkpointDigest, ed25519Signer, pae, parseTimestampFile, parseTrustPolicy, toBase64, toHex, utf8, verifyCertificate, verifyTimestampFile, type Calendar, type Timestamp } from '@keygrade/attest';
import { sha256 } from '@noble/hashes/sha2.js';
import { stampPass } from './domain/stamper.js';
import { allRequirements } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { MasterKey, REGISTRY_LOG, integrateAll } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { parseTlogProof, verifyTlogProof } from '@keygrade/tlog';
import { EvidenceStore } from './domain/evidence-store.js';
import type { App } from './app.js';
import { as, call, enableMfa, signUp, testApp, type SignedIn } from './testing.js';

const master = MasterKey.generate();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);
const EDITION = 'ccss-2020';
const requirements = allRequirements(openCatalog().edition(EDITION)).map((r) => r.id);
const NO = { conflict: false };
const declare = (app: App, id: string, who: SignedIn, role: 'auditor' | 'peer_reviewer') => call(app, { method: 'POST', url: `/api/engagements/${id}/declarations`, headers: as(who), payload: { role, employment: NO, family: NO, financialInterest: NO } });

/** A certification audit taken through the API to sign-off (the full flow is tested in engagements.test.ts). */
async function signedOffAudit(app: App, owner: SignedIn, systemId: string, lead: SignedIn, reviewer: SignedIn, start: string, end: string): Promise<string> {
  const r = await call(app, { method: 'POST', url: `/api/systems/${systemId}/engagements`, headers: as(owner), payload: { type: 'certification', edition: EDITION, firstAudit: true, agreementReference: 'EL', leadAuditorEmail: lead.email, period: { start, end } } });
  assert.equal(r.status, 201, r.res.body);
  const id = (r.body.engagement as { id: string }).id;
  const version = async () => ((await call(app, { url: `/api/engagements/${id}`, headers: as(lead) })).body.engagement as { version: number }).version;
  const step = async (path: string, who: SignedIn = lead, payload: Record<string, unknown> = {}) => {
    const res = await call(app, { method: 'POST', url: `/api/engagements/${id}/${path}`, headers: as(who), payload: { version: await version(), ...payload } });
    assert.ok(res.status < 300, `${path}: ${res.res.body}`);
  };
  await step('members', lead, { email: reviewer.email, role: 'peer_reviewer' });
  assert.equal((await declare(app, id, lead, 'auditor')).status, 201);
  await step('start');
  for (const req of requirements) {
    const t = await call(app, { method: 'PUT', url: `/api/engagements/${id}/tests/${req}`, headers: as(lead), payload: { version: 0, techniques: [{ technique: 'inspection' }], status: 'in_place' } });
    assert.equal(t.status, 200, t.res.body);
  }
  assert.equal((await declare(app, id, reviewer, 'peer_reviewer')).status, 201);
  await step('submit');
  await step('review-signoff', reviewer);
  await step('signoff');
  return id;
}

const FAKE_URI = 'https://calendar.test';
/** An in-memory calendar that anchors each commitment in a synthetic regtest block when asked to upgrade. */
class FakeCalendar implements Calendar {
  readonly uri = FAKE_URI;
  readonly blocks: { height: number; header: Uint8Array }[] = [];
  readonly #pending = new Set<string>();
  readonly #nonce = new Uint8Array(8).fill(5);
  async submit(commitment: Uint8Array): Promise<Timestamp> {
    this.#pending.add(toHex(sha256(Uint8Array.of(...commitment, ...this.#nonce))));
    return chain([{ kind: 'append', arg: this.#nonce }, { kind: 'sha256' }], [{ kind: 'pending', uri: this.uri }]);
  }
  async upgrade(commitment: Uint8Array): Promise<Timestamp | undefined> {
    if (!this.#pending.has(toHex(commitment))) return undefined;
    const block = mineBlockCommittingTo(commitment, 300 + this.blocks.length, 1_900_000_000);
    this.blocks.push(block);
    return chain(block.path, [{ kind: 'bitcoin', height: block.height }]);
  }
}

for (const backend of testBackends()) {
  describe(`public registry on ${backend.name}`, () => {
    const cleanup: (() => unknown)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    test('keys, issuance signed by auditor and reviewer, registry log, public pages, revocation and supersession', async () => {
      const db: TestDb = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), 'kg-registry-'));
      cleanup.push(() => db.close(), () => rmSync(dir, { recursive: true, force: true }));
      const app = await testApp(db, master, { evidence: new EvidenceStore(dir, 1 << 22) });
      const owner = await signUp(app);
      const firm = await signUp(app, { role: 'viewer' });
      const firm2 = await signUp(app, { role: 'viewer' });
      const accredit = async (firmId: string, orgId: string) => {
        const u = await signUp(app, { role: 'viewer', orgId });
        assert.equal((await call(app, { method: 'POST', url: '/api/admin/auditors', headers: as(owner), payload: { email: u.email, firmId, firmName: firmId.toUpperCase(), accreditedFrom: '2020-01-01', accreditedUntil: '2099-12-31' } })).status, 201);
        await enableMfa(app, u);
        return u;
      };
      const lead = await accredit('f1', firm.orgId);
      const reviewer = await accredit('f2', firm2.orgId);
      const reviewer2 = await accredit('f3', firm2.orgId);
      const systemId = ((await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Vault' } })).body.system as { id: string }).id;

      // Keys: only accredited auditors register them; a non-point is refused; history is kept.
      const leadKey = ed25519Signer(new Uint8Array(32).fill(1));
      const reviewerKey = ed25519Signer(new Uint8Array(32).fill(2));
      const oldKey = ed25519Signer(new Uint8Array(32).fill(3));
      const addKey = (who: SignedIn, publicKey: Uint8Array, label = 'laptop 2027') => call(app, { method: 'POST', url: '/api/auditors/me/keys', headers: as(who), payload: { publicKey: toHex(publicKey), label } });
      assert.equal((await addKey(owner, leadKey.publicKey)).status, 403);
      assert.equal((await addKey(lead, new Uint8Array(32).fill(0xff))).body.error, 'REGISTRY_KEY');
      assert.equal((await addKey(lead, leadKey.publicKey)).status, 201);
      assert.equal((await addKey(lead, oldKey.publicKey, 'old')).status, 201);
      assert.equal((await call(app, { method: 'POST', url: `/api/auditors/me/keys/${oldKey.keyid}/revoke`, headers: as(lead), payload: { reason: 'laptop lost' } })).status, 200);
      assert.equal((await addKey(reviewer, reviewerKey.publicKey)).status, 201);
      const reviewer2Key = ed25519Signer(new Uint8Array(32).fill(4));
      assert.equal((await addKey(reviewer2, reviewer2Key.publicKey)).status, 201);
      const auditors = (await call(app, { url: '/api/registry/auditors' })).body.auditors as { name: string; keys: { revokedReason: string | null }[] }[];
      assert.deepEqual(auditors.flatMap((a) => a.keys.map((k) => k.revokedReason)).sort(), ['laptop lost', null, null, null].sort());

      const e1 = await signedOffAudit(app, owner, systemId, lead, reviewer, '2025-01-01', '2025-12-31');
      const prepare = (body: Record<string, unknown>, who: SignedIn = lead) => call(app, { method: 'POST', url: `/api/engagements/${e1}/certificate`, headers: as(who), payload: body });
      assert.equal((await prepare({ auditorKeyId: reviewerKey.keyid, reviewerKeyId: reviewerKey.keyid })).body.error, 'REGISTRY_KEY');
      assert.equal((await prepare({ auditorKeyId: oldKey.keyid, reviewerKeyId: reviewerKey.keyid })).body.error, 'REGISTRY_KEY', 'a revoked key');
      assert.equal((await prepare({ auditorKeyId: leadKey.keyid, reviewerKeyId: reviewerKey.keyid }, reviewer)).status, 403, 'the lead prepares');
      const keys = (await call(app, { url: `/api/engagements/${e1}/certificate/keys`, headers: as(lead) })).body as { lead: { keyid: string }[]; reviewer: { keys: { keyid: string }[] } };
      assert.deepEqual([keys.lead.map((x) => x.keyid), keys.reviewer.keys.map((x) => x.keyid)], [[leadKey.keyid], [reviewerKey.keyid]], 'active keys only (the revoked one is left out)');
      assert.equal((await call(app, { url: `/api/engagements/${e1}/certificate/keys`, headers: as(reviewer) })).status, 403);
      const prepared = await prepare({ auditorKeyId: leadKey.keyid, reviewerKeyId: reviewerKey.keyid });
      assert.equal(prepared.status, 201, prepared.res.body);
      const cert = prepared.body.certificate as { id: string; statement: string; pae: string; published: boolean };
      assert.equal(cert.published, false);
      assert.equal(Buffer.from(cert.pae, 'base64').toString(), Buffer.from(pae(IN_TOTO_PAYLOAD_TYPE, utf8(cert.statement))).toString());
      const predicate = (JSON.parse(cert.statement) as { predicate: { level: number; auditor: { firm: string }; period: { start: string } } }).predicate;
      assert.equal(predicate.level, 3);
      assert.equal(predicate.period.start, '2025-01-01');

      // Signatures: verified on arrival; the reviewer cannot add the auditor's; both → issued.
      const sign = (who: SignedIn, signer: typeof leadKey, message = pae(IN_TOTO_PAYLOAD_TYPE, utf8(cert.statement))) => call(app, { method: 'POST', url: `/api/engagements/${e1}/certificate/signatures`, headers: as(who), payload: { keyid: signer.keyid, sig: toBase64(signer.sign(message)) } });
      assert.equal((await sign(lead, leadKey, utf8('something else'))).body.error, 'REGISTRY_SIGNATURE');
      assert.equal((await sign(reviewer, leadKey)).status, 403);
      assert.equal(((await sign(lead, leadKey)).body.certificate as { published: boolean }).published, false);
      assert.equal((await call(app, { url: `/api/registry/certificates/${cert.id}` })).status, 404, 'not public before both signatures');
      const issued = await sign(reviewer, reviewerKey);
      assert.equal(issued.status, 200, issued.res.body);
      assert.equal((issued.body.certificate as { published: boolean }).published, true);

      // Offline verification, as keygrade cert verify does, with the published trust file and proof.
      await integrateAll(db.kysely, master);
      const envelope = (await app.inject({ url: `/api/registry/certificates/${cert.id}/certificate.dsse.json` })).body;
      const trust = parseTrustPolicy((await call(app, { url: `/api/registry/certificates/${cert.id}/trust.json` })).body);
      assert.deepEqual(trust.keys.map((k) => [k.keyid, k.role]), [[leadKey.keyid, 'auditor'], [reviewerKey.keyid, 'peer-reviewer']]);
      const v = verifyCertificate(envelope, trust, { at: new Date() });
      assert.equal(v.valid, true, JSON.stringify(v.failure));
      const proof = await app.inject({ url: `/api/registry/certificates/${cert.id}/certificate.tlog-proof` });
      assert.equal(proof.statusCode, 200, proof.body);
      const included = verifyTlogProof(proof.body, certificateLogEntry(cert.id, v.certificateSha256!), { logKey: trust.log!.vkey });
      assert.ok(included.checkpoint.size >= 1);

      // Public API and pages: search, state, live verification, badge, feed. No sign-in.
      const search = (await call(app, { url: '/api/registry/certificates?q=vault&level=3' })).body.certificates as { id: string; status: { state: string } }[];
      assert.deepEqual(search.map((c) => [c.id, c.status.state]), [[cert.id, 'active']]);
      assert.deepEqual((await call(app, { url: '/api/registry/certificates?q=nothing-like-it' })).body.certificates, []);
      const live = (await call(app, { url: `/api/registry/certificates/${cert.id}` })).body.verification as { verified: boolean; checks: { check: string; ok: boolean }[] };
      assert.equal(live.verified, true, JSON.stringify(live));
      const html = await app.inject({ url: `/registry/certificates/${cert.id}` });
      assert.equal(html.statusCode, 200);
      assert.match(html.body, /Level III/);
      assert.match(html.body, /✓ <strong>signatures<\/strong>/);
      assert.match(String(html.headers['content-security-policy']), /default-src 'none'/);
      assert.doesNotMatch(html.body, /<script/i);
      const list = await app.inject({ url: '/registry?q=<script>alert(1)</script>' });
      assert.equal(list.statusCode, 200);
      assert.doesNotMatch(list.body, /<script>alert/, 'the query is escaped');
      const badge = await app.inject({ url: `/registry/certificates/${cert.id}/badge.svg` });
      assert.match(badge.body, /^<svg[^>]*aria-label="CCSS: Level III"/);
      const feed = await app.inject({ url: '/registry/feed.atom' });
      assert.match(feed.body, /<title>Issued: [^<]*Vault, CCSS Level III<\/title>/);

      // Lifecycle: only the lead auditor; a revocation is final and shows everywhere.
      assert.equal((await call(app, { method: 'POST', url: `/api/certificates/${cert.id}/revoke`, headers: as(owner), payload: { reason: 'x' } })).status, 403);
      assert.equal((await call(app, { method: 'POST', url: `/api/certificates/${cert.id}/suspend`, headers: as(lead), payload: { reason: 'incident under review' } })).status, 200);
      assert.equal(((await call(app, { url: `/api/registry/certificates/${cert.id}` })).body.certificate as { status: { state: string } }).status.state, 'suspended');
      assert.equal((await call(app, { method: 'POST', url: `/api/certificates/${cert.id}/reinstate`, headers: as(lead), payload: {} })).status, 200);
      const orgCerts = (await call(app, { url: `/api/orgs/${owner.orgId}/certificates?systemId=${systemId}`, headers: as(owner) })).body.certificates as { status: { state: string }; nextAuditDue: string }[];
      assert.equal(orgCerts[0]!.status.state, 'active');
      assert.deepEqual((await call(app, { url: `/api/orgs/${owner.orgId}/certificates?systemId=other`, headers: as(owner) })).body.certificates, []);
      assert.equal(((await call(app, { url: `/api/engagements/${e1}/certificate`, headers: as(owner) })).body.certificate as { status: { state: string } }).status.state, 'active');

      // A second audit of the system (another reviewer: rotation) supersedes the first certificate.
      const e2 = await signedOffAudit(app, owner, systemId, lead, reviewer2, '2025-02-01', '2026-01-31');
      const second = await call(app, { method: 'POST', url: `/api/engagements/${e2}/certificate`, headers: as(lead), payload: { auditorKeyId: leadKey.keyid, reviewerKeyId: reviewer2Key.keyid } });
      assert.equal(second.status, 201, second.res.body);
      const c2 = second.body.certificate as { id: string; statement: string };
      assert.equal((JSON.parse(c2.statement) as { predicate: { supersedes: string } }).predicate.supersedes, cert.id);
      const m2 = pae(IN_TOTO_PAYLOAD_TYPE, utf8(c2.statement));
      for (const [who, key] of [[lead, leadKey], [reviewer2, reviewer2Key]] as const) {
        assert.ok((await call(app, { method: 'POST', url: `/api/engagements/${e2}/certificate/signatures`, headers: as(who), payload: { keyid: key.keyid, sig: toBase64(key.sign(m2)) } })).status < 300);
      }
      assert.equal(((await call(app, { url: `/api/registry/certificates/${cert.id}` })).body.certificate as { status: { state: string; supersededBy: string } }).status.supersededBy, c2.id);
      // A custodian in another organization relies on this system as a service provider (issue 10):
      // the registry decides until when the provider counts, following the renewal to c2.
      const custodian = await signUp(app);
      const csys = (await call(app, { method: 'POST', url: `/api/orgs/${custodian.orgId}/systems`, headers: as(custodian), payload: { name: 'Exchange' } })).body.system as { id: string };
      const caid = ((await call(app, { method: 'POST', url: `/api/systems/${csys.id}/assessments`, headers: as(custodian), payload: { edition: 'ccss-v9' } })).body.assessment as { id: string }).id;
      assert.equal((await call(app, { method: 'PUT', url: `/api/assessments/${caid}/answers/2.03.3.1`, headers: as(custodian), payload: { status: 'in_place', version: 0 } })).status, 200);
      const first = (await call(app, { url: `/api/registry/certificates/${cert.id}` })).body.certificate as { issuedAt: string; validUntil: string };
      const provider = { id: 'PRV-VAULT', name: 'Vault', service: 'cold storage', certificate: { reference: cert.id, issuer: 'Keygrade registry', level: 2, issuedOn: first.issuedAt.slice(0, 10), expiresOn: '2099-12-31' } };
      const added = await call(app, { method: 'POST', url: `/api/orgs/${custodian.orgId}/compliance/registers/providers`, headers: as(custodian), payload: provider });
      assert.equal(added.status, 201, added.res.body);
      const providerCheck = async () => ((await call(app, { url: `/api/orgs/${custodian.orgId}/compliance/registers/providers`, headers: as(custodian) })).body.registry as Record<string, { current: string; state: string; mismatches: string[]; endsOn: string }>)['PRV-VAULT']!;
      const before = await providerCheck();
      assert.deepEqual([before.current, before.state], [c2.id, 'active']);
      assert.deepEqual(before.mismatches.map((m) => m.split(':')[0]), ['level', 'expiresOn'], 'the entry claims level 2 and a later expiry than the registry issued');
      const compliance = async () => (await call(app, { url: `/api/assessments/${caid}/compliance`, headers: as(custodian) })).body as { requirements: { id: string; effective: string; reason?: string }[]; providerCertificates: Record<string, { state: string }> };
      const holds = (await compliance()).requirements.find((r) => r.id === '2.03.3.1')!;
      assert.equal(holds.effective, 'in_place', JSON.stringify(holds));
      const revoked = await call(app, { method: 'POST', url: `/api/certificates/${c2.id}/revoke`, headers: as(lead), payload: { reason: 'audit evidence found falsified' } });
      assert.equal(revoked.status, 200, revoked.res.body);
      assert.equal((await call(app, { method: 'POST', url: `/api/certificates/${c2.id}/revoke`, headers: as(lead), payload: { reason: 'again' } })).body.error, 'REGISTRY_STATE');
      const lapsed = await compliance();
      const listed = ((await call(app, { url: `/api/orgs/${custodian.orgId}/compliance/registers/providers`, headers: as(custodian) })).body.entries as { validity: { valid: boolean; reason: string } }[])[0]!;
      assert.equal(listed.validity.valid, false);
      assert.match(listed.validity.reason, /^Keygrade registry: certificate .* revoked on/);
      assert.equal(lapsed.providerCertificates['PRV-VAULT']!.state, 'revoked');
      const r2033 = lapsed.requirements.find((r) => r.id === '2.03.3.1')!;
      assert.equal(r2033.effective, 'not_in_place', 'the provider no longer counts once its certificate is revoked');
      assert.match(r2033.reason ?? '', /Keygrade registry: certificate \S+ \(renewed as \S+\) revoked on \d{4}-\d\d-\d\d: audit evidence found falsified/);
      assert.equal((await call(app, { url: `/api/orgs/${custodian.orgId}/compliance/registers/providers`, headers: as(owner) })).status, 404, 'another organization sees nothing');
      const revokedPage = await app.inject({ url: `/registry/certificates/${c2.id}` });
      assert.match(revokedPage.body, /revoked<\/span> since \S+: audit evidence found falsified/);

      // Bitcoin timestamps of the registry's checkpoints, through the calendar interface.
      await integrateAll(db.kysely, master);
      assert.deepEqual(await stampPass(db, REGISTRY_LOG, { calendars: [] }), { completed: [], outcomes: [] }, 'no calendar configured: stamping is off');
      const offline = await stampPass(db, REGISTRY_LOG, { calendars: [new OfflineCalendar(FAKE_URI)] });
      assert.deepEqual(offline.outcomes.map((o) => o.status), ['unavailable'], 'no network: the stamp stays pending');
      const cal = new FakeCalendar();
      const upgraded = await stampPass(db, REGISTRY_LOG, { calendars: [cal] });
      assert.deepEqual(upgraded.completed, [offline.stamped], 'the pending stamp is submitted and upgraded to a Bitcoin attestation');
      const ts = (await call(app, { url: `/api/registry/certificates/${cert.id}/timestamp` })).body.timestamp as { checkpointSize: number; status: string; ots: string; proof: string };
      assert.equal(ts.status, 'complete');
      const ots = parseTimestampFile(new Uint8Array((await app.inject({ url: ts.ots })).rawPayload));
      const stampedProof = (await app.inject({ url: ts.proof })).body;
      const checkpoint = parseTlogProof(stampedProof).checkpoint;
      assert.equal(toHex(ots.digest), toHex(checkpointDigest(checkpoint)), 'the .ots covers the checkpoint of the proof at that size');
      const headers = HeadersFileSource.parse(JSON.stringify(Object.fromEntries(cal.blocks.map((b) => [b.height, toHex(b.header)]))));
      const anchored = await verifyTimestampFile(ots, headers, { digest: checkpointDigest(checkpoint), network: 'regtest' });
      assert.equal(anchored.result, 'verified', anchored.failure?.message);
      assert.equal(verifyTlogProof(stampedProof, certificateLogEntry(cert.id, v.certificateSha256!), { logKey: trust.log!.vkey }).checkpoint.size, ts.checkpointSize);

      // Everything above is in the registry log: keys, issuances, state changes.
      const kinds = (await db.kysely.selectFrom('log_entry').select('type').where('log', '=', REGISTRY_LOG).orderBy('idx').execute()).map((r) => r.type);
      assert.deepEqual(kinds, ['auditor-key-added', 'auditor-key-added', 'auditor-key-revoked', 'auditor-key-added', 'auditor-key-added', 'certificate-issued', 'certificate-suspended', 'certificate-reinstated', 'certificate-issued', 'certificate-revoked']);
    });
  });
}
