/**
 * Evidence push for automation (issue 8 item 7, issue 10 item 7): one authenticated call that
 * stores a file and links it to requirements of an assessment, with the source system, the tool
 * (name and version), the parameters and the SHA-256 of every input recorded.
 *
 *   POST /api/assessments/:assessmentId/evidence   (answer:write, API token or session + CSRF)
 *   JSON: { title, content (base64), filename?, sha256?, requirements[], sourceSystem, tool: { name, version? },
 *           parameters?, inputs?: [{ name, sha256, size? }], owner?, expiresAt? }
 *
 * Order of checks: the caller may write answers in the assessment's organization (foreign or
 * unknown assessment: 404), every requirement id exists in the assessment's edition (400 naming
 * the bad ids), the content decodes, fits the limit and matches `sha256` when given, and nothing
 * looks like an API token. Only then is the file written; the evidence row, its links and the
 * audit-log entry are written in one transaction. Idempotent on (content SHA-256, requirement)
 * within the assessment: pairs already linked are left alone, and a call that adds nothing
 * writes nothing and answers 200 with the existing evidence.
 */
import { rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { indexEdition, type Catalog } from '@keygrade/catalog';
import { audited, createEvidence, DomainError, getAssessment, getEvidence, linkEvidence, type Db, type Evidence } from '@keygrade/db';
import type { AppDeps } from '../app.js';
import { authenticate, requireOrg } from '../authz.js';
import type { EvidenceStore } from '../domain/evidence-store.js';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const RequirementId = z.string().min(1).max(64).regex(/^[0-9A-Za-z.]+$/, 'a requirement id such as 1.4.6.L2 or 1.05.8.1');
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256: 64 lowercase hexadecimal digits');
const Line = (max: number) => z.string().trim().max(max);

export const PushBody = z
  .object({
    title: Line(300).min(1, 'must not be empty'),
    content: z.string().min(1, 'must not be empty').describe('the file, base64-encoded'),
    filename: Line(200).optional(),
    sha256: Sha256.optional().describe('SHA-256 of the decoded content; refused when it does not match'),
    requirements: z.array(RequirementId).min(1).max(200).describe("requirement ids of the assessment's edition to link the evidence to"),
    sourceSystem: Line(300).min(1, 'must not be empty').describe('the system the evidence comes from (CI pipeline, HSM, host)'),
    tool: z.object({ name: Line(200).min(1, 'must not be empty'), version: Line(100).optional() }).strict(),
    parameters: z.union([z.array(z.string().max(2000)).max(200), z.record(z.string().max(200), z.string().max(2000))]).optional().describe('how the tool was run, without secrets'),
    inputs: z
      .array(z.object({ name: Line(300).min(1, 'must not be empty'), sha256: Sha256, size: z.number().int().min(0).optional() }).strict())
      .max(200)
      .optional()
      .describe('the files the tool read, by name and SHA-256'),
    owner: Line(300).optional(),
    expiresAt: z.iso.date({ error: 'a date (YYYY-MM-DD)' }).optional(),
  })
  .strict();
type PushBody = z.infer<typeof PushBody>;

/** An API token anywhere in a string: never stored as evidence or metadata. */
const TOKEN_LIKE = /kg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A file name safe to store and to echo in a content-disposition header. */
function safeName(name: string | undefined): string {
  const base = (name ?? 'evidence').split(/[\\/]/).pop()!;
  const clean = base.replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/^[.\s]+/, '').slice(0, 200);
  return clean || 'evidence';
}

/** The query builder (also a transaction). */
type K = Db['kysely'];

const bad = (message: string, problems: { path: string; message: string }[]) => ({ error: 'INVALID_REQUEST', message, problems });

/** The (requirement → evidence) links of this assessment whose evidence has this content. */
async function linksOfContent(k: K, assessmentId: string, orgId: string, sha256: string) {
  return k
    .selectFrom('answer_evidence')
    .innerJoin('evidence', 'evidence.id', 'answer_evidence.evidence_id')
    .select(['answer_evidence.requirement_id as requirementId', 'evidence.id as evidenceId', 'evidence.created_at as createdAt'])
    .where('answer_evidence.assessment_id', '=', assessmentId)
    .where('evidence.org_id', '=', orgId)
    .where('evidence.sha256', '=', sha256)
    .orderBy('evidence.created_at')
    .orderBy('evidence.id')
    .execute();
}

export function evidencePushRoutes(deps: AppDeps & { catalog: Catalog; evidence: EvidenceStore }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const store = deps.evidence;
  const noAssessment = () => new DomainError('ASSESSMENT_NOT_FOUND', 'no such assessment');

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/api/assessments/:assessmentId/evidence',
      {
        config: { permission: 'answer:write' },
        // base64 takes 4 bytes per 3; room for the metadata on top of the store's file limit.
        bodyLimit: Math.ceil(store.maxBytes / 3) * 4 + 1024 * 1024,
        // Authenticate before the (large) body is read and parsed: an anonymous caller gets its 401 first.
        preParsing: async (req, _reply, payload) => {
          await authenticate(req);
          return payload;
        },
        schema: {
          tags: ['evidence'],
          summary: `Upload evidence and link it to requirements of the assessment in one transaction (automation, CLI --attach). JSON with the file base64-encoded, at most ${store.maxBytes} bytes decoded. Idempotent on (content SHA-256, requirement).`,
          params: z.object({ assessmentId: Id }),
          body: PushBody,
        },
      },
      async (req, reply) => {
        // 1. Who may write here: a foreign or unknown assessment is 404, a read-only caller 403.
        const a = await getAssessment(k, req.params.assessmentId);
        if (!a) throw noAssessment();
        let actor: string;
        try {
          actor = (await requireOrg(req, a.orgId, 'answer:write')).actor;
        } catch (e) {
          if ((e as { statusCode?: number }).statusCode === 404) throw noAssessment();
          throw e;
        }
        const body: PushBody = req.body;

        // 2. Requirement ids of the assessment's edition.
        const index = indexEdition(deps.catalog.edition(a.edition));
        const unknown = body.requirements.map((id, i) => ({ id, i })).filter((r) => !index.requirement(r.id));
        if (unknown.length > 0) {
          return reply.code(400).send(bad(
            `not requirement${unknown.length === 1 ? '' : 's'} of ${a.edition}: ${unknown.map((u) => u.id).join(', ')}${a.edition === 'ccss-v9' ? '' : ' (this edition grades cells: use <control>.L<level>, e.g. 1.4.6.L2)'}`,
            unknown.map((u) => ({ path: `requirements.${u.i}`, message: `${u.id} is not a requirement of ${a.edition}` })),
          ));
        }
        const requirements = [...new Set(body.requirements)];

        // 3. The content.
        const content = body.content.replace(/\s+/g, '');
        if (!BASE64.test(content)) return reply.code(400).send(bad('content must be base64 (RFC 4648, with padding)', [{ path: 'content', message: 'not base64' }]));
        const data = Buffer.from(content, 'base64');
        if (data.length === 0) return reply.code(400).send(bad('the file is empty', [{ path: 'content', message: 'empty' }]));
        if (data.length > store.maxBytes) return reply.code(413).send({ error: 'EVIDENCE_TOO_LARGE', message: `the file is larger than the limit of ${store.maxBytes} bytes; nothing was stored` });
        const sha256 = createHash('sha256').update(data).digest('hex');
        if (body.sha256 !== undefined && body.sha256 !== sha256) return reply.code(400).send(bad(`sha256 does not match the content (the content hashes to ${sha256})`, [{ path: 'sha256', message: 'does not match the content' }]));

        // 4. Secrets never become evidence.
        const metadata = JSON.stringify([body.title, body.filename, body.sourceSystem, body.tool, body.parameters, body.inputs, body.owner]);
        if (TOKEN_LIKE.test(metadata) || TOKEN_LIKE.test(data.toString('latin1'))) {
          return reply.code(400).send(bad('the evidence or its metadata contains an API token (kg_…); remove it — secrets are never stored as evidence', [{ path: TOKEN_LIKE.test(metadata) ? 'parameters' : 'content', message: 'contains an API token' }]));
        }

        // 5. Idempotency: (content, requirement) pairs already linked in this assessment.
        const pending = async (kk: K) => {
          const links = await linksOfContent(kk, a.id, a.orgId, sha256);
          const done = new Set(links.map((l) => l.requirementId));
          return { existing: links[0]?.evidenceId, todo: requirements.filter((r) => !done.has(r)), already: requirements.filter((r) => done.has(r)) };
        };
        const before = await pending(k);
        if (before.todo.length === 0) {
          const e = await getEvidence(k, before.existing!);
          return reply.code(200).send({ evidence: e, created: false, linked: [], alreadyLinked: before.already, assessment: { id: a.id, edition: a.edition } });
        }

        // 6. The file, then the row, the links and the audit entry in one transaction.
        const fileWasThere = store.has(sha256);
        const stored = await store.put(Readable.from([data]));
        const at = now();
        const parameters = body.parameters === undefined && body.inputs === undefined ? null : JSON.stringify({ ...(body.parameters !== undefined ? { parameters: body.parameters } : {}), ...(body.inputs !== undefined ? { inputs: body.inputs } : {}) });
        const tool = `${body.tool.name}${body.tool.version ? ` ${body.tool.version}` : ''}`;
        let result: { evidence: Evidence; created: boolean; linked: string[]; alreadyLinked: string[] };
        try {
          result = await audited(
            k,
            { actor, requestId: req.id, at },
            'evidence.push',
            `assessment:${a.id}`,
            async (trx) => {
              // Checked again inside the transaction: a concurrent push of the same content may have won.
              const now2 = await pending(trx);
              const existing = now2.existing ? await getEvidence(trx, now2.existing) : undefined;
              const evidence =
                existing ??
                (await createEvidence(
                  trx,
                  { orgId: a.orgId, sha256, size: stored.size, contentType: stored.contentType, filename: safeName(body.filename), title: body.title, sourceSystem: body.sourceSystem, tool, parameters, owner: body.owner, expiresAt: body.expiresAt },
                  { actor, at },
                ));
              const linked: string[] = [];
              for (const r of now2.todo) if (await linkEvidence(trx, a.id, r, evidence.id, { actor, at })) linked.push(r);
              return { evidence, created: existing === undefined, linked, alreadyLinked: now2.already };
            },
            (r) => ({ evidence: r.evidence.id, sha256, size: stored.size, created: r.created, requirements: r.linked, tool, sourceSystem: body.sourceSystem, inputs: (body.inputs ?? []).map((i) => i.sha256) }),
          );
        } catch (e) {
          // Nothing stored on error: drop the file unless it was there already or another row uses it.
          if (!fileWasThere) {
            const used = await k.selectFrom('evidence').select('id').where('sha256', '=', sha256).executeTakeFirst().catch(() => ({ id: 'unknown' }));
            if (!used) rmSync(store.pathOf(sha256), { force: true });
          }
          throw e;
        }
        return reply.code(result.created || result.linked.length > 0 ? 201 : 200).send({ ...result, assessment: { id: a.id, edition: a.edition } });
      },
    );
  };
}
