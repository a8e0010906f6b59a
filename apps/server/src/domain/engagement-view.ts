/**
 * What each party of an audit sees (issue 5 item 8), and the conclusion computed from the test
 * records. Pure functions of stored rows: the routes load, these project.
 *
 * - Auditors see everything, including their own notes (`auditorNotes`, auditor-only).
 * - The peer reviewer sees the work (tests, techniques, samples with seeds, IPE records, the
 *   conclusion) without auditor-only notes and without evidence files: evidence appears by title
 *   and SHA-256 only.
 * - The auditee sees the engagement, its members, deadlines and remediation items; findings only
 *   for a readiness assessment or once the audit is signed off; never the review threads.
 */
import { allRequirements, pick, type Edition, type Lang } from '@keygrade/catalog';
import { concludeAudit, peerReviewDeadlines, summariseResults, type Conclusion, type Engagement, type Finding, type ItemResult, type RequirementSample, type SampleRecord } from '@keygrade/audit';
import type { Status } from '@keygrade/scoring';
import type { EngagementAccess } from '../authz.js';
import type { EngagementMember, EngagementRecord, Evidence, ReviewMessage, TestRecord } from '@keygrade/db';

export interface SampleBody {
  requirementId: string;
  title: string;
  frequency: string;
  risk: string;
  /** The population as uploaded (CSV text), so anyone on the engagement can re-derive the sample. */
  populationCsv: string;
  populationFile: string;
  /** When the population came from the evidence library. */
  populationEvidenceId?: string | undefined;
  ipeId?: string | undefined;
  record: SampleRecord;
  results: ItemResult[];
}

export interface IpeBody {
  requirementId?: string | undefined;
  title: string;
  generatedOn: string;
  sourceSystem: string;
  tool: string;
  owner: string;
  parameters: string;
  completenessAccuracy: string;
  evidenceId?: string | undefined;
}

export interface RemediationBody {
  requirementId: string;
  description: string;
  owner: string;
  dueDate: string;
  status: 'open' | 'done';
  closedOn?: string | undefined;
  note?: string | undefined;
}

export interface Thread {
  id: string;
  requirementId: string;
  status: 'open' | 'resolved';
  messages: ReviewMessage[];
}

/** Groups review messages into threads, in the order they were opened. */
export function threadsOf(messages: readonly ReviewMessage[]): Thread[] {
  const threads = new Map<string, Thread>();
  for (const m of messages) {
    let t = threads.get(m.threadId);
    if (!t) threads.set(m.threadId, (t = { id: m.threadId, requirementId: m.requirementId, status: 'open', messages: [] }));
    t.messages.push(m);
    if (m.kind === 'resolve') t.status = 'resolved';
    if (m.kind === 'open') t.status = 'open';
  }
  return [...threads.values()];
}

/** The findings of the test records (tests without a status are left out: not assessed). */
export function findingsOf(tests: readonly TestRecord[]): Finding[] {
  return tests
    .filter((t) => t.status !== null)
    .map((t) => {
      const f: Finding = { requirementId: t.requirementId, status: t.status as Status };
      if (t.comparableControl) f.comparable_control = t.comparableControl;
      if (t.reliesOn) f.relies_on = t.reliesOn;
      if (t.justification) f.justification = t.justification;
      if (t.rationale) f.rationale = t.rationale;
      return f;
    });
}

export function samplesOf(samples: readonly EngagementRecord<SampleBody>[]): RequirementSample[] {
  return samples.map((s) => ({ requirementId: s.body.requirementId, sampleId: s.id, results: summariseResults(s.body.record, s.body.results) }));
}

/** The conclusion of the current test records and samples (throws AUDIT_FINDINGS_INVALID on bad findings). */
export function conclusionOf(edition: Edition, tests: readonly TestRecord[], samples: readonly EngagementRecord<SampleBody>[]): Conclusion {
  return concludeAudit(edition, findingsOf(tests), samplesOf(samples));
}

/** The conclusion as stored at sign-off and shown to everyone: levels, counts, exceptions, attention. */
export function conclusionSummary(c: Conclusion) {
  return { edition: c.edition, systemLevel: c.systemLevel, aspects: c.aspects, complete: c.complete, notAssessed: c.notAssessed, counts: c.counts, exceptions: c.exceptions, attention: c.attention };
}
export type ConclusionSummary = ReturnType<typeof conclusionSummary>;

export interface EngagementData {
  access: EngagementAccess;
  doc: Engagement;
  edition: Edition;
  lang: Lang;
  members: EngagementMember[];
  tests: TestRecord[];
  ipe: EngagementRecord<IpeBody>[];
  samples: EngagementRecord<SampleBody>[];
  remediation: EngagementRecord<RemediationBody>[];
  messages: ReviewMessage[];
  evidence: Map<string, Evidence>;
  live: ConclusionSummary | { error: string; problems: readonly { path?: string; message: string }[] };
}

const evidenceRef = (e: Evidence | undefined, id: string, withFile: boolean) =>
  e ? { id: e.id, title: e.title, sha256: e.sha256, filename: e.filename, contentType: e.contentType, size: e.size, downloadable: withFile } : { id, title: '(unknown evidence)', sha256: null, downloadable: false };

/** The engagement as the caller may see it. */
export function engagementView(d: EngagementData) {
  const a = d.access;
  const e = a.engagement;
  const insider = a.isAuditor || a.isReviewer;
  const findingsVisible = insider || e.type === 'readiness' || e.status === 'signed_off';
  const byId = new Map(d.tests.map((t) => [t.requirementId, t]));
  const deadlines = e.reviewAssignedOn ? peerReviewDeadlines({ assignedOn: e.reviewAssignedOn, ...(e.queriesRaisedOn ? { queriesRaisedOn: e.queriesRaisedOn } : {}), calendar: { holidays: e.holidays } }) : null;
  const placeOf = new Map(d.edition.aspects.flatMap((a) => a.controls.map((c) => [c.id, { aspectId: a.id, aspectTitle: pick(a.title, d.lang), controlTitle: pick(c.title, d.lang) }] as const)));
  const requirements = allRequirements(d.edition).map((r) => {
    const t = byId.get(r.id);
    const base = { id: r.id, level: r.level, controlId: r.controlId, ...placeOf.get(r.controlId), text: pick(r.text, d.lang) };
    if (!findingsVisible) return base;
    if (!t) return { ...base, test: null };
    return {
      ...base,
      test: {
        claimed: t.claimed,
        status: t.status,
        rationale: t.rationale,
        comparableControl: t.comparableControl,
        reliesOn: t.reliesOn,
        justification: t.justification,
        version: t.version,
        updatedAt: t.updatedAt,
        ...(insider
          ? {
              techniques: t.techniques.map((x) => ({ technique: x.technique, notes: x.notes ?? null, evidence: (x.evidenceIds ?? []).map((id) => evidenceRef(d.evidence.get(id), id, a.isAuditor)) })),
              evidence: t.evidenceIds.map((id) => evidenceRef(d.evidence.get(id), id, a.isAuditor)),
            }
          : {}),
        ...(a.isAuditor ? { auditorNotes: t.auditorNotes } : {}),
      },
    };
  });
  const threads = insider ? threadsOf(d.messages) : [];
  return {
    engagement: {
      id: e.id,
      orgId: e.orgId,
      systemId: e.systemId,
      type: e.type,
      edition: e.edition,
      status: e.status,
      version: e.version,
      firstAudit: d.doc.firstAudit,
      period: d.doc.period,
      agreementReference: d.doc.agreementReference,
      auditorFirm: d.doc.auditorFirm,
      auditee: d.doc.auditee,
      peerReviewer: d.doc.peerReviewer ?? null,
      followsId: e.followsId,
      sourceAssessmentId: e.sourceAssessmentId,
      holidays: e.holidays,
      reviewAssignedOn: e.reviewAssignedOn,
      queriesRaisedOn: e.queriesRaisedOn,
      reviewerSignedOffAt: e.reviewerSignedOffAt,
      signedOffAt: e.signedOffAt,
      createdAt: e.createdAt,
    },
    you: { roles: a.roles, auditee: a.auditee, isAuditor: a.isAuditor, isLead: a.isLead, isReviewer: a.isReviewer },
    members: d.members.map((m) => ({ userId: m.userId, name: m.name, email: m.email, role: m.role, active: m.active, firm: m.firmName })),
    declarations: insider ? d.doc.declarations : [],
    deadlines,
    requirements,
    ipe: insider ? d.ipe.map((r) => ({ id: r.id, version: r.version, createdAt: r.createdAt, createdBy: r.createdBy, ...r.body, evidence: r.body.evidenceId ? evidenceRef(d.evidence.get(r.body.evidenceId), r.body.evidenceId, a.isAuditor) : null })) : [],
    samples: insider
      ? d.samples.map((s) => ({
          id: s.id,
          version: s.version,
          requirementId: s.body.requirementId,
          title: s.body.title,
          frequency: s.body.frequency,
          risk: s.body.risk,
          ipeId: s.body.ipeId ?? null,
          record: s.body.record,
          results: s.body.results,
          summary: summariseResults(s.body.record, s.body.results),
          createdAt: s.createdAt,
        }))
      : [],
    remediation: d.remediation.map((r) => ({ id: r.id, version: r.version, createdAt: r.createdAt, ...r.body })),
    threads: threads.map((t) => ({ ...t, messages: t.messages.map((m) => ({ kind: m.kind, author: m.author, role: m.role, body: m.body, at: m.at })) })),
    openQueries: threads.filter((t) => t.status === 'open').length,
    conclusion: e.status === 'signed_off' ? e.conclusion : findingsVisible ? d.live : null,
  };
}
