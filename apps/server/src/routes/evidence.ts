/**
 * Evidence: files uploaded with the metadata an auditor needs (who and when are recorded by the
 * server; source system, tool, parameters, owner and expiry by the uploader), stored
 * content-addressed on disk, and linked to answers. An upload over the size limit is refused with
 * 413 and leaves nothing behind.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { indexEdition, type Catalog } from '@keygrade/catalog';
import { audited, createEvidence, DomainError, getAssessment, getEvidence, linkEvidence, listEvidence, unlinkEvidence, type Evidence } from '@keygrade/db';
import type { AppDeps } from '../app.js';
import { requireOrg, type Permission } from '../authz.js';
import { EvidenceTooLarge, type EvidenceStore, type StoredFile } from '../domain/evidence-store.js';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const RequirementId = z.string().min(1).max(64).regex(/^[0-9A-Za-z.]+$/, 'a requirement id');

const Meta = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(300),
    sourceSystem: z.string().trim().max(300).optional(),
    tool: z.string().trim().max(300).optional(),
    parameters: z.string().trim().max(5000).optional(),
    owner: z.string().trim().max(300).optional(),
    expiresAt: z.iso.date({ error: 'a date (YYYY-MM-DD)' }).optional(),
  })
  .strict();

/** Streams an evidence file as a download that never renders in the browser (410 when the file is gone). */
export function sendEvidenceFile(reply: FastifyReply, store: EvidenceStore, ev: Evidence): FastifyReply {
  if (!store.has(ev.sha256)) return reply.code(410).send({ error: 'EVIDENCE_FILE_MISSING', message: `the file of this evidence (sha256 ${ev.sha256}) is not in the evidence store` });
  return reply
    .header('content-type', ev.contentType)
    .header('content-length', String(ev.size))
    .header('content-disposition', `attachment; filename="${ev.filename}"`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(store.open(ev.sha256));
}

/** A file name safe to store and to echo in a content-disposition header. */
function safeName(name: string | undefined): string {
  const base = (name ?? 'evidence').split(/[\\/]/).pop()!;
  const clean = base.replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/^[.\s]+/, '').slice(0, 200);
  return clean || 'evidence';
}

export function evidenceRoutes(deps: AppDeps & { catalog: Catalog; evidence: EvidenceStore }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const store = deps.evidence;
  const noEvidence = () => new DomainError('EVIDENCE_NOT_FOUND', 'no such evidence');
  const noAssessment = () => new DomainError('ASSESSMENT_NOT_FOUND', 'no such assessment');
  const guard = async <T extends { orgId: string }>(req: FastifyRequest, r: T | undefined, perm: Permission, missing: () => DomainError) => {
    if (!r) throw missing();
    try {
      return { r, actor: (await requireOrg(req, r.orgId, perm)).actor };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) throw missing();
      throw e;
    }
  };

  return async (root) => {
    await root.register(multipart, { limits: { fileSize: store.maxBytes, files: 1, fields: 20, fieldSize: 10_000, parts: 25 } });
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/orgs/:orgId/evidence',
      {
        config: { permission: 'answer:write' },
        schema: {
          tags: ['evidence'],
          summary: `Upload evidence (multipart/form-data: one "file" part and the fields title, sourceSystem, tool, parameters, owner, expiresAt). Limit ${store.maxBytes} bytes (413 above it, nothing stored).`,
          params: z.object({ orgId: Id }),
          consumes: ['multipart/form-data'],
        },
      },
      async (req, reply) => {
        const p = await requireOrg(req, req.params.orgId, 'answer:write');
        if (!req.isMultipart()) return reply.code(415).send({ error: 'UNSUPPORTED_MEDIA_TYPE', message: 'send multipart/form-data with a "file" part' });
        const fields: Record<string, string> = {};
        let file: (StoredFile & { filename: string }) | undefined;
        try {
          for await (const part of req.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file' || file) {
                part.file.resume();
                return reply.code(400).send({ error: 'INVALID_REQUEST', message: 'exactly one file part named "file" is expected', problems: [{ path: part.fieldname, message: 'unexpected file' }] });
              }
              file = { ...(await store.put(part.file)), filename: safeName(part.filename) };
            } else fields[part.fieldname] = String(part.value);
          }
        } catch (e) {
          if (e instanceof EvidenceTooLarge || (e as { statusCode?: number }).statusCode === 413) {
            return reply.code(413).send({ error: 'EVIDENCE_TOO_LARGE', message: `the file is larger than the limit of ${store.maxBytes} bytes; nothing was stored` });
          }
          throw e;
        }
        if (!file) return reply.code(400).send({ error: 'INVALID_REQUEST', message: 'no file: send a part named "file"', problems: [{ path: 'file', message: 'required' }] });
        const meta = Meta.safeParse(fields);
        if (!meta.success) {
          return reply.code(400).send({ error: 'INVALID_REQUEST', message: 'the evidence metadata is not valid', problems: meta.error.issues.map((i) => ({ path: i.path.join('.') || String((i as { keys?: string[] }).keys?.[0] ?? ''), message: i.message })) });
        }
        const at = now();
        const evidence = await audited(
          k,
          { actor: p.actor, requestId: req.id, at },
          'evidence.upload',
          `org:${req.params.orgId}`,
          (trx) => createEvidence(trx, { orgId: req.params.orgId, sha256: file.sha256, size: file.size, contentType: file.contentType, filename: file.filename, ...meta.data }, { actor: p.actor, at }),
          (e) => ({ evidence: e.id, sha256: e.sha256, size: e.size }),
        );
        return reply.code(201).send({ evidence });
      },
    );

    app.get('/api/orgs/:orgId/evidence', { config: { permission: 'org:read' }, schema: { tags: ['evidence'], summary: 'The evidence library of an organization', params: z.object({ orgId: Id }) } }, async (req) => {
      await requireOrg(req, req.params.orgId, 'org:read');
      const today = now().toISOString().slice(0, 10);
      return { evidence: (await listEvidence(k, req.params.orgId)).map((e) => ({ ...e, expired: e.expiresAt !== null && e.expiresAt < today })) };
    });

    app.get('/api/evidence/:evidenceId', { config: { permission: 'org:read' }, schema: { tags: ['evidence'], summary: 'Evidence metadata', params: z.object({ evidenceId: Id }) } }, async (req) => {
      const { r } = await guard(req, await getEvidence(k, req.params.evidenceId), 'org:read', noEvidence);
      return { evidence: r };
    });

    app.get('/api/evidence/:evidenceId/content', { config: { permission: 'org:read' }, schema: { tags: ['evidence'], summary: 'Download the evidence file', params: z.object({ evidenceId: Id }) } }, async (req, reply) => {
      const { r } = await guard(req, await getEvidence(k, req.params.evidenceId), 'org:read', noEvidence);
      return sendEvidenceFile(reply, store, r);
    });

    const answerTarget = async (req: FastifyRequest, assessmentId: string, requirementId: string) => {
      const { r: a, actor } = await guard(req, await getAssessment(k, assessmentId), 'answer:write', noAssessment);
      if (!indexEdition(deps.catalog.edition(a.edition)).requirement(requirementId)) throw new DomainError('ASSESSMENT_NOT_FOUND', `${requirementId} is not a requirement of ${a.edition}`);
      return { a, actor };
    };

    app.post(
      '/api/assessments/:assessmentId/answers/:requirementId/evidence',
      {
        config: { permission: 'answer:write' },
        schema: { tags: ['evidence'], summary: 'Link evidence of the same organization to an answer', params: z.object({ assessmentId: Id, requirementId: RequirementId }), body: z.object({ evidenceId: Id }).strict() },
      },
      async (req, reply) => {
        const { a, actor } = await answerTarget(req, req.params.assessmentId, req.params.requirementId);
        const e = await getEvidence(k, req.body.evidenceId);
        if (!e || e.orgId !== a.orgId) throw noEvidence();
        const at = now();
        const added = await audited(k, { actor, requestId: req.id, at }, 'evidence.link', `assessment:${a.id}/${req.params.requirementId}`, (trx) => linkEvidence(trx, a.id, req.params.requirementId, e.id, { actor, at }), () => ({ evidence: e.id }));
        return reply.code(added ? 201 : 200).send({ linked: true });
      },
    );

    app.delete(
      '/api/assessments/:assessmentId/answers/:requirementId/evidence/:evidenceId',
      { config: { permission: 'answer:write' }, schema: { tags: ['evidence'], summary: 'Unlink evidence from an answer', params: z.object({ assessmentId: Id, requirementId: RequirementId, evidenceId: Id }) } },
      async (req, reply) => {
        const { a, actor } = await answerTarget(req, req.params.assessmentId, req.params.requirementId);
        const at = now();
        const removed = await audited(k, { actor, requestId: req.id, at }, 'evidence.unlink', `assessment:${a.id}/${req.params.requirementId}`, (trx) => unlinkEvidence(trx, a.id, req.params.requirementId, req.params.evidenceId), () => ({ evidence: req.params.evidenceId }));
        if (!removed) throw noEvidence();
        return reply.code(204).send();
      },
    );
  };
}
