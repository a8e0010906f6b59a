/**
 * CCSS audits on the platform (issue 5): the auditor registry, engagements from planning to
 * sign-off, testing per requirement, information produced by the entity, sampling, remediation,
 * peer review with threaded queries and working-day deadlines, and the audit's outputs.
 *
 * Every route is authorised on the server (authz.ts `requireEngagement`); every change is written
 * with its audit-log entry in one transaction, and a refused request changes nothing. The rules
 * are @keygrade/audit's; this file loads, checks states and stores.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { indexEdition, type Catalog, type Lang } from '@keygrade/catalog';
import { BaseError } from '@keygrade/errors';
import {
  AuditError,
  FREQUENCIES,
  RISKS,
  SELECTION_METHODS,
  assertCanStartReview,
  assertCanStartWork,
  drawSample,
  parsePopulation,
  parseSeed,
  peerReviewConflicts,
  peerReviewDeadlines,
  summariseResults,
  validateEngagement,
  workingCalendar,
  type Engagement,
  type EngagementInput,
} from '@keygrade/audit';
import { answerProblem, STATUSES, type Status } from '@keygrade/scoring';
import {
  addEngagementMember,
  addRecord,
  addReviewMessage,
  audited,
  createEngagement,
  engagementMembers,
  findAuditorByEmail,
  getAnswers,
  getAssessment,
  getAuditor,
  getEngagement,
  evidenceByIds,
  getEvidence,
  getRecord,
  getSystem,
  getTests,
  listAuditors,
  listEvidence,
  listOrgEngagements,
  listRecords,
  listUserEngagements,
  priorAuditsOf,
  putAuditor,
  putTest,
  removeEngagementMember,
  reviewMessages,
  seedTests,
  updateEngagement,
  updateRecord,
  type Db,
  type Evidence,
  type EngagementRow,
} from '@keygrade/db';
import type { AppDeps } from '../app.js';
import { ApiError, requireAdmin, requireEngagement, requireOrg, requireUser, type EngagementAccess, type EngagementPermission } from '../authz.js';
import type { EvidenceStore } from '../domain/evidence-store.js';
import { conclusionOf, conclusionSummary, engagementView, threadsOf, type IpeBody, type RemediationBody, type SampleBody } from '../domain/engagement-view.js';
import { auditOutputs } from '../domain/audit-outputs.js';
import { sendEvidenceFile } from './evidence.js';

export type EngagementErrorCode = 'ENGAGEMENT_STATE' | 'AUDITOR_NOT_FOUND' | 'AUDITOR_NOT_ACCREDITED' | 'REVIEWER_CONFLICT' | 'REVIEW_OPEN_QUERIES' | 'ENGAGEMENT_INVALID' | 'THREAD_NOT_FOUND' | 'RECORD_NOT_FOUND' | 'REVIEWER_CHANGE_LATE';
/** Refusals of the audit workflow; the message says what to do. */
export class EngagementError extends BaseError<EngagementErrorCode> {}

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const RequirementId = z.string().min(1).max(64).regex(/^[0-9A-Za-z.]+$/, 'a requirement id such as 1.1.1.L1 or 1.01.3.1');
const Text = (max: number) => z.string().trim().max(max);
const Required = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD');
const Email = z.string().trim().toLowerCase().email('an email address').max(320);
const Disclosure = z.object({ conflict: z.boolean(), details: Text(2000).optional() }).strict();
const TECHNIQUES = ['inquiry', 'inspection', 'observation', 'reperformance', 'not_applicable'] as const;
const Lang = z.enum(['en', 'zh-CN']).default('en');

const today = (now: Date) => now.toISOString().slice(0, 10);
const json = (v: unknown) => v;

/** Everything the engagement view and the outputs need, loaded once for the caller's access. */
export function engagementLoader(db: Db, catalog: Catalog) {
  const k = db.kysely;
  return async (a: EngagementAccess, lang: Lang = 'en') => {
    const e = a.engagement;
    const [members, tests, ipe, samples, remediation, messages] = await Promise.all([
      engagementMembers(k, e.id),
      getTests(k, e.id),
      listRecords<IpeBody>(k, e.id, 'ipe'),
      listRecords<SampleBody>(k, e.id, 'sample'),
      listRecords<RemediationBody>(k, e.id, 'remediation'),
      reviewMessages(k, e.id),
    ]);
    // Only the evidence the work refers to, not the auditee's whole library.
    const referenced = [...tests.flatMap((t) => [...t.evidenceIds, ...t.techniques.flatMap((x) => x.evidenceIds ?? [])]), ...ipe.flatMap((i) => (i.body.evidenceId ? [i.body.evidenceId] : []))];
    const evidence = referenced.length > 0 ? await evidenceByIds(k, e.orgId, referenced) : [];
    const edition = catalog.edition(e.edition);
    let live: ReturnType<typeof conclusionSummary> | { error: string; problems: readonly { path?: string; message: string }[] };
    try {
      live = conclusionSummary(conclusionOf(edition, tests, samples));
    } catch (err) {
      if (!(err instanceof AuditError)) throw err;
      live = { error: err.message, problems: err.problems };
    }
    return { access: a, doc: e.doc as Engagement, edition, lang, members, tests, ipe, samples, remediation, messages, evidence: new Map(evidence.map((x): [string, Evidence] => [x.id, x])), live };
  };
}

export function engagementRoutes(deps: AppDeps & { catalog: Catalog; evidence: EvidenceStore }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const catalog = deps.catalog;
  const who = (req: FastifyRequest, actor: string) => ({ actor, requestId: req.id, at: now() });
  const by = (actor: string) => ({ actor, at: now() });

  const access = (req: FastifyRequest, id: string, p: EngagementPermission) => requireEngagement(req, id, p);
  const docOf = (e: EngagementRow) => e.doc as Engagement;
  const state = (e: EngagementRow, allowed: readonly EngagementRow['status'][], action: string) => {
    if (!allowed.includes(e.status)) throw new EngagementError('ENGAGEMENT_STATE', `${action} is possible when the engagement is ${allowed.join(' or ')}; it is ${e.status}`);
  };
  const requirementOf = (e: EngagementRow, requirementId: string) => {
    if (!indexEdition(catalog.edition(e.edition)).requirement(requirementId)) throw new EngagementError('ENGAGEMENT_INVALID', `${requirementId} is not a requirement of ${e.edition}`, { problems: [{ path: 'requirementId', message: `not a requirement of ${e.edition}` }] });
  };
  const evidenceOfOrg = async (orgId: string, ids: readonly string[], path: string) => {
    if (ids.length === 0) return;
    const known = new Set((await evidenceByIds(k, orgId, ids)).map((x) => x.id));
    const i = ids.findIndex((id) => !known.has(id));
    if (i >= 0) throw new EngagementError('ENGAGEMENT_INVALID', `evidence ${ids[i]!} is not in the auditee's evidence library`, { problems: [{ path: `${path}.${i}`, message: 'unknown evidence' }] });
  };
  const accredited = (a: { accreditedFrom: string; accreditedUntil: string }, on: string) => a.accreditedFrom <= on && on <= a.accreditedUntil;

  const systemWriter = async (req: FastifyRequest, systemId: string) => {
    const system = await getSystem(k, systemId);
    const noSystem = () => new ApiError(404, 'SYSTEM_NOT_FOUND', 'no such system');
    if (!system) throw noSystem();
    const p = await requireOrg(req, system.orgId, 'system:write').catch((e: unknown) => {
      throw (e as { statusCode?: number }).statusCode === 404 ? noSystem() : e;
    });
    return { system, p };
  };

  const load = engagementLoader(deps.db, catalog);

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    // ---- auditor registry (instance administrator) --------------------------------------------
    app.get('/api/admin/auditors', { config: { permission: 'admin' }, schema: { tags: ['audits'], summary: 'Accredited auditors (CCSSA) of this instance' } }, async (req) => {
      await requireAdmin(req);
      return { auditors: await listAuditors(k) };
    });

    app.post(
      '/api/admin/auditors',
      {
        config: { permission: 'admin' },
        schema: {
          tags: ['audits'],
          summary: 'Register an accredited auditor (an existing account) with firm and accreditation dates',
          body: z.object({ email: Email, firmId: Id, firmName: Required(200), accreditedFrom: IsoDate, accreditedUntil: IsoDate }).strict(),
        },
      },
      async (req, reply) => {
        const p = await requireAdmin(req);
        const b = req.body;
        if (b.accreditedUntil < b.accreditedFrom) throw new EngagementError('ENGAGEMENT_INVALID', 'accreditedUntil is before accreditedFrom', { problems: [{ path: 'accreditedUntil', message: `must be on or after ${b.accreditedFrom}` }] });
        const user = await k.selectFrom('app_user').select(['id']).where('email', '=', b.email).executeTakeFirst();
        if (!user) throw new EngagementError('AUDITOR_NOT_FOUND', `no account with the email ${b.email}: the auditor signs up first`, { problems: [{ path: 'email', message: 'no such account' }] });
        await audited(k, who(req, p.actor), 'auditor.register', `user:${user.id}`, (trx) => putAuditor(trx, user.id, b, by(p.actor)), () => ({ firm: b.firmId, from: b.accreditedFrom, until: b.accreditedUntil }));
        return reply.code(201).send({ auditor: await getAuditor(k, user.id) });
      },
    );

    // ---- engagements ---------------------------------------------------------------------------
    app.post(
      '/api/systems/:systemId/engagements',
      {
        config: { permission: 'system:write' },
        // Authorised before the body is validated, so a caller without access learns nothing from a 400.
        preValidation: async (req) => void (await systemWriter(req, (req.params as { systemId: string }).systemId)),
        schema: {
          tags: ['audits'],
          summary: 'Engage an accredited auditor for a readiness assessment or a certification audit of the system',
          params: z.object({ systemId: Id }),
          body: z
            .object({
              type: z.enum(['readiness', 'certification']),
              edition: Required(64),
              firstAudit: z.boolean().default(false),
              period: z.object({ start: IsoDate, end: IsoDate }).strict(),
              agreementReference: Required(500),
              leadAuditorEmail: Email,
              fromAssessmentId: Id.optional(),
              followsId: Id.optional(),
              holidays: z.array(IsoDate).max(400).default([]),
            })
            .strict(),
        },
      },
      async (req, reply) => {
        const { system, p } = await systemWriter(req, req.params.systemId);
        const b = req.body;
        const lead = await findAuditorByEmail(k, b.leadAuditorEmail);
        if (!lead) throw new EngagementError('AUDITOR_NOT_FOUND', `${b.leadAuditorEmail} is not an accredited auditor on this instance`, { problems: [{ path: 'leadAuditorEmail', message: 'not an accredited auditor' }] });
        if (!accredited(lead, today(now()))) throw new EngagementError('AUDITOR_NOT_ACCREDITED', `${lead.email}'s accreditation runs ${lead.accreditedFrom} to ${lead.accreditedUntil}; it does not cover today`, { problems: [{ path: 'leadAuditorEmail', message: 'accreditation not current' }] });
        workingCalendar({ holidays: b.holidays });
        const org = await k.selectFrom('org').select(['id', 'name']).where('id', '=', system.orgId).executeTakeFirstOrThrow();
        const input: EngagementInput = {
          edition: b.edition,
          type: b.type,
          firstAudit: b.firstAudit,
          auditorFirm: { id: lead.firmId, name: lead.firmName },
          auditors: [{ id: lead.userId, name: lead.name, lead: true }],
          auditee: { organization: { id: org.id, name: org.name }, system: { id: system.id, name: system.name } },
          period: b.period,
          agreementReference: b.agreementReference,
          declarations: [],
        };
        const doc = validateEngagement(input, { knownEditions: catalog.editionIds });
        let claims: { requirementId: string; status: string; note: string | null }[] = [];
        if (b.fromAssessmentId) {
          const a = await getAssessment(k, b.fromAssessmentId);
          if (!a || a.systemId !== system.id) throw new EngagementError('ENGAGEMENT_INVALID', 'the self-assessment to start from is not an assessment of this system', { problems: [{ path: 'fromAssessmentId', message: 'not an assessment of this system' }] });
          if (a.edition !== b.edition) throw new EngagementError('ENGAGEMENT_INVALID', `the self-assessment is against ${a.edition}, the engagement against ${b.edition}`, { problems: [{ path: 'fromAssessmentId', message: `edition ${a.edition} differs` }] });
          const index = indexEdition(catalog.edition(b.edition));
          claims = (await getAnswers(k, a.id)).filter((x) => index.requirement(x.requirementId)).map((x) => ({ requirementId: x.requirementId, status: x.status, note: x.note }));
        }
        if (b.followsId) {
          const prior = await getEngagement(k, b.followsId);
          if (!prior || prior.systemId !== system.id || prior.type !== 'readiness') throw new EngagementError('ENGAGEMENT_INVALID', 'followsId must name a readiness assessment of this system', { problems: [{ path: 'followsId', message: 'not a readiness assessment of this system' }] });
          if (b.type !== 'certification') throw new EngagementError('ENGAGEMENT_INVALID', 'only a certification audit follows a readiness assessment', { problems: [{ path: 'followsId', message: 'type must be certification' }] });
          const open = (await listRecords<RemediationBody>(k, prior.id, 'remediation')).filter((r) => r.body.status !== 'done');
          if (open.length > 0) {
            throw new EngagementError('ENGAGEMENT_INVALID', `the audit period can start after remediation: ${open.length} remediation item${open.length === 1 ? ' is' : 's are'} still open`, {
              problems: open.map((r) => ({ path: `remediation.${r.id}`, message: `${r.body.requirementId}: ${r.body.description} (owner ${r.body.owner}, due ${r.body.dueDate})` })),
            });
          }
          const lastClosed = (await listRecords<RemediationBody>(k, prior.id, 'remediation')).reduce((m, r) => (r.body.closedOn && r.body.closedOn > m ? r.body.closedOn : m), '');
          if (lastClosed && b.period.start <= lastClosed) throw new EngagementError('ENGAGEMENT_INVALID', `the audit period must start after remediation (last item closed ${lastClosed})`, { problems: [{ path: 'period.start', message: `must be after ${lastClosed}` }] });
        }
        const e = await audited(
          k,
          who(req, p.actor),
          'engagement.create',
          `system:${system.id}`,
          async (trx) => {
            const created = await createEngagement(trx, { orgId: system.orgId, systemId: system.id, type: b.type, edition: b.edition, doc, sourceAssessmentId: b.fromAssessmentId ?? null, followsId: b.followsId ?? null, holidays: b.holidays, leadAuditorId: lead.userId }, by(p.actor));
            if (claims.length > 0) await seedTests(trx, created.id, claims, by(p.actor));
            return created;
          },
          (x) => ({ engagement: x.id, type: x.type, edition: x.edition, period: doc.period, lead: lead.userId, fromAssessment: b.fromAssessmentId ?? null }),
        );
        return reply.code(201).send({ engagement: { id: e.id, status: e.status, version: e.version } });
      },
    );

    app.get('/api/orgs/:orgId/engagements', { config: { permission: 'org:read' }, schema: { tags: ['audits'], summary: "Engagements of an organization's systems (as auditee), optionally of one system", params: z.object({ orgId: Id }), querystring: z.object({ systemId: Id.optional() }) } }, async (req) => {
      await requireOrg(req, req.params.orgId, 'org:read');
      const list = (await listOrgEngagements(k, req.params.orgId)).filter((e) => !req.query.systemId || e.systemId === req.query.systemId);
      return { engagements: list.map((e) => ({ id: e.id, systemId: e.systemId, system: docOf(e).auditee.system.name, type: e.type, edition: e.edition, status: e.status, period: docOf(e).period, auditorFirm: docOf(e).auditorFirm.name, signedOffAt: e.signedOffAt })) };
    });

    app.get('/api/engagements', { config: { permission: 'user' }, schema: { tags: ['audits'], summary: 'Engagements where you are an auditor or the peer reviewer' } }, async (req) => {
      const u = await requireUser(req);
      const list = await listUserEngagements(k, u.userId);
      return {
        engagements: list.map((e) => ({ id: e.id, roles: e.roles, organization: docOf(e).auditee.organization.name, system: docOf(e).auditee.system.name, type: e.type, edition: e.edition, status: e.status, period: docOf(e).period, auditorFirm: docOf(e).auditorFirm.name })),
      };
    });

    app.get(
      '/api/engagements/:engagementId',
      { config: { permission: 'engagement:read' }, schema: { tags: ['audits'], summary: 'The engagement as you may see it (auditor, peer reviewer or auditee)', params: z.object({ engagementId: Id }), querystring: z.object({ lang: Lang }) } },
      async (req) => engagementView(await load(await access(req, req.params.engagementId, 'engagement:read'), req.query.lang)),
    );

    // ---- members, declarations, start ----------------------------------------------------------
    app.post(
      '/api/engagements/:engagementId/members',
      {
        config: { permission: 'engagement:lead' },
        schema: { tags: ['audits'], summary: 'Add an auditor, or assign the peer reviewer (conflict-checked)', params: z.object({ engagementId: Id }), body: z.object({ email: Email, role: z.enum(['auditor', 'peer_reviewer']), version: z.number().int().min(1) }).strict() },
      },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:lead');
        const e = a.engagement;
        state(e, ['planning', 'fieldwork'], req.body.role === 'auditor' ? 'adding an auditor' : 'assigning the peer reviewer');
        const person = await findAuditorByEmail(k, req.body.email);
        if (!person) throw new EngagementError('AUDITOR_NOT_FOUND', `${req.body.email} is not an accredited auditor on this instance`, { problems: [{ path: 'email', message: 'not an accredited auditor' }] });
        if (!accredited(person, today(now()))) throw new EngagementError('AUDITOR_NOT_ACCREDITED', `${person.email}'s accreditation runs ${person.accreditedFrom} to ${person.accreditedUntil}; it does not cover today`, { problems: [{ path: 'email', message: 'accreditation not current' }] });
        const doc = docOf(e);
        let next: Engagement;
        if (req.body.role === 'auditor') {
          if (person.firmId !== doc.auditorFirm.id) throw new EngagementError('ENGAGEMENT_INVALID', `${person.email} is with ${person.firmName}, not the engaged firm ${doc.auditorFirm.name}`, { problems: [{ path: 'email', message: 'another firm' }] });
          if (doc.auditors.some((x) => x.id === person.userId)) throw new EngagementError('ENGAGEMENT_INVALID', `${person.email} is already an auditor of this engagement`, { problems: [{ path: 'email', message: 'already an auditor' }] });
          next = { ...doc, auditors: [...doc.auditors, { id: person.userId, name: person.name }] };
        } else {
          if (doc.peerReviewer) throw new EngagementError('ENGAGEMENT_INVALID', `${doc.peerReviewer.name} is already the peer reviewer; ask for another reviewer first`, { problems: [{ path: 'role', message: 'a reviewer is assigned' }] });
          const reasons = peerReviewConflicts({ reviewer: { id: person.userId, name: person.name, firmId: person.firmId }, auditorFirmId: doc.auditorFirm.id, auditorIds: doc.auditors.map((x) => x.id), systemId: e.systemId, priorAudits: await priorAuditsOf(k, e.systemId, e.id) });
          if (reasons.length > 0) throw new EngagementError('REVIEWER_CONFLICT', `${person.email} may not review this audit`, { problems: reasons.map((r) => ({ path: 'email', message: `${r.code}: ${r.message}` })) });
          next = { ...doc, peerReviewer: { id: person.userId, name: person.name, firm: { id: person.firmId, name: person.firmName } } };
        }
        const validated = validateEngagement(next, { knownEditions: catalog.editionIds });
        await audited(
          k,
          who(req, a.principal.actor),
          req.body.role === 'auditor' ? 'engagement.auditor.add' : 'engagement.reviewer.assign',
          `engagement:${e.id}`,
          async (trx) => {
            await updateEngagement(trx, e.id, req.body.version, { doc: validated }, by(a.principal.actor));
            await addEngagementMember(trx, e.id, person.userId, req.body.role, by(a.principal.actor));
          },
          () => ({ user: person.userId, role: req.body.role }),
        );
        return reply.code(201).send({ member: { userId: person.userId, name: person.name, role: req.body.role, firm: person.firmName } });
      },
    );

    app.post(
      '/api/engagements/:engagementId/reviewer/replace',
      {
        config: { permission: 'engagement:lead' },
        schema: {
          tags: ['audits'],
          summary: 'Ask for another peer reviewer (conflict of interest; within 2 working days of assignment once the review started)',
          params: z.object({ engagementId: Id }),
          body: z.object({ reason: Required(4000), version: z.number().int().min(1) }).strict(),
        },
      },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:lead');
        const e = a.engagement;
        state(e, ['planning', 'fieldwork', 'in_review'], 'replacing the peer reviewer');
        const doc = docOf(e);
        if (!doc.peerReviewer) throw new EngagementError('ENGAGEMENT_INVALID', 'no peer reviewer is assigned', { problems: [{ path: 'reviewer', message: 'none assigned' }] });
        if (e.status === 'in_review' && e.reviewAssignedOn) {
          const by2 = peerReviewDeadlines({ assignedOn: e.reviewAssignedOn, calendar: { holidays: e.holidays } }).requestAnotherReviewerBy;
          if (today(now()) > by2) throw new EngagementError('REVIEWER_CHANGE_LATE', `another reviewer could be requested until ${by2} (2 working days after the review was assigned on ${e.reviewAssignedOn})`);
        }
        const reviewerId = doc.peerReviewer.id;
        const { peerReviewer: _gone, ...rest } = doc;
        void _gone;
        const next = { ...rest, declarations: doc.declarations.filter((d) => !(d.role === 'peer_reviewer' && d.personId === reviewerId)) };
        await audited(
          k,
          who(req, a.principal.actor),
          'engagement.reviewer.replace',
          `engagement:${e.id}`,
          async (trx) => {
            await updateEngagement(trx, e.id, req.body.version, { doc: next, status: e.status === 'in_review' ? 'fieldwork' : e.status, reviewAssignedOn: null, queriesRaisedOn: null }, by(a.principal.actor));
            await removeEngagementMember(trx, e.id, reviewerId, 'peer_reviewer');
          },
          () => ({ reviewer: reviewerId, reason: req.body.reason }),
        );
        return { replaced: reviewerId };
      },
    );

    app.post(
      '/api/engagements/:engagementId/declarations',
      {
        config: { permission: 'engagement:member' },
        schema: {
          tags: ['audits'],
          summary: 'Declare your conflicts of interest for this engagement (employment, family, financial interest)',
          params: z.object({ engagementId: Id }),
          body: z.object({ role: z.enum(['auditor', 'peer_reviewer']), employment: Disclosure, family: Disclosure, financialInterest: Disclosure }).strict(),
        },
      },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:member');
        const e = a.engagement;
        state(e, ['planning', 'fieldwork', 'in_review'], 'declaring conflicts of interest');
        if (req.body.role === 'auditor' ? !a.isAuditor : !a.isReviewer) throw new ApiError(403, 'FORBIDDEN', `you are not ${req.body.role === 'auditor' ? 'an auditor' : 'the peer reviewer'} of this engagement`);
        const doc = docOf(e);
        const declaration = { personId: a.principal.userId, role: req.body.role, declaredOn: today(now()), employment: req.body.employment, family: req.body.family, financialInterest: req.body.financialInterest };
        const next = validateEngagement({ ...doc, declarations: [...doc.declarations, declaration] }, { knownEditions: catalog.editionIds });
        await audited(k, who(req, a.principal.actor), 'engagement.declare', `engagement:${e.id}`, (trx) => updateEngagement(trx, e.id, e.version, { doc: next }, by(a.principal.actor)), () => ({ ...declaration }));
        return reply.code(201).send({ declaration });
      },
    );

    app.post(
      '/api/engagements/:engagementId/start',
      { config: { permission: 'engagement:lead' }, schema: { tags: ['audits'], summary: 'Start fieldwork (every auditor has declared no conflict)', params: z.object({ engagementId: Id }), body: z.object({ version: z.number().int().min(1) }).strict() } },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:lead');
        const e = a.engagement;
        state(e, ['planning'], 'starting fieldwork');
        assertCanStartWork(docOf(e), today(now()));
        const next = await audited(k, who(req, a.principal.actor), 'engagement.start', `engagement:${e.id}`, (trx) => updateEngagement(trx, e.id, req.body.version, { status: 'fieldwork' }, by(a.principal.actor)), () => ({ on: today(now()) }));
        return { engagement: { id: next.id, status: next.status, version: next.version } };
      },
    );

    // ---- testing per requirement -----------------------------------------------------------------
    app.put(
      '/api/engagements/:engagementId/tests/:requirementId',
      {
        config: { permission: 'engagement:audit' },
        schema: {
          tags: ['audits'],
          summary: 'Record the testing of a requirement: techniques with notes and evidence, and the finding',
          params: z.object({ engagementId: Id, requirementId: RequirementId }),
          body: z
            .object({
              version: z.number().int().min(0),
              techniques: z.array(z.object({ technique: z.enum(TECHNIQUES), notes: Text(20000).optional(), evidenceIds: z.array(Id).max(100).optional() }).strict()).max(10),
              status: z.enum(STATUSES).nullable(),
              comparableControl: Text(20000).nullish(),
              reliesOn: Text(2000).nullish(),
              justification: Text(20000).nullish(),
              rationale: Text(20000).nullish(),
              auditorNotes: Text(20000).nullish(),
              evidenceIds: z.array(Id).max(100).optional(),
            })
            .strict(),
        },
      },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:audit');
        const e = a.engagement;
        state(e, ['fieldwork', 'in_review'], 'recording tests');
        requirementOf(e, req.params.requirementId);
        const b = req.body;
        const problems: { path: string; message: string }[] = [];
        if (b.status !== null && b.status !== 'not_assessed') {
          const p = answerProblem({ status: b.status as Status, ...(b.comparableControl ? { comparable_control: b.comparableControl } : {}), ...(b.reliesOn ? { relies_on: b.reliesOn } : {}), ...(b.justification ? { justification: b.justification } : {}) });
          if (p) problems.push({ path: 'status', message: p });
          if (!b.techniques.length) problems.push({ path: 'techniques', message: 'record at least one technique performed (or not_applicable) before concluding' });
        }
        const techs = new Set<string>();
        b.techniques.forEach((t, i) => {
          if (techs.has(t.technique)) problems.push({ path: `techniques.${i}.technique`, message: `${t.technique} is listed twice` });
          techs.add(t.technique);
        });
        if (problems.length > 0) throw new EngagementError('ENGAGEMENT_INVALID', 'the test record is not valid', { problems });
        await evidenceOfOrg(e.orgId, b.evidenceIds ?? [], 'evidenceIds');
        for (const [i, t] of b.techniques.entries()) await evidenceOfOrg(e.orgId, t.evidenceIds ?? [], `techniques.${i}.evidenceIds`);
        const status = b.status === 'not_assessed' ? null : b.status;
        const test = await audited(
          k,
          who(req, a.principal.actor),
          'engagement.test',
          `engagement:${e.id}:${req.params.requirementId}`,
          (trx) => putTest(trx, e.id, req.params.requirementId, { ...b, status }, b.version, by(a.principal.actor)),
          (t) => ({ status: t.status, techniques: t.techniques.map((x) => x.technique), version: t.version }),
        );
        return { test };
      },
    );

    // ---- information produced by the entity ------------------------------------------------------
    app.post(
      '/api/engagements/:engagementId/ipe',
      {
        config: { permission: 'engagement:audit' },
        schema: {
          tags: ['audits'],
          summary: 'Record a report or population the entity produced (information produced by the entity)',
          params: z.object({ engagementId: Id }),
          body: z
            .object({
              requirementId: RequirementId.optional(),
              title: Required(300),
              generatedOn: IsoDate,
              sourceSystem: Required(500),
              tool: Required(500),
              owner: Required(300),
              parameters: Required(20000),
              completenessAccuracy: Required(20000),
              evidenceId: Id.optional(),
            })
            .strict(),
        },
      },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:audit');
        const e = a.engagement;
        state(e, ['planning', 'fieldwork', 'in_review'], 'recording entity-produced information');
        if (req.body.requirementId) requirementOf(e, req.body.requirementId);
        if (req.body.evidenceId) await evidenceOfOrg(e.orgId, [req.body.evidenceId], 'evidenceId');
        const body: IpeBody = req.body;
        const rec = await audited(k, who(req, a.principal.actor), 'engagement.ipe', `engagement:${e.id}`, (trx) => addRecord(trx, e.id, 'ipe', body.requirementId ?? null, body, by(a.principal.actor)), (r) => ({ id: r.id, ...body }));
        return reply.code(201).send({ ipe: { id: rec.id, ...rec.body } });
      },
    );

    // ---- sampling --------------------------------------------------------------------------------
    app.post(
      '/api/engagements/:engagementId/samples',
      {
        config: { permission: 'engagement:audit' },
        schema: {
          tags: ['audits'],
          summary: 'Upload a population (CSV) and draw a reproducible sample: size from the table, seeded random or systematic selection, or judgement',
          params: z.object({ engagementId: Id }),
          body: z
            .object({
              requirementId: RequirementId,
              title: Required(300),
              populationCsv: z.string().min(1, 'must not be empty').max(5 * 1024 * 1024).optional(),
              populationEvidenceId: Id.optional(),
              populationFile: Text(300).optional(),
              frequency: z.enum(FREQUENCIES),
              risk: z.enum(RISKS),
              method: z.enum(SELECTION_METHODS),
              seed: z.string().trim().max(200).optional(),
              override: z.object({ size: z.number().int().min(1), rationale: Text(4000) }).strict().optional(),
              judgement: z.object({ ids: z.array(z.string().min(1).max(300)).min(1).max(10000), rationale: Text(4000) }).strict().optional(),
              ipeId: Id.optional(),
            })
            .strict(),
        },
      },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:audit');
        const e = a.engagement;
        state(e, ['fieldwork', 'in_review'], 'sampling');
        const b = req.body;
        requirementOf(e, b.requirementId);
        if (b.ipeId && !(await getRecord(k, e.id, b.ipeId, 'ipe'))) throw new EngagementError('RECORD_NOT_FOUND', `no entity-produced information record ${b.ipeId} in this engagement`, { problems: [{ path: 'ipeId', message: 'unknown record' }] });
        // The population: uploaded as CSV text, or a CSV file of the auditee's evidence library.
        if ((b.populationCsv === undefined) === (b.populationEvidenceId === undefined)) {
          throw new EngagementError('ENGAGEMENT_INVALID', 'give the population either as populationCsv or as populationEvidenceId (a CSV file in the evidence library)', { problems: [{ path: 'populationCsv', message: 'exactly one of populationCsv and populationEvidenceId' }] });
        }
        let csv = b.populationCsv;
        let populationFile = b.populationFile ?? 'population.csv';
        if (b.populationEvidenceId !== undefined) {
          const ev = await getEvidence(k, b.populationEvidenceId);
          if (!ev || ev.orgId !== e.orgId || !deps.evidence.has(ev.sha256)) throw new EngagementError('ENGAGEMENT_INVALID', 'the population evidence is not in the auditee\'s evidence library', { problems: [{ path: 'populationEvidenceId', message: 'unknown evidence' }] });
          if (ev.size > 5 * 1024 * 1024) throw new EngagementError('ENGAGEMENT_INVALID', `the population file is ${ev.size} bytes; at most 5 MiB`, { problems: [{ path: 'populationEvidenceId', message: 'too large' }] });
          csv = await readFile(deps.evidence.pathOf(ev.sha256), 'utf8');
          populationFile = b.populationFile ?? `${ev.filename} (evidence ${ev.sha256.slice(0, 12)})`;
        }
        const population = parsePopulation(csv!, { period: docOf(e).period, file: populationFile });
        const seed = b.method === 'judgement' ? undefined : b.seed !== undefined ? parseSeed(b.seed) : new Uint8Array(randomBytes(32));
        const record = drawSample({ population, frequency: b.frequency, risk: b.risk, method: b.method, ...(seed ? { seed } : {}), ...(b.override ? { override: b.override } : {}), ...(b.judgement ? { judgement: b.judgement } : {}) });
        const body: SampleBody = { requirementId: b.requirementId, title: b.title, frequency: b.frequency, risk: b.risk, populationCsv: csv!, populationFile, ...(b.populationEvidenceId ? { populationEvidenceId: b.populationEvidenceId } : {}), ...(b.ipeId ? { ipeId: b.ipeId } : {}), record, results: [] };
        const rec = await audited(
          k,
          who(req, a.principal.actor),
          'engagement.sample',
          `engagement:${e.id}:${b.requirementId}`,
          (trx) => addRecord(trx, e.id, 'sample', b.requirementId, body, by(a.principal.actor)),
          (r) => ({ id: r.id, method: record.method, size: record.size.size, seed: record.seed ?? null, population: record.population, selected: record.selectionOrder }),
        );
        return reply.code(201).send({ sample: { id: rec.id, version: rec.version, requirementId: b.requirementId, record } });
      },
    );

    app.put(
      '/api/engagements/:engagementId/samples/:sampleId/results',
      {
        config: { permission: 'engagement:audit' },
        schema: {
          tags: ['audits'],
          summary: 'Record the result of each sampled item (ok, or an exception with what was found)',
          params: z.object({ engagementId: Id, sampleId: Id }),
          body: z.object({ version: z.number().int().min(1), results: z.array(z.object({ itemId: z.string().min(1).max(300), outcome: z.enum(['ok', 'exception']), note: Text(4000).optional() }).strict()).max(10000) }).strict(),
        },
      },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:audit');
        const e = a.engagement;
        state(e, ['fieldwork', 'in_review'], 'recording sample results');
        const s = await getRecord<SampleBody>(k, e.id, req.params.sampleId, 'sample');
        if (!s) throw new EngagementError('RECORD_NOT_FOUND', 'no such sample in this engagement');
        const results = req.body.results.map((r) => ({ itemId: r.itemId, outcome: r.outcome, ...(r.note ? { note: r.note } : {}) }));
        const summary = summariseResults(s.body.record, results);
        const rec = await audited(
          k,
          who(req, a.principal.actor),
          'engagement.sample.results',
          `engagement:${e.id}:${s.body.requirementId}`,
          (trx) => updateRecord<SampleBody>(trx, e.id, s.id, 'sample', { ...s.body, results }, req.body.version, by(a.principal.actor)),
          () => ({ sample: s.id, tested: summary.tested, exceptions: summary.exceptions }),
        );
        return { sample: { id: rec.id, version: rec.version, summary } };
      },
    );

    // ---- remediation -------------------------------------------------------------------------------
    app.post(
      '/api/engagements/:engagementId/remediation',
      {
        config: { permission: 'engagement:auditee' },
        schema: {
          tags: ['audits'],
          summary: 'Turn a finding into a remediation item with an owner and a due date',
          params: z.object({ engagementId: Id }),
          body: z.object({ requirementId: RequirementId, description: Required(4000), owner: Required(300), dueDate: IsoDate }).strict(),
        },
      },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:auditee');
        const e = a.engagement;
        requirementOf(e, req.body.requirementId);
        if (e.type !== 'readiness' && e.status !== 'signed_off') throw new EngagementError('ENGAGEMENT_STATE', 'remediation items come from a readiness assessment, or from a certification audit once it is signed off');
        const body: RemediationBody = { ...req.body, status: 'open' };
        const rec = await audited(k, who(req, a.principal.actor), 'engagement.remediation.add', `engagement:${e.id}:${body.requirementId}`, (trx) => addRecord(trx, e.id, 'remediation', body.requirementId, body, by(a.principal.actor)), (r) => ({ id: r.id, ...body }));
        return reply.code(201).send({ remediation: { id: rec.id, version: rec.version, ...rec.body } });
      },
    );

    app.put(
      '/api/engagements/:engagementId/remediation/:itemId',
      {
        config: { permission: 'engagement:auditee' },
        schema: {
          tags: ['audits'],
          summary: 'Update a remediation item (owner, due date, done with the date it was closed)',
          params: z.object({ engagementId: Id, itemId: Id }),
          body: z.object({ version: z.number().int().min(1), owner: Required(300).optional(), dueDate: IsoDate.optional(), status: z.enum(['open', 'done']).optional(), closedOn: IsoDate.optional(), note: Text(4000).optional() }).strict(),
        },
      },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:auditee');
        const e = a.engagement;
        const r = await getRecord<RemediationBody>(k, e.id, req.params.itemId, 'remediation');
        if (!r) throw new EngagementError('RECORD_NOT_FOUND', 'no such remediation item in this engagement');
        const { version, ...patch } = req.body;
        const next: RemediationBody = { ...r.body, ...patch };
        if (next.status === 'done' && !next.closedOn) next.closedOn = today(now());
        if (next.status === 'open') delete next.closedOn;
        const rec = await audited(k, who(req, a.principal.actor), 'engagement.remediation.update', `engagement:${e.id}:${r.body.requirementId}`, (trx) => updateRecord(trx, e.id, r.id, 'remediation', next, version, by(a.principal.actor)), () => ({ id: r.id, ...patch }));
        return { remediation: { id: rec.id, version: rec.version, ...rec.body } };
      },
    );

    // ---- peer review -------------------------------------------------------------------------------
    app.post(
      '/api/engagements/:engagementId/submit',
      { config: { permission: 'engagement:lead' }, schema: { tags: ['audits'], summary: 'Submit the audit for peer review (the reviewer has declared no conflict)', params: z.object({ engagementId: Id }), body: z.object({ version: z.number().int().min(1) }).strict() } },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:lead');
        const e = a.engagement;
        state(e, ['fieldwork'], 'submitting for peer review');
        const on = today(now());
        // Auditors added during fieldwork must have declared too, and the reviewer.
        assertCanStartWork(docOf(e), on);
        assertCanStartReview(docOf(e), on, await priorAuditsOf(k, e.systemId, e.id));
        const d = await load(a);
        if ('error' in d.live) throw new EngagementError('ENGAGEMENT_INVALID', `the findings are not valid: ${d.live.error}`, { problems: d.live.problems.map((p) => ({ path: p.path ?? '', message: p.message })) });
        if (!d.live.complete) {
          throw new EngagementError('ENGAGEMENT_INVALID', `conclude every requirement and test every sampled item before the peer review (${d.live.notAssessed.length} requirement${d.live.notAssessed.length === 1 ? '' : 's'} not concluded)`, {
            problems: [...d.live.notAssessed.slice(0, 20).map((id) => ({ path: `tests.${id}`, message: 'not concluded' })), ...d.live.attention.filter((x) => x.startsWith('sample')).map((m) => ({ path: 'samples', message: m }))],
          });
        }
        const next = await audited(k, who(req, a.principal.actor), 'engagement.submit', `engagement:${e.id}`, (trx) => updateEngagement(trx, e.id, req.body.version, { status: 'in_review', reviewAssignedOn: on }, by(a.principal.actor)), () => ({ on, reviewer: docOf(e).peerReviewer?.id }));
        return { engagement: { id: next.id, status: next.status, version: next.version }, deadlines: peerReviewDeadlines({ assignedOn: on, calendar: { holidays: e.holidays } }) };
      },
    );

    app.post(
      '/api/engagements/:engagementId/queries',
      {
        config: { permission: 'engagement:review' },
        schema: { tags: ['audits'], summary: 'Raise a peer-review query on a requirement', params: z.object({ engagementId: Id }), body: z.object({ requirementId: RequirementId, body: Required(20000) }).strict() },
      },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:review');
        const e = a.engagement;
        state(e, ['in_review'], 'raising a query');
        requirementOf(e, req.body.requirementId);
        const threadId = randomUUID();
        const on = today(now());
        await audited(
          k,
          who(req, a.principal.actor),
          'engagement.query.open',
          `engagement:${e.id}:${req.body.requirementId}`,
          async (trx) => {
            await addReviewMessage(trx, e.id, { threadId, requirementId: req.body.requirementId, kind: 'open', author: a.principal.userId, role: 'peer_reviewer', body: req.body.body }, by(a.principal.actor));
            if (!e.queriesRaisedOn) await updateEngagement(trx, e.id, e.version, { queriesRaisedOn: on }, by(a.principal.actor));
          },
          () => ({ thread: threadId, body: req.body.body }),
        );
        return reply.code(201).send({ thread: { id: threadId, requirementId: req.body.requirementId, status: 'open' } });
      },
    );

    const threadOf = async (engagementId: string, threadId: string) => {
      const t = threadsOf(await reviewMessages(k, engagementId)).find((x) => x.id === threadId);
      if (!t) throw new EngagementError('THREAD_NOT_FOUND', 'no such query in this engagement');
      return t;
    };

    app.post(
      '/api/engagements/:engagementId/queries/:threadId/replies',
      { config: { permission: 'engagement:member' }, schema: { tags: ['audits'], summary: 'Answer a query (auditor) or follow up (reviewer)', params: z.object({ engagementId: Id, threadId: Id }), body: z.object({ body: Required(20000) }).strict() } },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:member');
        const e = a.engagement;
        state(e, ['in_review'], 'answering a query');
        const t = await threadOf(e.id, req.params.threadId);
        const role = a.isReviewer ? 'peer_reviewer' : a.isLead ? 'lead_auditor' : 'auditor';
        await audited(k, who(req, a.principal.actor), 'engagement.query.reply', `engagement:${e.id}:${t.requirementId}`, (trx) => addReviewMessage(trx, e.id, { threadId: t.id, requirementId: t.requirementId, kind: t.status === 'resolved' && a.isReviewer ? 'open' : 'reply', author: a.principal.userId, role, body: req.body.body }, by(a.principal.actor)), () => ({ thread: t.id, body: req.body.body }));
        return reply.code(201).send({ thread: { id: t.id, status: t.status === 'resolved' && a.isReviewer ? 'open' : t.status } });
      },
    );

    app.post(
      '/api/engagements/:engagementId/queries/:threadId/resolve',
      { config: { permission: 'engagement:review' }, schema: { tags: ['audits'], summary: 'Close a query as resolved', params: z.object({ engagementId: Id, threadId: Id }), body: z.object({ body: Text(20000).default('') }).strict() } },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:review');
        const e = a.engagement;
        state(e, ['in_review'], 'resolving a query');
        const t = await threadOf(e.id, req.params.threadId);
        if (t.status === 'resolved') throw new EngagementError('ENGAGEMENT_STATE', 'this query is already resolved');
        await audited(k, who(req, a.principal.actor), 'engagement.query.resolve', `engagement:${e.id}:${t.requirementId}`, (trx) => addReviewMessage(trx, e.id, { threadId: t.id, requirementId: t.requirementId, kind: 'resolve', author: a.principal.userId, role: 'peer_reviewer', body: req.body.body || 'resolved' }, by(a.principal.actor)), () => ({ thread: t.id }));
        return { thread: { id: t.id, status: 'resolved' } };
      },
    );

    app.post(
      '/api/engagements/:engagementId/review-signoff',
      { config: { permission: 'engagement:review' }, schema: { tags: ['audits'], summary: 'Sign off the peer review (no open queries, conflicts declared)', params: z.object({ engagementId: Id }), body: z.object({ version: z.number().int().min(1) }).strict() } },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:review');
        const e = a.engagement;
        state(e, ['in_review'], 'signing off the peer review');
        assertCanStartReview(docOf(e), today(now()), await priorAuditsOf(k, e.systemId, e.id));
        const open = threadsOf(await reviewMessages(k, e.id)).filter((t) => t.status === 'open');
        if (open.length > 0) throw new EngagementError('REVIEW_OPEN_QUERIES', `${open.length} quer${open.length === 1 ? 'y is' : 'ies are'} still open: resolve ${open.length === 1 ? 'it' : 'them'} before signing off`, { problems: open.map((t) => ({ path: `threads.${t.id}`, message: `open query on ${t.requirementId}` })) });
        const at = now().toISOString();
        const next = await audited(k, who(req, a.principal.actor), 'engagement.review.signoff', `engagement:${e.id}`, (trx) => updateEngagement(trx, e.id, req.body.version, { status: 'reviewed', reviewerSignedOffAt: at }, by(a.principal.actor)), () => ({ at }));
        return { engagement: { id: next.id, status: next.status, version: next.version } };
      },
    );

    app.post(
      '/api/engagements/:engagementId/signoff',
      { config: { permission: 'engagement:lead' }, schema: { tags: ['audits'], summary: 'Sign off the audit: the conclusion is frozen and becomes the data of the certificate', params: z.object({ engagementId: Id }), body: z.object({ version: z.number().int().min(1) }).strict() } },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:lead');
        const e = a.engagement;
        state(e, ['reviewed'], 'signing off the audit');
        assertCanStartWork(docOf(e), today(now()));
        const d = await load(a);
        if ('error' in d.live || !d.live.complete) throw new EngagementError('ENGAGEMENT_INVALID', 'the conclusion is not complete', { problems: 'error' in d.live ? d.live.problems.map((p) => ({ path: p.path ?? '', message: p.message })) : d.live.notAssessed.map((id) => ({ path: `tests.${id}`, message: 'not concluded' })) });
        if (threadsOf(d.messages).some((t) => t.status === 'open')) throw new EngagementError('REVIEW_OPEN_QUERIES', 'a peer-review query is open');
        const at = now().toISOString();
        const conclusion = d.live;
        const next = await audited(k, who(req, a.principal.actor), 'engagement.signoff', `engagement:${e.id}`, (trx) => updateEngagement(trx, e.id, req.body.version, { status: 'signed_off', signedOffAt: at, conclusion: json(conclusion) }, by(a.principal.actor)), () => ({ at, systemLevel: conclusion.systemLevel, aspects: conclusion.aspects.map((x) => [x.id, x.level]) }));
        return { engagement: { id: next.id, status: next.status, version: next.version, signedOffAt: at }, conclusion };
      },
    );

    // ---- evidence for the auditors -------------------------------------------------------------------
    app.get('/api/engagements/:engagementId/evidence', { config: { permission: 'engagement:audit' }, schema: { tags: ['audits'], summary: "The auditee's evidence library, for the auditors", params: z.object({ engagementId: Id }) } }, async (req) => {
      const a = await access(req, req.params.engagementId, 'engagement:audit');
      return { evidence: await listEvidence(k, a.engagement.orgId) };
    });

    app.get(
      '/api/engagements/:engagementId/evidence/:evidenceId/content',
      { config: { permission: 'engagement:audit' }, schema: { tags: ['audits'], summary: 'Download an evidence file of the auditee (auditors only; the peer reviewer sees hashes)', params: z.object({ engagementId: Id, evidenceId: Id }) } },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:audit');
        const ev = await getEvidence(k, req.params.evidenceId);
        if (!ev || ev.orgId !== a.engagement.orgId) throw new ApiError(404, 'EVIDENCE_NOT_FOUND', 'no such evidence');
        return sendEvidenceFile(reply, deps.evidence, ev);
      },
    );

    // ---- outputs -----------------------------------------------------------------------------------
    const outputs = auditOutputs({ catalog, evidence: deps.evidence, now, cjkFont: deps.cjkFont });
    app.get(
      '/api/engagements/:engagementId/report',
      {
        config: { permission: 'engagement:read' },
        schema: { tags: ['audits'], summary: 'The audit report (HTML or PDF); the auditee gets it once the audit is signed off', params: z.object({ engagementId: Id }), querystring: z.object({ format: z.enum(['html', 'pdf']).default('html'), lang: Lang }) },
      },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:read');
        if (!a.isAuditor && !a.isReviewer && a.engagement.status !== 'signed_off' && a.engagement.type !== 'readiness') throw new ApiError(403, 'FORBIDDEN', 'the audit report is shared with the auditee once the audit is signed off');
        const d = await load(a, req.query.lang);
        const out = await outputs.report(d, req.query.format);
        return reply.header('content-type', out.contentType).header('content-disposition', `${req.query.format === 'pdf' ? 'attachment' : 'inline'}; filename="${out.filename}"`).send(out.body);
      },
    );

    app.get(
      '/api/engagements/:engagementId/oscal',
      { config: { permission: 'engagement:read' }, schema: { tags: ['audits'], summary: 'OSCAL assessment results of the audit (with attestations of the auditor and the reviewer)', params: z.object({ engagementId: Id }) } },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:read');
        if (!a.isAuditor && !a.isReviewer && a.engagement.status !== 'signed_off' && a.engagement.type !== 'readiness') throw new ApiError(403, 'FORBIDDEN', 'the assessment results are shared with the auditee once the audit is signed off');
        return reply.header('content-type', 'application/json').send(outputs.oscal(await load(a)));
      },
    );

    app.get(
      '/api/engagements/:engagementId/export',
      { config: { permission: 'engagement:audit' }, schema: { tags: ['audits'], summary: 'The audit file (tar.gz): engagement, tests, samples with seeds and populations, IPE records, review threads, evidence files and a hashed manifest' , params: z.object({ engagementId: Id }) } },
      async (req, reply) => {
        const a = await access(req, req.params.engagementId, 'engagement:audit');
        const d = await load(a);
        const file = await outputs.auditFile(d);
        await audited(k, who(req, a.principal.actor), 'engagement.export', `engagement:${a.engagement.id}`, async () => undefined, () => ({ manifest: file.manifestSha256 }));
        return reply.header('content-type', 'application/gzip').header('content-disposition', `attachment; filename="${file.filename}"`).header('x-keygrade-manifest-sha256', file.manifestSha256).send(file.body);
      },
    );

    app.get(
      '/api/engagements/:engagementId/certificate-data',
      { config: { permission: 'engagement:read' }, schema: { tags: ['audits'], summary: 'What a certificate of this signed-off audit states (the registry signs and publishes it)', params: z.object({ engagementId: Id }) } },
      async (req) => {
        const a = await access(req, req.params.engagementId, 'engagement:read');
        if (a.engagement.status !== 'signed_off' || a.engagement.type !== 'certification') throw new EngagementError('ENGAGEMENT_STATE', 'certificate data exists for a signed-off certification audit only');
        return { certificate: outputs.certificateData(await load(a)) };
      },
    );
  };
}
