/**
 * Peer-review assignment (CCSS-PRIMER.md "Peer review"): every audit is reviewed by another CCSS
 * auditor who is not from the auditing firm and who has not reviewed the same system in any of its
 * last 3 audits; the reviewer declares conflicts (employment, family, financial interest) first.
 */
import type { Problem } from '@keygrade/errors';
import type { IsoDate } from './dates.js';
import { declarationOf, type Engagement } from './engagement.js';
import { AuditError } from './errors.js';

/** How many of the system's most recent audits a reviewer must not have reviewed. */
export const REVIEWER_ROTATION_AUDITS = 3;

/** A previous audit of a system, as far as the rotation rule needs it. */
export interface PriorAudit {
  auditId: string;
  systemId: string;
  /** Orders the audits: the most recent period end first. */
  periodEnd: IsoDate;
  peerReviewerId?: string;
}

export type ConflictCode = 'SAME_FIRM' | 'IS_AUDITOR' | 'RECENT_REVIEWER' | 'NO_DECLARATION' | 'DECLARED_CONFLICT';

export interface ConflictReason {
  code: ConflictCode;
  message: string;
}

export interface ReviewerCheck {
  reviewer: { id: string; name?: string; firmId: string };
  auditorFirmId: string;
  auditorIds: readonly string[];
  systemId: string;
  /** Earlier audits; entries for other systems are ignored. */
  priorAudits: readonly PriorAudit[];
  /** The reviewer's conflict declaration, when collected; `null` means none yet. */
  declaration?: { employment: { conflict: boolean; details?: string }; family: { conflict: boolean; details?: string }; financialInterest: { conflict: boolean; details?: string } } | null;
}

/** The last `REVIEWER_ROTATION_AUDITS` audits of a system, most recent first (ties keep input order). */
export function lastAuditsOf(systemId: string, priorAudits: readonly PriorAudit[]): PriorAudit[] {
  return priorAudits
    .map((a, i) => ({ a, i }))
    .filter(({ a }) => a.systemId === systemId)
    .sort((x, y) => (x.a.periodEnd === y.a.periodEnd ? x.i - y.i : x.a.periodEnd < y.a.periodEnd ? 1 : -1))
    .slice(0, REVIEWER_ROTATION_AUDITS)
    .map(({ a }) => a);
}

/**
 * Every reason a reviewer may not review this audit; empty when the assignment is allowed.
 * @example peerReviewConflicts({ reviewer: { id: 'r1', firmId: 'f2' }, auditorFirmId: 'f1', auditorIds: ['a1'], systemId: 's', priorAudits: [] }) // []
 */
export function peerReviewConflicts(check: ReviewerCheck): ConflictReason[] {
  const { reviewer } = check;
  const who = reviewer.name ? `${reviewer.id} (${reviewer.name})` : reviewer.id;
  const reasons: ConflictReason[] = [];
  if (reviewer.firmId === check.auditorFirmId) reasons.push({ code: 'SAME_FIRM', message: `${who} is from the auditor's firm ${check.auditorFirmId}` });
  if (check.auditorIds.includes(reviewer.id)) reasons.push({ code: 'IS_AUDITOR', message: `${who} is an auditor of this audit` });
  for (const a of lastAuditsOf(check.systemId, check.priorAudits)) {
    if (a.peerReviewerId === reviewer.id) {
      reasons.push({ code: 'RECENT_REVIEWER', message: `${who} reviewed audit ${a.auditId} of system ${check.systemId} (period ending ${a.periodEnd}), one of its last ${REVIEWER_ROTATION_AUDITS} audits` });
    }
  }
  if (check.declaration === null) reasons.push({ code: 'NO_DECLARATION', message: `${who} has not declared conflicts of interest` });
  else if (check.declaration) {
    for (const topic of ['employment', 'family', 'financialInterest'] as const) {
      const d = check.declaration[topic];
      if (d.conflict) reasons.push({ code: 'DECLARED_CONFLICT', message: `${who} declared a ${topic} conflict: ${d.details ?? ''}` });
    }
  }
  return reasons;
}

/**
 * Refuses to start the peer review of an engagement on `startDate` unless a reviewer is assigned,
 * has declared on or before that day, and no conflict applies (AUDIT_DECLARATIONS_MISSING or
 * AUDIT_CONFLICT_DECLARED with one problem per reason).
 */
export function assertCanStartReview(engagement: Engagement, startDate: IsoDate, priorAudits: readonly PriorAudit[]): void {
  const r = engagement.peerReviewer;
  if (!r) throw new AuditError('AUDIT_DECLARATIONS_MISSING', 'no peer reviewer is assigned', { problems: [{ path: 'peerReviewer', message: 'assign a peer reviewer first' }] });
  const d = declarationOf(engagement, r.id, 'peer_reviewer', startDate);
  if (!d) {
    throw new AuditError('AUDIT_DECLARATIONS_MISSING', 'the peer review cannot start before the reviewer has declared conflicts of interest', {
      problems: [{ path: `declarations[${r.id}]`, message: `peer reviewer ${r.id} (${r.name}) has no declaration dated on or before ${startDate}` }],
    });
  }
  const reasons = peerReviewConflicts({
    reviewer: { id: r.id, name: r.name, firmId: r.firm.id },
    auditorFirmId: engagement.auditorFirm.id,
    auditorIds: engagement.auditors.map((a) => a.id),
    systemId: engagement.auditee.system.id,
    priorAudits,
    declaration: d,
  });
  if (reasons.length > 0) {
    const problems: Problem[] = reasons.map((x) => ({ path: 'peerReviewer', message: `${x.code}: ${x.message}` }));
    throw new AuditError('AUDIT_CONFLICT_DECLARED', `peer reviewer ${r.id} may not review this audit`, { problems });
  }
}
