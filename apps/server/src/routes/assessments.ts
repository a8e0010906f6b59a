/**
 * The self-assessment domain: systems, assessments of a system against an edition, answers with
 * history and optimistic concurrency, gaps, levels over time, reports and the assessment file
 * (import/export). Every route is authorised on the server against the organization that owns the
 * resource; a resource of another organization answers 404 exactly like a missing one. Every
 * change is written with its audit-log entry in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { indexEdition, type Catalog, type Lang, type Level } from '@keygrade/catalog';
import { answerProblem, STATUS_RULES, STATUSES, type Status } from '@keygrade/scoring';
import { buildReportModel, render, type EvidenceCheck } from '@keygrade/report';
import {
  audited,
  createAssessment,
  createSystem,
  DomainError,
  findEvidenceBySha,
  getAnswer,
  getAnswers,
  getAssessment,
  getAssessmentWithSystem,
  getSystem,
  latestAssessments,
  levelPoints,
  linkedEvidence,
  linkEvidence,
  listAssessments,
  listSystems,
  putAnswer,
  recordLevel,
  answerHistory,
  updateSystem,
  type AssessmentRecord,
  type Db,
  type EvidenceRefRecord,
  type System,
} from '@keygrade/db';
import type { AppDeps } from '../app.js';
import { authenticate, knownRole, requireOrg, type Permission } from '../authz.js';
import { checklistOf, exportAssessmentYaml, gapsOfAssessment, parseUploadedAssessment, scorecardOf, type Scorecard } from '../domain/assessment-view.js';
import { RevisionCache } from '../domain/revision-cache.js';
import { effectiveLevelOf } from './compliance.js';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const RequirementId = z.string().min(1).max(64).regex(/^[0-9A-Za-z.]+$/, 'a requirement id such as 1.1.1.L1 or 1.01.3.1');
const Text = (max: number) => z.string().trim().max(max);
const Lang = z.enum(['en', 'zh-CN']).default('en');

const SystemFields = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    designation: Text(200).optional(),
    scope: Text(4000).optional(),
    boundary: Text(4000).optional(),
    wallets: z.array(z.string().trim().min(1).max(500)).max(500).optional(),
    assets: z.array(z.string().trim().min(1).max(50)).max(200).optional(),
  })
  .strict();

const AnswerBody = z
  .object({
    status: z.enum(STATUSES),
    note: Text(20000).nullish(),
    justification: Text(20000).nullish(),
    comparableControl: Text(20000).nullish(),
    reliesOn: Text(2000).nullish(),
    version: z.number().int().min(0),
  })
  .strict();

/** Reads the organization of a resource and checks the caller's permission there; foreign = missing. */
async function authorise<T extends { orgId: string }>(req: FastifyRequest, resource: T | undefined, permission: Permission, notFound: () => DomainError): Promise<{ resource: T; actor: string }> {
  if (!resource) throw notFound();
  try {
    const p = await requireOrg(req, resource.orgId, permission);
    return { resource, actor: p.actor };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) throw notFound();
    throw e;
  }
}

export function assessmentRoutes(deps: AppDeps & { catalog: Catalog }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const db: Db = deps.db;
  const k = db.kysely;
  const catalog = deps.catalog;
  const noSystem = () => new DomainError('SYSTEM_NOT_FOUND', 'no such system');
  const noAssessment = () => new DomainError('ASSESSMENT_NOT_FOUND', 'no such assessment');
  const who = (req: FastifyRequest, actor: string) => ({ actor, requestId: req.id, at: now() });

  const systemFor = async (req: FastifyRequest, id: string, permission: Permission) => authorise(req, await getSystem(k, id), permission, noSystem);
  /** The assessment with its system's name and the signed-in user's role in its organization, in one query. */
  const withRole = async (req: FastifyRequest, id: string) => {
    const p = await authenticate(req);
    const r = await getAssessmentWithSystem(k, id, p.userId ?? undefined);
    if (r && p.userId && r.memberRole !== undefined) knownRole(req, r.orgId, r.memberRole);
    return r;
  };
  const assessmentFor = async (req: FastifyRequest, id: string, permission: Permission) => authorise(req, await getAssessment(k, id), permission, noAssessment);
  // Computed views by (assessment, language), valid while the assessment's revision is unchanged.
  const scorecards = new RevisionCache<Scorecard>();
  const checklists = new RevisionCache<string>(200);
  const orgName = async (orgId: string) => (await k.selectFrom('org').select('name').where('id', '=', orgId).executeTakeFirst())?.name ?? orgId;

  /** Scores the answers in `trx` and records the level they hold once lapsed evidence is counted (compliance.ts). */
  const rescore = async (trx: typeof k, a: AssessmentRecord, at: Date) => {
    const card = scorecardOf(catalog.edition(a.edition), await getAnswers(trx, a.id));
    await recordLevel(trx, a.id, Math.min(card.level, await effectiveLevelOf(trx, catalog, a, at)), at);
    return card;
  };

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    for (const type of ['text/yaml', 'application/yaml', 'application/x-yaml']) {
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    }

    // ---- systems ----------------------------------------------------------------------------
    app.get(
      '/api/orgs/:orgId/systems',
      { config: { permission: 'org:read' }, schema: { tags: ['systems'], summary: 'Systems of an organization with their current level', params: z.object({ orgId: Id }) } },
      async (req) => {
        await requireOrg(req, req.params.orgId, 'org:read');
        const systems = await listSystems(k, req.params.orgId);
        const latest = await latestAssessments(
          k,
          systems.map((s) => s.id),
        );
        return { systems: systems.map((s) => ({ ...s, level: latest.get(s.id)?.level ?? null, assessmentId: latest.get(s.id)?.id ?? null, edition: latest.get(s.id)?.edition ?? null })) };
      },
    );

    app.post(
      '/api/orgs/:orgId/systems',
      { config: { permission: 'system:write' }, schema: { tags: ['systems'], summary: 'Create a system (the certified unit)', params: z.object({ orgId: Id }), body: SystemFields } },
      async (req, reply) => {
        const p = await requireOrg(req, req.params.orgId, 'system:write');
        const system = await audited(k, who(req, p.actor), 'system.create', `org:${req.params.orgId}`, (trx) => createSystem(trx, req.params.orgId, req.body, { actor: p.actor, at: now() }), (s) => ({ system: s.id, name: s.name }));
        return reply.code(201).send({ system });
      },
    );

    app.get('/api/systems/:systemId', { config: { permission: 'org:read' }, schema: { tags: ['systems'], summary: 'A system and its assessments', params: z.object({ systemId: Id }) } }, async (req) => {
      const { resource: system } = await systemFor(req, req.params.systemId, 'org:read');
      const assessments = await listAssessments(k, system.id);
      return { system, assessments: assessments.map((a) => ({ id: a.id, edition: a.edition, level: a.level, targetLevel: a.targetLevel, assessedAt: a.assessedAt, createdAt: a.createdAt })) };
    });

    app.patch(
      '/api/systems/:systemId',
      {
        config: { permission: 'system:write' },
        schema: { tags: ['systems'], summary: 'Change a system (optimistic concurrency: send the version you read)', params: z.object({ systemId: Id }), body: SystemFields.partial().extend({ version: z.number().int().min(1) }) },
      },
      async (req) => {
        const { resource, actor } = await systemFor(req, req.params.systemId, 'system:write');
        const { version, ...patch } = req.body;
        const system = await audited(k, who(req, actor), 'system.update', `system:${resource.id}`, (trx) => updateSystem(trx, resource.id, patch, version, { actor, at: now() }), () => ({ fields: Object.keys(patch) }));
        return { system };
      },
    );

    // ---- assessments ------------------------------------------------------------------------
    app.post(
      '/api/systems/:systemId/assessments',
      {
        config: { permission: 'system:write' },
        schema: {
          tags: ['assessments'],
          summary: 'Start a self-assessment of the system against an edition',
          params: z.object({ systemId: Id }),
          body: z.object({ edition: z.string().min(1).max(64), targetLevel: z.number().int().min(1).max(3).optional(), assessor: Text(200).optional() }).strict(),
        },
      },
      async (req, reply) => {
        const { resource: system, actor } = await systemFor(req, req.params.systemId, 'system:write');
        if (!catalog.has(req.body.edition)) return reply.code(400).send({ error: 'INVALID_REQUEST', message: `unknown edition "${req.body.edition}"`, problems: [{ path: 'edition', message: `one of ${catalog.editionIds.join(', ')}` }] });
        const assessment = await audited(
          k,
          who(req, actor),
          'assessment.create',
          `system:${system.id}`,
          (trx) => createAssessment(trx, { systemId: system.id, orgId: system.orgId, edition: req.body.edition, targetLevel: req.body.targetLevel, assessor: req.body.assessor }, { actor, at: now() }),
          (a) => ({ assessment: a.id, edition: a.edition }),
        );
        return reply.code(201).send({ assessment });
      },
    );

    app.post(
      '/api/systems/:systemId/assessments/import',
      {
        config: { permission: 'system:write' },
        schema: { tags: ['assessments'], summary: "Import the CLI's YAML assessment file as a new assessment of this system", params: z.object({ systemId: Id }), body: z.string().min(1).max(5 * 1024 * 1024) },
      },
      async (req, reply) => {
        const { resource: system, actor } = await systemFor(req, req.params.systemId, 'system:write');
        const parsed = parseUploadedAssessment(req.body, catalog);
        const at = now();
        const assessment = await audited(
          k,
          who(req, actor),
          'assessment.import',
          `system:${system.id}`,
          async (trx) => {
            const a = await createAssessment(trx, { systemId: system.id, orgId: system.orgId, edition: parsed.edition.id, assessor: parsed.meta.assessor, assessedAt: parsed.meta.assessed_at }, { actor, at });
            for (const [id, ans] of parsed.answers) {
              const refs: EvidenceRefRecord[] = [];
              const links: string[] = [];
              for (const e of ans.evidence ?? []) {
                const known = await findEvidenceBySha(trx, system.orgId, e.sha256);
                if (known) links.push(known.id);
                else refs.push({ ...(e.path ? { path: e.path } : {}), ...(e.url ? { url: e.url } : {}), sha256: e.sha256, ...(e.description ? { description: e.description } : {}) });
              }
              await putAnswer(trx, a.id, id, { status: ans.status, note: ans.note, justification: ans.justification, comparableControl: ans.comparable_control, reliesOn: ans.relies_on, evidenceRefs: refs }, 0, { actor, at });
              for (const l of new Set(links)) await linkEvidence(trx, a.id, id, l, { actor, at });
            }
            await rescore(trx, a, at);
            return (await getAssessment(trx, a.id))!;
          },
          (a) => ({ assessment: a.id, edition: a.edition, answers: parsed.answers.size }),
        );
        return reply.code(201).send({ assessment });
      },
    );

    app.get(
      '/api/assessments/:assessmentId',
      { config: { permission: 'org:read' }, schema: { tags: ['assessments'], summary: 'An assessment with its live scorecard', params: z.object({ assessmentId: Id }), querystring: z.object({ lang: Lang }) } },
      async (req) => {
        const { resource } = await authorise(req, await withRole(req, req.params.assessmentId), 'org:read', noAssessment);
        const { systemName, ...a } = resource;
        const key = `${a.id}/${req.query.lang}`;
        let scorecard = scorecards.get(key, a.revision);
        if (!scorecard) scorecards.set(key, a.revision, (scorecard = scorecardOf(catalog.edition(a.edition), await getAnswers(k, a.id), req.query.lang)));
        return { assessment: a, system: { id: a.systemId, name: systemName }, scorecard };
      },
    );

    app.get(
      '/api/assessments/:assessmentId/checklist',
      { config: { permission: 'org:read' }, schema: { tags: ['assessments'], summary: 'Every requirement by aspect and control, with its answer and evidence', params: z.object({ assessmentId: Id }), querystring: z.object({ lang: Lang }) } },
      async (req, reply) => {
        const { resource: a } = await authorise(req, await withRole(req, req.params.assessmentId), 'org:read', noAssessment);
        const key = `${a.id}/${req.query.lang}`;
        const cached = checklists.get(key, a.revision);
        if (cached) return reply.header('content-type', 'application/json; charset=utf-8').send(cached);
        const [answers, linked] = await Promise.all([getAnswers(k, a.id), linkedEvidence(k, a.id)]);
        const body = JSON.stringify(checklistOf(catalog.edition(a.edition), answers, linked, req.query.lang));
        checklists.set(key, a.revision, body);
        return reply.header('content-type', 'application/json; charset=utf-8').send(body);
      },
    );

    app.put(
      '/api/assessments/:assessmentId/answers/:requirementId',
      {
        config: { permission: 'answer:write' },
        schema: {
          tags: ['assessments'],
          summary: 'Answer a requirement. Send the version you read (0 for a first answer); a stale version is 409 with the current answer.',
          params: z.object({ assessmentId: Id, requirementId: RequirementId }),
          body: AnswerBody,
        },
      },
      async (req, reply) => {
        const { resource: a, actor } = await assessmentFor(req, req.params.assessmentId, 'answer:write');
        const edition = catalog.edition(a.edition);
        const rid = req.params.requirementId;
        if (!indexEdition(edition).requirement(rid)) return reply.code(404).send({ error: 'REQUIREMENT_NOT_FOUND', message: `${rid} is not a requirement of ${edition.id}` });
        const b = req.body;
        // Only the field the status carries is kept (switching status away from e.g. not_applicable
        // drops its justification, which would otherwise make the exported file invalid).
        const carry = STATUS_RULES[b.status as Status].mustCarry;
        const fields = {
          status: b.status,
          note: b.note || null,
          justification: carry === 'justification' ? b.justification || null : null,
          comparableControl: carry === 'comparable_control' ? b.comparableControl || null : null,
          reliesOn: carry === 'relies_on' ? b.reliesOn || null : null,
        };
        const problem = answerProblem({
          status: b.status,
          ...(fields.justification ? { justification: fields.justification } : {}),
          ...(fields.comparableControl ? { comparable_control: fields.comparableControl } : {}),
          ...(fields.reliesOn ? { relies_on: fields.reliesOn } : {}),
        });
        const camel = { justification: 'justification', comparable_control: 'comparableControl', relies_on: 'reliesOn' } as const;
        if (problem) return reply.code(400).send({ error: 'INVALID_REQUEST', message: problem, problems: [{ path: carry ? camel[carry] : 'status', message: problem }] });
        const at = now();
        const result = await audited(
          k,
          who(req, actor),
          'answer.set',
          `assessment:${a.id}/${rid}`,
          async (trx) => {
            const prior = await getAnswer(trx, a.id, rid);
            const answer = await putAnswer(trx, a.id, rid, { ...fields, evidenceRefs: prior?.evidenceRefs ?? [] }, b.version, { actor, at });
            const scorecard = await rescore(trx, a, at);
            return { answer, scorecard };
          },
          (r) => ({ status: r.answer.status, version: r.answer.version, level: r.scorecard.level }),
        );
        return result;
      },
    );

    app.get(
      '/api/assessments/:assessmentId/answers/:requirementId/history',
      { config: { permission: 'org:read' }, schema: { tags: ['assessments'], summary: 'Every version of an answer, oldest first', params: z.object({ assessmentId: Id, requirementId: RequirementId }) } },
      async (req) => {
        const { resource: a } = await assessmentFor(req, req.params.assessmentId, 'org:read');
        return { history: await answerHistory(k, a.id, req.params.requirementId) };
      },
    );

    app.get(
      '/api/assessments/:assessmentId/gaps',
      {
        config: { permission: 'org:read' },
        schema: { tags: ['assessments'], summary: 'What is missing to reach a level', params: z.object({ assessmentId: Id }), querystring: z.object({ target: z.coerce.number().int().min(1).max(3).optional(), lang: Lang }) },
      },
      async (req) => {
        const { resource: a } = await assessmentFor(req, req.params.assessmentId, 'org:read');
        const answers = await getAnswers(k, a.id);
        const edition = catalog.edition(a.edition);
        const current = scorecardOf(edition, answers).level;
        const target = (req.query.target ?? a.targetLevel ?? Math.min(3, current + 1)) as Level;
        return gapsOfAssessment(edition, answers, target, req.query.lang);
      },
    );

    app.get(
      '/api/assessments/:assessmentId/levels',
      { config: { permission: 'org:read' }, schema: { tags: ['assessments'], summary: 'The system level over time (a point each time it changed)', params: z.object({ assessmentId: Id }) } },
      async (req) => {
        const { resource: a } = await assessmentFor(req, req.params.assessmentId, 'org:read');
        return { points: await levelPoints(k, a.id) };
      },
    );

    const exportText = async (a: AssessmentRecord) => {
      const system = (await getSystem(k, a.systemId))!;
      return exportAssessmentYaml({ assessment: a, system, organization: await orgName(a.orgId), answers: await getAnswers(k, a.id), linked: await linkedEvidence(k, a.id), edition: catalog.edition(a.edition) });
    };
    const fileBase = (s: System, a: AssessmentRecord) => `${s.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'system'}-${a.edition}`;

    app.get(
      '/api/assessments/:assessmentId/export',
      { config: { permission: 'org:read' }, schema: { tags: ['assessments'], summary: "The assessment as the CLI's YAML file (imports back without loss)", params: z.object({ assessmentId: Id }) } },
      async (req, reply) => {
        const { resource: a } = await assessmentFor(req, req.params.assessmentId, 'org:read');
        const system = (await getSystem(k, a.systemId))!;
        return reply
          .header('content-type', 'text/yaml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${fileBase(system, a)}.yaml"`)
          .send(await exportText(a));
      },
    );

    app.get(
      '/api/assessments/:assessmentId/report',
      {
        config: { permission: 'org:read' },
        schema: {
          tags: ['assessments'],
          summary: "The CLI's report (pdf, html, md, json or OSCAL) as a download",
          params: z.object({ assessmentId: Id }),
          querystring: z.object({ format: z.enum(['pdf', 'html', 'md', 'json', 'oscal']).default('pdf'), lang: Lang, target: z.coerce.number().int().min(1).max(3).optional() }),
        },
      },
      async (req, reply) => {
        const { resource: a } = await assessmentFor(req, req.params.assessmentId, 'org:read');
        const system = (await getSystem(k, a.systemId))!;
        const parsed = parseUploadedAssessment(await exportText(a), catalog, `${fileBase(system, a)}.yaml`);
        const linked = await linkedEvidence(k, a.id);
        const stored = new Set([...linked.values()].flat().map((e) => e.sha256));
        const evidence: EvidenceCheck[] = parsed.evidence.map((e) => ({
          key: e.key,
          ref: e.path ?? e.url ?? '',
          sha256: e.sha256,
          state: stored.has(e.sha256) && deps.evidence?.has(e.sha256) ? 'verified' : 'not-checked',
          ...(e.description ? { description: e.description } : {}),
        }));
        const model = buildReportModel(parsed, { generatedAt: now().toISOString(), lang: req.query.lang as Lang, evidence, ...(req.query.target ? { target: req.query.target as Level } : {}) });
        const data = await render(req.query.format, model, { uuid: randomUUID, ...(deps.cjkFont ? { font: deps.cjkFont } : {}) });
        const ext = req.query.format === 'oscal' ? 'oscal.json' : req.query.format;
        const types = { pdf: 'application/pdf', html: 'text/html; charset=utf-8', md: 'text/markdown; charset=utf-8', json: 'application/json', oscal: 'application/json' } as const;
        return reply
          .header('content-type', types[req.query.format])
          .header('content-disposition', `attachment; filename="${fileBase(system, a)}-report.${ext}"`)
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
          .send(typeof data === 'string' ? data : Buffer.from(data));
      },
    );

  };
}
