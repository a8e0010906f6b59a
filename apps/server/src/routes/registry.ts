/**
 * The public registry of certifications (issue 6): auditors' signing keys, certificates issued
 * from signed-off certification audits and signed by the auditor and the peer reviewer (their
 * private keys never reach the server: they sign the statement offline, `keygrade cert sign`),
 * lifecycle (suspend, reinstate, revoke; expiry and supersession follow from the events), and the
 * public JSON API. Every issuance, state change and key registration is an entry of the registry
 * log in the same transaction as the change; the public HTML pages are in registry-pages.ts.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IN_TOTO_PAYLOAD_TYPE,
  buildStatement,
  certificateLogEntry,
  certificateStatus,
  ed25519VerifyStrict,
  fromBase64Strict,
  fromHex,
  keyIdOf,
  pae,
  parseStatement,
  serializeEnvelope,
  statementBytes,
  toBase64,
  toHex,
  utf8,
  verifyCertificate,
  type CertificateEvent,
  type CertificatePredicate,
  type CertificateStatus,
  type TrustPolicy,
  type TrustedKey,
} from '@keygrade/attest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { BaseError } from '@keygrade/errors';
import { formatTlogProof, verifyTlogProof } from '@keygrade/tlog';
import { mergeCosignatures } from './logs.js';
import {
  REGISTRY_LOG,
  addAuditorKey,
  addCertificateEvent,
  appendRegistryEntry,
  audited,
  certificateEvents,
  certificateOfEngagement,
  cosignaturesAt,
  createCertificateRow,
  findLog,
  getAuditor,
  getAuditorKey,
  getCertificate,
  getEngagement,
  inclusionProof,
  listAuditorKeys,
  listAuditors,
  listPublishedCertificates,
  publishCertificate,
  revokeAuditorKey,
  setCertificateSignatures,
  type AuditorKey,
  type CertificateRow,
  type Db,
} from '@keygrade/db';
import type { Engagement } from '@keygrade/audit';
import type { AppDeps } from '../app.js';
import { ApiError, requireEngagement, requireOrg, requireUser } from '../authz.js';
import type { EvidenceStore } from '../domain/evidence-store.js';
import { getStamp, listStamps, stampCovering } from '../domain/stamper.js';

export type RegistryErrorCode = 'REGISTRY_STATE' | 'REGISTRY_KEY' | 'REGISTRY_SIGNATURE' | 'CERTIFICATE_NOT_FOUND';
export class RegistryError extends BaseError<RegistryErrorCode> {}

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const KeyId = z.string().regex(/^[0-9a-f]{64}$/, 'a key id: 64 lower-case hex digits (SHA-256 of the public key)');
const Reason = z.string().trim().min(1, 'give the reason').max(2000);

/** How long a certificate is valid after issuance: until the next annual audit. */
export const VALIDITY_MONTHS = 12;
/** From how many days before expiry the next audit is flagged as due. */
export const REMINDER_DAYS = 90;

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const addMonths = (d: Date, n: number) => {
  const x = new Date(d.getTime());
  x.setUTCMonth(x.getUTCMonth() + n);
  return x;
};

/** The predicate of a certificate's stored statement (validated when it was built). */
const predicateOf = (c: Pick<CertificateRow, 'statement'>): CertificatePredicate => parseStatement(utf8(c.statement)).predicate;

/** A key that was registered, and not yet revoked, at `at`: it may have signed then. */
const keyValidAt = (x: AuditorKey, at: string) => x.addedAt <= at && (x.revokedAt === null || x.revokedAt > at);

/** The lifecycle events in the form packages/attest replays. */
export function lifecycleEvents(rows: Awaited<ReturnType<typeof certificateEvents>>): CertificateEvent[] {
  return rows.map((e): CertificateEvent => {
    switch (e.type) {
      case 'issued':
        return { type: 'issued', certificateId: e.certificateId, at: e.at, validUntil: e.validUntil!, ...(e.supersedes ? { supersedes: e.supersedes } : {}) };
      case 'revoked':
        return { type: 'revoked', certificateId: e.certificateId, at: e.at, reason: e.reason ?? '' };
      case 'suspended':
        return { type: 'suspended', certificateId: e.certificateId, at: e.at, reason: e.reason ?? '' };
      default:
        return { type: 'reinstated', certificateId: e.certificateId, at: e.at };
    }
  });
}

/** What the registry shows of a published certificate (public). */
export function publicCertificate(c: CertificateRow, status: CertificateStatus) {
  const predicate = predicateOf(c);
  return {
    id: c.id,
    organization: predicate.organization,
    system: predicate.system,
    edition: c.edition,
    level: c.level,
    aspectLevels: predicate.aspectLevels,
    period: predicate.period,
    auditor: { name: predicate.auditor.name, firm: predicate.auditor.firm ?? null, keyid: predicate.auditor.keyid },
    peerReviewer: { name: predicate.peerReviewer.name, firm: predicate.peerReviewer.firm ?? null, keyid: predicate.peerReviewer.keyid },
    issuedAt: c.issuedAt,
    validUntil: c.validUntil,
    supersedes: c.supersedes,
    status,
    certificateSha256: c.certificateSha256,
    reportSha256: c.reportSha256,
    logIndex: c.logIndex,
    links: {
      page: `/registry/certificates/${c.id}`,
      certificate: `/api/registry/certificates/${c.id}/certificate.dsse.json`,
      proof: `/api/registry/certificates/${c.id}/certificate.tlog-proof`,
      badge: `/registry/certificates/${c.id}/badge.svg`,
      trust: `/api/registry/certificates/${c.id}/trust.json`,
    },
  };
}

/** The registry's services shared by the API routes and the public pages. */
export function registryService(db: Db, now: () => Date) {
  const k = db.kysely;
  const statusOf = async (id: string) => certificateStatus(id, lifecycleEvents(await certificateEvents(k)), now());
  const statuses = async (ids: readonly string[]) => {
    const events = lifecycleEvents(await certificateEvents(k));
    const at = now();
    return new Map(ids.map((id) => [id, certificateStatus(id, events, at)]));
  };

  /**
   * The trust file for `keygrade cert verify --trust` of one certificate: the two keys it names,
   * with the roles they sign in (an auditor signs as auditor in one audit and as peer reviewer in
   * another), as registered here and valid at issuance, and the registry log's key and witnesses.
   */
  const trustFile = async (c: CertificateRow) => {
    const [auditors, keys, log, witnesses] = await Promise.all([listAuditors(k), listAuditorKeys(k), findLog(k, REGISTRY_LOG), k.selectFrom('log_witness').select(['public_key']).where('log', '=', REGISTRY_LOG).execute()]);
    const names = new Map(auditors.map((a) => [a.userId, `${a.name} (${a.firmName})`]));
    const predicate = predicateOf(c);
    const entries = (['auditor', 'peer-reviewer'] as const).flatMap((role) => {
      const keyid = role === 'auditor' ? predicate.auditor.keyid : predicate.peerReviewer.keyid;
      const key = keys.find((x) => x.keyid === keyid && keyValidAt(x, c.issuedAt));
      return key ? [{ keyid, name: names.get(key.userId) ?? key.userId, role, publicKey: key.publicKey }] : [];
    });
    return {
      keys: entries,
      threshold: 2,
      requiredRoles: ['auditor', 'peer-reviewer'],
      ...(log ? { log: { vkey: log.publicKey, witnesses: witnesses.map((w) => w.public_key), witnessQuorum: witnesses.length > 0 ? 1 : 0 } } : {}),
    };
  };

  /** The C2SP tlog-proof of a certificate's issuance entry at the latest signed checkpoint. */
  const proofOf = async (c: CertificateRow, size?: number): Promise<string | undefined> => {
    if (c.logIndex === null) return undefined;
    try {
      const p = await inclusionProof(k, REGISTRY_LOG, c.logIndex, size);
      // At an earlier size (a stamped checkpoint), the checkpoint signed then and its cosignatures.
      const note = p.size === p.head.size ? p.head.checkpoint : (await k.selectFrom('log_checkpoint').select('note').where('log', '=', REGISTRY_LOG).where('size', '=', p.size).executeTakeFirst())?.note;
      if (note === undefined) return undefined;
      const cosigs = await cosignaturesAt(k, REGISTRY_LOG, p.size);
      return formatTlogProof({ index: c.logIndex, proof: p.proof, checkpoint: mergeCosignatures(note, cosigs.map((x) => x.note)) });
    } catch {
      return undefined; // not yet in a signed checkpoint
    }
  };

  /**
   * Live verification of a published certificate, as a relying party would do it: signatures of
   * the auditor and the reviewer with keys registered here (active at issuance), the issuance
   * entry's inclusion in the registry log's latest checkpoint, and the state now.
   */
  const verify = async (c: CertificateRow) => {
    const [keys, auditors, log] = await Promise.all([listAuditorKeys(k), listAuditors(k), findLog(k, REGISTRY_LOG)]);
    const names = new Map(auditors.map((a) => [a.userId, a.name]));
    const predicate = predicateOf(c);
    const usable = keys.filter((x) => keyValidAt(x, c.issuedAt));
    const trusted: TrustedKey[] = usable.flatMap((x) => {
      const role = x.keyid === predicate.auditor.keyid ? 'auditor' : x.keyid === predicate.peerReviewer.keyid ? 'peer-reviewer' : undefined;
      return role ? [{ keyid: x.keyid, name: names.get(x.userId) ?? x.userId, role, publicKey: fromHex(x.publicKey)! } as TrustedKey] : [];
    });
    const checks: { check: string; ok: boolean; detail: string }[] = [];
    if (!c.envelope) return { verified: false, checks: [{ check: 'signatures', ok: false, detail: 'the certificate is not signed yet' }] };
    const policy: TrustPolicy = { keys: trusted, threshold: 2, requiredRoles: ['auditor', 'peer-reviewer'] };
    const v = trusted.length === 2 ? verifyCertificate(c.envelope, policy, { at: new Date(Date.parse(c.issuedAt)) }) : undefined;
    checks.push(
      v?.valid
        ? { check: 'signatures', ok: true, detail: `signed by ${v.signers.map((s) => `${s.name} (${s.role})`).join(' and ')} with keys registered before issuance` }
        : { check: 'signatures', ok: false, detail: v?.failure?.message ?? 'the keys named in the certificate are not registered auditor keys valid at issuance' },
    );
    const proof = await proofOf(c);
    if (!proof || !log) checks.push({ check: 'registry log', ok: false, detail: 'the issuance is not yet in a signed checkpoint of the registry log (it will be within seconds)' });
    else {
      try {
        const entry = certificateLogEntry(c.id, c.certificateSha256!);
        const r = verifyTlogProof(proof, entry, { logKey: log.publicKey });
        checks.push({ check: 'registry log', ok: true, detail: `issuance entry ${c.logIndex} is in the registry log's checkpoint of size ${r.checkpoint.size}` });
      } catch (e) {
        checks.push({ check: 'registry log', ok: false, detail: (e as Error).message });
      }
    }
    return { verified: checks.every((x) => x.ok), checks };
  };

  return { statusOf, statuses, trustFile, proofOf, verify };
}

export function registryRoutes(deps: AppDeps & { evidence: EvidenceStore; reportHtml: (engagementId: string, req: FastifyRequest) => Promise<Uint8Array> }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const who = (req: FastifyRequest, actor: string) => ({ actor, requestId: req.id, at: now() });
  const service = registryService(deps.db, now);

  const auditorOf = async (req: FastifyRequest) => {
    const u = await requireUser(req);
    const a = await getAuditor(k, u.userId);
    if (!a) throw new ApiError(403, 'FORBIDDEN', 'only accredited auditors registered on this instance have signing keys');
    return { u, a };
  };
  const keyView = (x: AuditorKey) => ({ keyid: x.keyid, publicKey: x.publicKey, label: x.label, addedAt: x.addedAt, revokedAt: x.revokedAt, revokedReason: x.revokedReason, logIndex: x.logIndex });

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    // ---- auditors' signing keys ---------------------------------------------------------------
    app.get('/api/auditors/me/keys', { config: { permission: 'user' }, schema: { tags: ['registry'], summary: 'Your accreditation and signing keys, with their history (none unless you are an accredited auditor)' } }, async (req) => {
      const u = await requireUser(req);
      const a = await getAuditor(k, u.userId);
      return { auditor: a ? { firm: { id: a.firmId, name: a.firmName }, accreditedFrom: a.accreditedFrom, accreditedUntil: a.accreditedUntil } : null, keys: (await listAuditorKeys(k, u.userId)).map(keyView) };
    });

    app.post(
      '/api/auditors/me/keys',
      {
        config: { permission: 'user' },
        schema: { tags: ['registry'], summary: 'Register an Ed25519 public key you sign certificates with (the private key stays with you)', body: z.object({ publicKey: z.string().regex(/^[0-9a-f]{64}$/, 'an Ed25519 public key: 64 lower-case hex digits'), label: z.string().trim().min(1).max(200) }).strict() },
      },
      async (req, reply) => {
        const { u, a } = await auditorOf(req);
        const pk = fromHex(req.body.publicKey)!;
        if (!ed25519.utils.isValidPublicKey(pk, false)) throw new RegistryError('REGISTRY_KEY', 'this is not an Ed25519 public key', { problems: [{ path: 'publicKey', message: 'not a point on Ed25519' }] });
        const keyid = keyIdOf(pk);
        if (await getAuditorKey(k, keyid)) throw new RegistryError('REGISTRY_KEY', 'this key is already registered', { problems: [{ path: 'publicKey', message: 'already registered' }] });
        const at = iso(now());
        const key = await audited(
          k,
          who(req, u.actor),
          'auditor.key.add',
          `user:${u.userId}`,
          async (trx) => {
            const logIndex = await appendRegistryEntry(trx, 'auditor-key-added', { keyid, publicKey: req.body.publicKey, auditor: { id: u.userId, name: a.name, firm: a.firmName, firmId: a.firmId }, at }, { actor: u.actor, at: now() });
            const row = { keyid, userId: u.userId, publicKey: req.body.publicKey, label: req.body.label, addedAt: at, logIndex };
            await addAuditorKey(trx, row);
            return row;
          },
          (x) => ({ keyid: x.keyid, logIndex: x.logIndex }),
        );
        deps.pokeSequencer?.();
        return reply.code(201).send({ key: keyView({ ...key, revokedAt: null, revokedReason: null }) });
      },
    );

    app.post(
      '/api/auditors/me/keys/:keyid/revoke',
      { config: { permission: 'user' }, schema: { tags: ['registry'], summary: 'Revoke one of your signing keys (e.g. lost or compromised)', params: z.object({ keyid: KeyId }), body: z.object({ reason: Reason }).strict() } },
      async (req) => {
        const u = await requireUser(req);
        const key = await getAuditorKey(k, req.params.keyid);
        if (!key || key.userId !== u.userId) throw new ApiError(404, 'KEY_NOT_FOUND', 'no such key of yours');
        if (key.revokedAt) throw new RegistryError('REGISTRY_STATE', `this key was revoked at ${key.revokedAt}`);
        const at = iso(now());
        await audited(k, who(req, u.actor), 'auditor.key.revoke', `user:${u.userId}`, async (trx) => {
          await appendRegistryEntry(trx, 'auditor-key-revoked', { keyid: key.keyid, at, reason: req.body.reason }, { actor: u.actor, at: now() });
          await revokeAuditorKey(trx, key.keyid, at, req.body.reason);
        });
        deps.pokeSequencer?.();
        return { key: keyView({ ...key, revokedAt: at, revokedReason: req.body.reason }) };
      },
    );

    // ---- issuance -----------------------------------------------------------------------------
    const engagementCert = async (req: FastifyRequest, engagementId: string, permission: 'engagement:read' | 'engagement:lead' | 'engagement:member') => {
      const a = await requireEngagement(req, engagementId, permission);
      return { a, cert: await certificateOfEngagement(k, engagementId) };
    };
    const certView = (c: CertificateRow, doc: Engagement) => {
      const statement = utf8(c.statement);
      const predicate = parseStatement(statement).predicate;
      return {
        id: c.id,
        published: c.published,
        issuedAt: c.issuedAt,
        validUntil: c.validUntil,
        level: c.level,
        statement: c.statement,
        payloadType: IN_TOTO_PAYLOAD_TYPE,
        /** The bytes each signer signs (DSSE PAE), base64. */
        pae: toBase64(pae(IN_TOTO_PAYLOAD_TYPE, statement)),
        required: [
          { role: 'auditor', name: predicate.auditor.name, keyid: predicate.auditor.keyid, signed: c.signatures.some((s) => s.keyid === predicate.auditor.keyid) },
          { role: 'peer-reviewer', name: predicate.peerReviewer.name, keyid: predicate.peerReviewer.keyid, signed: c.signatures.some((s) => s.keyid === predicate.peerReviewer.keyid) },
        ],
        reviewer: doc.peerReviewer?.name ?? null,
        certificateSha256: c.certificateSha256,
        logIndex: c.logIndex,
        links: c.published ? { page: `/registry/certificates/${c.id}`, certificate: `/api/registry/certificates/${c.id}/certificate.dsse.json`, proof: `/api/registry/certificates/${c.id}/certificate.tlog-proof` } : null,
      };
    };

    app.get(
      '/api/engagements/:engagementId/certificate',
      { config: { permission: 'engagement:read' }, schema: { tags: ['registry'], summary: 'The certificate of a signed-off certification audit: the statement to sign and the signatures collected', params: z.object({ engagementId: Id }) } },
      async (req) => {
        const { a, cert } = await engagementCert(req, req.params.engagementId, 'engagement:read');
        if (!cert) return { certificate: null };
        return { certificate: { ...certView(cert, a.engagement.doc as Engagement), status: cert.published ? await service.statusOf(cert.id) : null } };
      },
    );

    app.get(
      '/api/engagements/:engagementId/certificate/keys',
      { config: { permission: 'engagement:lead' }, schema: { tags: ['registry'], summary: "The active signing keys of the lead auditor and of the engagement's peer reviewer, to prepare the certificate with", params: z.object({ engagementId: Id }) } },
      async (req) => {
        const { a } = await engagementCert(req, req.params.engagementId, 'engagement:lead');
        const reviewer = (a.engagement.doc as Engagement).peerReviewer;
        const active = async (userId: string) => (await listAuditorKeys(k, userId)).filter((x) => x.revokedAt === null).map(keyView);
        return { lead: await active(a.principal.userId), reviewer: reviewer ? { name: reviewer.name, firm: reviewer.firm.name, keys: await active(reviewer.id) } : null };
      },
    );

    app.post(
      '/api/engagements/:engagementId/certificate',
      {
        config: { permission: 'engagement:lead' },
        schema: { tags: ['registry'], summary: 'Prepare the certificate of a signed-off certification audit: the statement the auditor and the reviewer sign', params: z.object({ engagementId: Id }), body: z.object({ auditorKeyId: KeyId, reviewerKeyId: KeyId }).strict() },
      },
      async (req, reply) => {
        const { a, cert } = await engagementCert(req, req.params.engagementId, 'engagement:lead');
        const e = a.engagement;
        if (e.type !== 'certification' || e.status !== 'signed_off') throw new RegistryError('REGISTRY_STATE', 'a certificate is issued from a signed-off certification audit');
        if (cert) throw new RegistryError('REGISTRY_STATE', `the certificate ${cert.id} of this audit was already prepared${cert.published ? ' and issued' : '; collect its signatures'}`);
        const doc = e.doc as Engagement;
        const reviewer = doc.peerReviewer!;
        const [ak, rk] = await Promise.all([getAuditorKey(k, req.body.auditorKeyId), getAuditorKey(k, req.body.reviewerKeyId)]);
        const problems: { path: string; message: string }[] = [];
        if (!ak || ak.userId !== a.principal.userId || ak.revokedAt) problems.push({ path: 'auditorKeyId', message: 'must be an active key registered by you (the lead auditor)' });
        if (!rk || rk.userId !== reviewer.id || rk.revokedAt) problems.push({ path: 'reviewerKeyId', message: `must be an active key registered by the peer reviewer ${reviewer.name}` });
        if (problems.length > 0) throw new RegistryError('REGISTRY_KEY', 'the signing keys are not valid', { problems });
        const conclusion = e.conclusion as { systemLevel: number; aspects: { id: string; level: number }[] };
        if (conclusion.systemLevel < 1) throw new RegistryError('REGISTRY_STATE', 'the audit concluded the system uncertified (level 0): there is no certificate to issue');
        const lead = doc.auditors.find((x) => x.lead) ?? doc.auditors[0]!;
        const issued = now();
        if (iso(issued).slice(0, 10) <= doc.period.end) throw new RegistryError('REGISTRY_STATE', `a certificate is issued after the audit period; this one ends on ${doc.period.end}`);
        const previous = (await listPublishedCertificates(k, { systemId: e.systemId })).find(() => true);
        const prevStatus = previous ? await service.statusOf(previous.id) : undefined;
        const supersedes = previous && prevStatus && (prevStatus.state === 'active' || prevStatus.state === 'suspended') ? previous.id : undefined;
        const id = `KG-${issued.getUTCFullYear()}-${toHex(new Uint8Array(randomBytes(5))).toUpperCase()}`;
        const predicate: CertificatePredicate = {
          certificateId: id,
          organization: { id: doc.auditee.organization.id, name: doc.auditee.organization.name },
          system: { id: doc.auditee.system.id, name: doc.auditee.system.name },
          edition: e.edition,
          level: conclusion.systemLevel as 1 | 2 | 3,
          aspectLevels: Object.fromEntries(conclusion.aspects.map((x) => [x.id, x.level])),
          period: doc.period,
          auditor: { name: lead.name, firm: doc.auditorFirm.name, keyid: ak!.keyid },
          peerReviewer: { name: reviewer.name, firm: reviewer.firm.name, keyid: rk!.keyid },
          issuedAt: iso(issued),
          validUntil: iso(addMonths(issued, VALIDITY_MONTHS)),
          ...(supersedes ? { supersedes } : {}),
        };
        // The statement's subject is the audit report: its exact bytes are kept, content-addressed.
        const report = await deps.reportHtml(e.id, req);
        const stored = await deps.evidence.put(Readable.from([Buffer.from(report)]));
        const statement = new TextDecoder().decode(statementBytes(buildStatement(predicate, stored.sha256)));
        const row = {
          id,
          engagementId: e.id,
          orgId: e.orgId,
          systemId: e.systemId,
          organizationName: predicate.organization.name,
          systemName: predicate.system.name,
          edition: e.edition,
          level: predicate.level,
          auditorFirm: doc.auditorFirm.name,
          issuedAt: predicate.issuedAt,
          validUntil: predicate.validUntil,
          statement,
          reportSha256: stored.sha256,
          supersedes: supersedes ?? null,
          createdAt: predicate.issuedAt,
          createdBy: a.principal.actor,
        };
        await audited(k, who(req, a.principal.actor), 'certificate.prepare', `engagement:${e.id}`, (trx) => createCertificateRow(trx, row), () => ({ certificate: id, level: predicate.level, reportSha256: stored.sha256 }));
        return reply.code(201).send({ certificate: certView({ ...row, signatures: [], envelope: null, certificateSha256: null, logIndex: null, published: false }, doc) });
      },
    );

    app.get(
      '/api/engagements/:engagementId/certificate/report',
      { config: { permission: 'engagement:read' }, schema: { tags: ['registry'], summary: 'The audit report the certificate names (its SHA-256 is the statement subject)', params: z.object({ engagementId: Id }) } },
      async (req, reply) => {
        const { cert } = await engagementCert(req, req.params.engagementId, 'engagement:read');
        if (!cert || !deps.evidence.has(cert.reportSha256)) throw new RegistryError('CERTIFICATE_NOT_FOUND', 'no certificate report for this engagement');
        return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox").send(deps.evidence.open(cert.reportSha256));
      },
    );

    app.post(
      '/api/engagements/:engagementId/certificate/signatures',
      {
        config: { permission: 'engagement:member' },
        schema: {
          tags: ['registry'],
          summary: 'Add your signature over the statement (DSSE, Ed25519); with both signatures the certificate is issued and logged',
          params: z.object({ engagementId: Id }),
          body: z.object({ keyid: KeyId, sig: z.string().min(1).max(200) }).strict(),
        },
      },
      async (req) => {
        const { a, cert } = await engagementCert(req, req.params.engagementId, 'engagement:member');
        if (!cert) throw new RegistryError('REGISTRY_STATE', 'prepare the certificate first (the lead auditor)');
        if (cert.published) throw new RegistryError('REGISTRY_STATE', `the certificate ${cert.id} is already issued`);
        const statement = utf8(cert.statement);
        const predicate = parseStatement(statement).predicate;
        const role = req.body.keyid === predicate.auditor.keyid ? 'auditor' : req.body.keyid === predicate.peerReviewer.keyid ? 'peer-reviewer' : undefined;
        if (!role) throw new RegistryError('REGISTRY_SIGNATURE', 'this key is not one the certificate names', { problems: [{ path: 'keyid', message: 'not the auditor key nor the reviewer key of this certificate' }] });
        const key = (await getAuditorKey(k, req.body.keyid))!;
        if (key.userId !== a.principal.userId) throw new ApiError(403, 'FORBIDDEN', `only the ${role} adds the ${role}'s signature`);
        if (key.revokedAt) throw new RegistryError('REGISTRY_KEY', `this key was revoked at ${key.revokedAt}`);
        const sig = fromBase64Strict(req.body.sig);
        if (!sig || !ed25519VerifyStrict(fromHex(key.publicKey)!, pae(IN_TOTO_PAYLOAD_TYPE, statement), sig)) {
          throw new RegistryError('REGISTRY_SIGNATURE', 'the signature does not verify over this statement with that key (sign the PAE bytes shown, e.g. with keygrade cert sign)', { problems: [{ path: 'sig', message: 'does not verify' }] });
        }
        const signatures = [...cert.signatures.filter((s) => s.keyid !== req.body.keyid), { keyid: req.body.keyid, sig: req.body.sig }];
        const complete = [predicate.auditor.keyid, predicate.peerReviewer.keyid].every((id) => signatures.some((s) => s.keyid === id));
        if (!complete) {
          await audited(k, who(req, a.principal.actor), 'certificate.sign', `certificate:${cert.id}`, (trx) => setCertificateSignatures(trx, cert.id, signatures), () => ({ keyid: req.body.keyid, role }));
          return { certificate: { id: cert.id, published: false, signed: signatures.map((s) => s.keyid) } };
        }
        // Both signatures: the envelope, verified as a relying party would, then issued and logged.
        const envelope = serializeEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, payload: statement, signatures: signatures.map((s) => ({ keyid: s.keyid, sig: fromBase64Strict(s.sig)! })) });
        const keys = await Promise.all([predicate.auditor.keyid, predicate.peerReviewer.keyid].map((id) => getAuditorKey(k, id)));
        const policy: TrustPolicy = {
          keys: keys.map((x, i) => ({ keyid: x!.keyid, name: i === 0 ? predicate.auditor.name : predicate.peerReviewer.name, role: i === 0 ? 'auditor' : 'peer-reviewer', publicKey: fromHex(x!.publicKey)! })),
          threshold: 2,
          requiredRoles: ['auditor', 'peer-reviewer'],
        };
        const v = verifyCertificate(envelope, policy, { at: new Date(Date.parse(predicate.issuedAt)) });
        if (!v.valid || !v.certificateSha256) throw new RegistryError('REGISTRY_SIGNATURE', `the assembled certificate does not verify: ${v.failure?.message ?? 'unknown'}`);
        const sha = v.certificateSha256;
        await audited(
          k,
          who(req, a.principal.actor),
          'certificate.issue',
          `certificate:${cert.id}`,
          async (trx) => {
            await setCertificateSignatures(trx, cert.id, signatures);
            const logIndex = await appendRegistryEntry(trx, 'certificate-issued', { certificateId: cert.id, certificateSha256: sha }, { actor: a.principal.actor, at: now() });
            await publishCertificate(trx, cert.id, { envelope, certificateSha256: sha, logIndex });
            await addCertificateEvent(trx, { certificateId: cert.id, type: 'issued', at: predicate.issuedAt, reason: null, supersedes: predicate.supersedes ?? null, validUntil: predicate.validUntil, logIndex, actor: a.principal.actor });
          },
          () => ({ certificateSha256: sha, level: predicate.level }),
        );
        deps.pokeSequencer?.();
        return { certificate: { id: cert.id, published: true, certificateSha256: sha, links: { page: `/registry/certificates/${cert.id}`, certificate: `/api/registry/certificates/${cert.id}/certificate.dsse.json`, proof: `/api/registry/certificates/${cert.id}/certificate.tlog-proof` } } };
      },
    );

    // ---- lifecycle ----------------------------------------------------------------------------
    for (const action of ['suspend', 'reinstate', 'revoke'] as const) {
      app.post(
        `/api/certificates/:certificateId/${action}`,
        {
          config: { permission: 'user' },
          schema: {
            tags: ['registry'],
            summary: action === 'revoke' ? 'Revoke a certificate (lead auditor), with the reason: final' : action === 'suspend' ? 'Suspend a certificate (lead auditor), with the reason' : 'Reinstate a suspended certificate (lead auditor)',
            params: z.object({ certificateId: Id }),
            body: action === 'reinstate' ? z.object({ reason: z.string().trim().max(2000).optional() }).strict() : z.object({ reason: Reason }).strict(),
          },
        },
        async (req) => {
          const u = await requireUser(req);
          const c = await getCertificate(k, req.params.certificateId);
          if (!c || !c.published) throw new RegistryError('CERTIFICATE_NOT_FOUND', 'no such issued certificate');
          const e = await getEngagement(k, c.engagementId);
          const lead = (e?.doc as Engagement | undefined)?.auditors.find((x) => x.lead);
          if (!lead || lead.id !== u.userId) throw new ApiError(403, 'FORBIDDEN', 'only the lead auditor of the audit changes the state of its certificate');
          const status = await service.statusOf(c.id);
          const allowed = action === 'reinstate' ? status.state === 'suspended' : action === 'suspend' ? status.state === 'active' : status.state !== 'revoked';
          if (!allowed) throw new RegistryError('REGISTRY_STATE', `the certificate is ${status.state}; it cannot be ${action === 'reinstate' ? 'reinstated' : `${action}d`}`);
          const at = iso(now());
          const reason = (req.body as { reason?: string }).reason ?? null;
          const type = action === 'revoke' ? 'revoked' : action === 'suspend' ? 'suspended' : 'reinstated';
          await audited(k, who(req, u.actor), `certificate.${action}`, `certificate:${c.id}`, async (trx) => {
            const logIndex = await appendRegistryEntry(trx, `certificate-${type}`, { certificateId: c.id, at, ...(reason ? { reason } : {}) }, { actor: u.actor, at: now() });
            await addCertificateEvent(trx, { certificateId: c.id, type, at, reason, supersedes: null, validUntil: null, logIndex, actor: u.actor });
          }, () => ({ reason }));
          deps.pokeSequencer?.();
          return { certificate: { id: c.id, status: await service.statusOf(c.id) } };
        },
      );
    }

    app.get('/api/orgs/:orgId/certificates', { config: { permission: 'org:read' }, schema: { tags: ['registry'], summary: "The organization's certificates with their state and when the next audit is due, optionally of one system", params: z.object({ orgId: Id }), querystring: z.object({ systemId: Id.optional() }) } }, async (req) => {
      await requireOrg(req, req.params.orgId, 'org:read');
      const list = await listPublishedCertificates(k, { orgId: req.params.orgId, ...(req.query.systemId ? { systemId: req.query.systemId } : {}) });
      const st = await service.statuses(list.map((c) => c.id));
      const t = now().getTime();
      return {
        certificates: list.map((c) => {
          const status = st.get(c.id)!;
          const dueBy = c.validUntil;
          const daysLeft = Math.floor((Date.parse(c.validUntil) - t) / 86_400_000);
          return { ...publicCertificate(c, status), nextAuditDue: dueBy, reminder: status.state === 'active' && daysLeft <= REMINDER_DAYS ? `the certificate expires in ${Math.max(daysLeft, 0)} days: plan the next annual audit` : null };
        }),
      };
    });

    // ---- public API (no sign-in) --------------------------------------------------------------
    app.get(
      '/api/registry/certificates',
      {
        config: { permission: 'public' },
        schema: {
          tags: ['registry'],
          summary: 'Search issued certificates by organization or system name, level and state',
          querystring: z.object({ q: z.string().max(200).optional(), level: z.coerce.number().int().min(1).max(3).optional(), status: z.enum(['active', 'expired', 'suspended', 'revoked', 'superseded']).optional() }),
        },
      },
      async (req) => {
        const list = await listPublishedCertificates(k, { ...(req.query.q ? { q: req.query.q } : {}), ...(req.query.level ? { level: req.query.level } : {}) });
        const st = await service.statuses(list.map((c) => c.id));
        return { certificates: list.map((c) => publicCertificate(c, st.get(c.id)!)).filter((c) => !req.query.status || c.status.state === req.query.status) };
      },
    );

    const published = async (id: string) => {
      const c = await getCertificate(k, id);
      if (!c || !c.published) throw new RegistryError('CERTIFICATE_NOT_FOUND', 'no such certificate in the registry');
      return c;
    };

    app.get('/api/registry/certificates/:certificateId', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'A certificate with its state and live verification', params: z.object({ certificateId: Id }) } }, async (req) => {
      const c = await published(req.params.certificateId);
      return { certificate: publicCertificate(c, await service.statusOf(c.id)), verification: await service.verify(c) };
    });

    app.get('/api/registry/certificates/:certificateId/certificate.dsse.json', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'The signed certificate (DSSE envelope)', params: z.object({ certificateId: Id }) } }, async (req, reply) => {
      const c = await published(req.params.certificateId);
      return reply.type('application/json').header('content-disposition', `attachment; filename="${c.id}.dsse.json"`).send(c.envelope!.endsWith("\n") ? c.envelope! : `${c.envelope!}\n`);
    });

    app.get(
      '/api/registry/certificates/:certificateId/timestamp',
      { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'The Bitcoin timestamp of the certificate: the first stamped registry checkpoint that includes it', params: z.object({ certificateId: Id }) } },
      async (req) => {
        const c = await published(req.params.certificateId);
        const stamp = c.logIndex === null ? undefined : await stampCovering(deps.db, REGISTRY_LOG, c.logIndex);
        if (!stamp) return { timestamp: null, note: 'no stamped checkpoint includes this certificate yet (stamps are made hourly when calendars are configured)' };
        return {
          timestamp: {
            checkpointSize: stamp.size,
            checkpointSha256: stamp.digest,
            status: stamp.status,
            ots: `/api/registry/stamps/${stamp.size}/checkpoint.ots`,
            proof: `/api/registry/certificates/${c.id}/certificate.tlog-proof?size=${stamp.size}`,
          },
        };
      },
    );

    app.get('/api/registry/stamps', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: "OpenTimestamps proofs of the registry log's checkpoints" } }, async () => ({ stamps: await listStamps(deps.db, REGISTRY_LOG) }));

    app.get('/api/registry/stamps/:size/checkpoint.ots', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'The .ots proof of a registry checkpoint', params: z.object({ size: z.coerce.number().int().min(1) }) } }, async (req, reply) => {
      const s = await getStamp(deps.db, REGISTRY_LOG, req.params.size);
      if (!s) throw new RegistryError('CERTIFICATE_NOT_FOUND', `no stamp of the registry checkpoint of size ${req.params.size}`);
      return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="registry-${req.params.size}.ots"`).send(Buffer.from(s.ots));
    });

    app.get('/api/registry/certificates/:certificateId/certificate.tlog-proof', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: "The certificate's inclusion proof in the registry log (C2SP tlog-proof); `size` picks an earlier signed checkpoint, e.g. a stamped one", params: z.object({ certificateId: Id }), querystring: z.object({ size: z.coerce.number().int().min(1).optional() }) } }, async (req, reply) => {
      const c = await published(req.params.certificateId);
      const proof = await service.proofOf(c, req.query.size);
      if (!proof) return reply.code(503).header('retry-after', '5').send({ error: 'NOT_YET_LOGGED', message: 'the issuance is not yet in a signed checkpoint of the registry log; try again in a few seconds' });
      return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${c.id}.tlog-proof"`).send(proof);
    });

    app.get('/api/registry/certificates/:certificateId/trust.json', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'The trust file for keygrade cert verify --trust: the two keys the certificate names, with their roles, and the registry log key', params: z.object({ certificateId: Id }) } }, async (req) => service.trustFile(await published(req.params.certificateId)));

    app.get('/api/registry/auditors', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'Accredited auditors with their firm, accreditation dates and key history' } }, async () => {
      const [auditors, keys] = await Promise.all([listAuditors(k), listAuditorKeys(k)]);
      return {
        auditors: auditors.map((a) => ({ name: a.name, firm: { id: a.firmId, name: a.firmName }, accreditedFrom: a.accreditedFrom, accreditedUntil: a.accreditedUntil, keys: keys.filter((x) => x.userId === a.userId).map(keyView) })),
      };
    });
  };
}
