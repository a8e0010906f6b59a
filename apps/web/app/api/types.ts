/**
 * The shapes of docs/design/platform.md, as the web app reads them. Fields the contract leaves
 * open are optional here, and the pages treat them defensively.
 */
export type OrgRole = 'owner' | 'security_lead' | 'keyholder' | 'viewer';
export const ORG_ROLES: readonly OrgRole[] = ['owner', 'security_lead', 'keyholder', 'viewer'];

/** The six statuses of docs/assessment-file.md. */
export const STATUSES = ['in_place', 'in_place_comparable', 'qualified_in_place', 'not_applicable', 'not_in_place', 'not_assessed'] as const;
export type Status = (typeof STATUSES)[number];
/** The field a status must carry (docs/assessment-file.md "Statuses"). */
export const CARRIES: Readonly<Record<Status, 'justification' | 'comparableControl' | 'reliesOn' | null>> = {
  in_place: null,
  in_place_comparable: 'comparableControl',
  qualified_in_place: 'reliesOn',
  not_applicable: 'justification',
  not_in_place: null,
  not_assessed: null,
};
export const SATISFIED: ReadonlySet<Status> = new Set(['in_place', 'in_place_comparable', 'qualified_in_place', 'not_applicable']);

export type Level = 0 | 1 | 2 | 3;

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  mfaEnabled: boolean;
}
export interface Session {
  user: User;
  csrfToken: string;
  memberships: { org: { id: string; name: string }; role: OrgRole }[];
  mfaRequired: boolean;
}
export interface OrgSummary {
  id: string;
  name: string;
  role: OrgRole;
}
export interface Member {
  userId: string;
  email: string;
  name: string;
  role: OrgRole;
}
export interface Invitation {
  id: string;
  email: string;
  role: OrgRole;
  expiresAt: string;
}
export interface System {
  id: string;
  orgId?: string;
  name: string;
  designation?: string | null;
  scope?: string | null;
  boundary?: string | null;
  wallets?: string[];
  assets?: string[];
  version?: number;
  createdAt?: string;
}
export interface SystemListItem extends System {
  level: Level | null;
  assessmentId: string | null;
}
export interface AssessmentSummary {
  id: string;
  edition: string;
  level: Level | null;
  createdAt: string;
}
export interface Assessment {
  id: string;
  systemId: string;
  orgId: string;
  edition: string;
  targetLevel: Level | null;
  createdAt: string;
}
export interface Scorecard {
  level: Level;
  aspects: { id: string; title: string; level: Level; controls: { id: string; title: string; level: Level }[] }[];
  counts?: Partial<Record<Status, number>>;
}
export interface EvidenceRef {
  id: string;
  title?: string;
  filename?: string;
  sha256?: string;
}
export interface Answer {
  status: Status;
  note?: string | null;
  justification?: string | null;
  comparableControl?: string | null;
  reliesOn?: string | null;
  version: number;
  updatedAt?: string | null;
  updatedBy?: string | null;
  evidence?: EvidenceRef[];
}
export interface Requirement {
  id: string;
  level: Level;
  text: string;
  answer: Answer;
}
export interface ChecklistControl {
  id: string;
  title: string;
  requirements: Requirement[];
}
export interface ChecklistAspect {
  id: string;
  title: string;
  controls: ChecklistControl[];
}
export interface Evidence {
  id: string;
  title: string;
  filename?: string;
  contentType?: string;
  size?: number;
  sha256?: string;
  sourceSystem?: string | null;
  tool?: string | null;
  parameters?: string | null;
  owner?: string | null;
  expiresAt?: string | null;
  expired?: boolean;
  createdAt?: string;
  createdBy?: string | null;
}
export interface GapRequirement {
  id: string;
  level: Level;
  controlId?: string;
  controlTitle?: string;
  text: string;
  status: Status;
}
export interface Gaps {
  target: Level;
  systemLevel?: Level;
  total: number;
  aspects: { id: string; title: string; level: Level; requirements: GapRequirement[] }[];
}
export interface LevelPoint {
  at: string;
  level: Level;
}

// ---- CCSS audits (issue 5; apps/server/src/routes/engagements.ts, domain/engagement-view.ts) ----

export interface Auditor {
  userId: string;
  email: string;
  name: string;
  firmId: string;
  firmName: string;
  accreditedFrom: string;
  accreditedUntil: string;
}
export type EngagementType = 'readiness' | 'certification';
export const ENGAGEMENT_STATUSES = ['planning', 'fieldwork', 'in_review', 'reviewed', 'signed_off'] as const;
export type EngagementStatus = (typeof ENGAGEMENT_STATUSES)[number];
export type EngagementRole = 'lead_auditor' | 'auditor' | 'peer_reviewer';
export interface Period {
  start: string;
  end: string;
}
/** GET /api/orgs/:orgId/engagements */
export interface OrgEngagement {
  id: string;
  systemId: string;
  system: string;
  type: EngagementType;
  edition: string;
  status: EngagementStatus;
  period: Period;
  auditorFirm: string;
  signedOffAt: string | null;
}
/** GET /api/engagements */
export interface MyEngagement {
  id: string;
  roles: EngagementRole[];
  organization: string;
  system: string;
  type: EngagementType;
  edition: string;
  status: EngagementStatus;
  period: Period;
  auditorFirm: string;
}
export const TECHNIQUES = ['inquiry', 'inspection', 'observation', 'reperformance', 'not_applicable'] as const;
export type Technique = (typeof TECHNIQUES)[number];
/** An evidence reference in the engagement view (`downloadable` only for auditors). */
export interface EngagementEvidenceRef {
  id: string;
  title: string;
  sha256: string | null;
  filename?: string;
  size?: number;
  downloadable: boolean;
}
export interface TestView {
  claimed: { status: string; note?: string | null } | null;
  status: Status | null;
  rationale: string | null;
  comparableControl: string | null;
  reliesOn: string | null;
  justification: string | null;
  version: number;
  updatedAt: string;
  /** Auditors and the peer reviewer. */
  techniques?: { technique: Technique; notes: string | null; evidence: EngagementEvidenceRef[] }[];
  evidence?: EngagementEvidenceRef[];
  /** Auditors only. */
  auditorNotes?: string | null;
}
export interface EngagementRequirement {
  id: string;
  level: Level;
  controlId: string;
  text: string;
  /** Absent when the findings are not visible to you; null when not tested yet. */
  test?: TestView | null;
}
export interface Disclosure {
  conflict: boolean;
  details?: string;
}
export interface Declaration {
  personId: string;
  role: 'auditor' | 'peer_reviewer';
  declaredOn: string;
  employment: Disclosure;
  family: Disclosure;
  financialInterest: Disclosure;
}
export interface IpeRecord {
  id: string;
  version: number;
  createdAt: string;
  createdBy: string;
  requirementId?: string;
  title: string;
  generatedOn: string;
  sourceSystem: string;
  tool: string;
  owner: string;
  parameters: string;
  completenessAccuracy: string;
  evidenceId?: string;
  evidence: EngagementEvidenceRef | null;
}
export interface SampledItem {
  id: string;
  date: string;
  position: number;
  line: number;
}
export interface ItemResult {
  itemId: string;
  outcome: 'ok' | 'exception';
  note?: string;
}
export interface SampleRecord {
  method: 'random' | 'systematic' | 'judgement';
  size: { frequency: string; risk: string; populationSize: number; row: string; tableSize: number | null; size: number; wholePopulation: boolean; override?: { size: number; rationale: string; belowTable: boolean } };
  population: { size: number; digest: string };
  seed?: string;
  systematic?: { interval: number; start: number };
  judgementRationale?: string;
  items: SampledItem[];
  selectionOrder: string[];
}
export interface ResultSummary {
  sampleSize: number;
  tested: number;
  ok: number;
  exceptions: { itemId: string; note: string }[];
  untested: string[];
  complete: boolean;
}
export interface SampleView {
  id: string;
  version: number;
  requirementId: string;
  title: string;
  frequency: string;
  risk: string;
  ipeId: string | null;
  record: SampleRecord;
  results: ItemResult[];
  summary: ResultSummary;
  createdAt: string;
}
export interface RemediationItem {
  id: string;
  version: number;
  createdAt: string;
  requirementId: string;
  description: string;
  owner: string;
  dueDate: string;
  status: 'open' | 'done';
  closedOn?: string;
  note?: string;
}
export interface ReviewThread {
  id: string;
  requirementId: string;
  status: 'open' | 'resolved';
  messages: { kind: 'open' | 'reply' | 'resolve'; author: string; role: EngagementRole; body: string; at: string }[];
}
export interface ConclusionView {
  edition: string;
  systemLevel: Level;
  aspects: { id: string; title: string; level: Level }[];
  complete: boolean;
  notAssessed: string[];
  counts: Partial<Record<Status, number>>;
  exceptions: { total: number; byRequirement: { requirementId: string }[] };
  attention: string[];
}
export interface PeerReviewDeadlines {
  requestAnotherReviewerBy: string;
  reviewBy: string;
  resolveBy: string;
}
/** GET /api/engagements/:engagementId, as the caller may see it. */
export interface EngagementView {
  engagement: {
    id: string;
    orgId: string;
    systemId: string;
    type: EngagementType;
    edition: string;
    status: EngagementStatus;
    version: number;
    firstAudit: boolean;
    period: Period;
    agreementReference: string;
    auditorFirm: { id: string; name: string };
    auditee: { organization: { id: string; name: string }; system: { id: string; name: string } };
    peerReviewer: { id: string; name: string; firm: { id: string; name: string } } | null;
    followsId: string | null;
    sourceAssessmentId: string | null;
    holidays: string[];
    reviewAssignedOn: string | null;
    queriesRaisedOn: string | null;
    reviewerSignedOffAt: string | null;
    signedOffAt: string | null;
    createdAt: string;
  };
  you: { roles: EngagementRole[]; auditee: OrgRole | null; isAuditor: boolean; isLead: boolean; isReviewer: boolean };
  members: { userId: string; name: string; email: string; role: EngagementRole; active: boolean; firm: string | null }[];
  declarations: Declaration[];
  deadlines: PeerReviewDeadlines | null;
  requirements: EngagementRequirement[];
  ipe: IpeRecord[];
  samples: SampleView[];
  remediation: RemediationItem[];
  threads: ReviewThread[];
  openQueries: number;
  /** The frozen conclusion once signed off; the live one while findings are visible; an error while the findings are invalid. */
  conclusion: ConclusionView | { error: string; problems: { path?: string; message: string }[] } | null;
}
export interface CertificateData {
  engagementId: string;
  organization: { id: string; name: string };
  system: { id: string; name: string };
  edition: string;
  level: Level;
  aspectLevels: Record<string, Level>;
  period: Period;
  auditor: { id: string; name: string; firm: string };
  peerReviewer: { id: string; name: string; firm: string } | null;
  signedOffAt: string;
  reviewerSignedOffAt: string | null;
}

// ---- The public registry (issue 6; apps/server/src/routes/registry.ts) -------------------------

/** An auditor's signing key (public part only: the private key never reaches the platform). */
export interface AuditorKey {
  keyid: string;
  publicKey: string;
  label: string;
  addedAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /** The index of the key's registration in the registry log. */
  logIndex: number | null;
}
/** GET /api/auditors/me/keys */
export interface MyKeys {
  auditor: { firm: { id: string; name: string }; accreditedFrom: string; accreditedUntil: string } | null;
  keys: AuditorKey[];
}
/** GET /api/registry/auditors (public; no user ids) */
export interface RegistryAuditor {
  name: string;
  firm: { id: string; name: string };
  accreditedFrom: string;
  accreditedUntil: string;
  keys: AuditorKey[];
}
export type CertificateState = 'active' | 'expired' | 'suspended' | 'revoked' | 'superseded' | 'unknown';
export interface CertificateStatus {
  state: CertificateState;
  since?: string;
  reason?: string;
  supersededBy?: string;
  issuedAt?: string;
  validUntil?: string;
}
export interface CertificateLinks {
  page: string;
  certificate: string;
  proof: string;
  badge?: string;
  trust?: string;
}
/** GET /api/engagements/:id/certificate: the statement to sign and the signatures collected. */
export interface EngagementCertificate {
  id: string;
  published: boolean;
  issuedAt: string;
  validUntil: string;
  level: Level;
  /** The in-toto statement (JSON text) the auditor and the reviewer sign. */
  statement: string;
  payloadType: string;
  /** The DSSE pre-authentication encoding of the statement, base64. */
  pae: string;
  required: { role: 'auditor' | 'peer-reviewer'; name: string; keyid: string; signed: boolean }[];
  reviewer: string | null;
  certificateSha256: string | null;
  logIndex: number | null;
  links: CertificateLinks | null;
}
/** The statement's predicate, as the web app reads it. */
export interface CertificatePredicate {
  certificateId: string;
  organization: { id: string; name: string };
  system: { id: string; name: string };
  edition: string;
  level: Level;
  aspectLevels: Record<string, number>;
  period: Period;
  auditor: { name: string; firm?: string; keyid: string };
  peerReviewer: { name: string; firm?: string; keyid: string };
  issuedAt: string;
  validUntil: string;
  supersedes?: string;
}
/** A published certificate (GET /api/registry/certificates/:id, GET /api/orgs/:orgId/certificates). */
export interface PublicCertificate {
  id: string;
  organization: { id: string; name: string };
  system: { id: string; name: string };
  edition: string;
  level: Level;
  aspectLevels: Record<string, number>;
  period: Period;
  auditor: { name: string; firm: string | null; keyid: string };
  peerReviewer: { name: string; firm: string | null; keyid: string };
  issuedAt: string;
  validUntil: string;
  supersedes: string | null;
  status: CertificateStatus;
  certificateSha256: string | null;
  reportSha256: string;
  logIndex: number | null;
  links: Required<CertificateLinks>;
}
export interface OrgCertificate extends PublicCertificate {
  nextAuditDue: string;
  /** Set from 90 days before expiry of an active certificate (English, from the server). */
  reminder: string | null;
}
export interface CertificateVerification {
  verified: boolean;
  checks: { check: string; ok: boolean; detail: string }[];
}
