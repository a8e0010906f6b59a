/** Table types of migration 004 (systems, assessments, answers, evidence). */
import type { Generated } from 'kysely';

export interface SystemTable {
  id: string;
  org_id: string;
  name: string;
  designation: string;
  scope: string;
  boundary: string;
  /** JSON array of strings. */
  wallets: string;
  /** JSON array of strings. */
  assets: string;
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface AssessmentTable {
  id: string;
  system_id: string;
  org_id: string;
  edition: string;
  target_level: number | null;
  assessor: string | null;
  assessed_at: string;
  /** The system level at the last change (kept for lists; the scorecard is always recomputed). */
  level: number;
  /** Raised with every change to the answers or evidence links (cache key). */
  revision: number;
  created_at: string;
  created_by: string;
}

export interface AnswerTable {
  assessment_id: string;
  requirement_id: string;
  status: string;
  note: string | null;
  justification: string | null;
  comparable_control: string | null;
  relies_on: string | null;
  /** JSON array of the assessment file's evidence references ({path|url, sha256, description}). */
  evidence_refs: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface AnswerHistoryTable extends Omit<AnswerTable, 'updated_at' | 'updated_by'> {
  id: Generated<number>;
  at: string;
  by: string;
}

export interface LevelPointTable {
  id: Generated<number>;
  assessment_id: string;
  at: string;
  level: number;
}

export interface EvidenceTable {
  id: string;
  org_id: string;
  sha256: string;
  size: number;
  content_type: string;
  filename: string;
  title: string;
  source_system: string | null;
  tool: string | null;
  parameters: string | null;
  owner: string | null;
  expires_at: string | null;
  created_at: string;
  created_by: string;
}

export interface AnswerEvidenceTable {
  assessment_id: string;
  requirement_id: string;
  evidence_id: string;
  linked_at: string;
  linked_by: string;
}

export interface ReserveSnapshotTable {
  id: string;
  org_id: string;
  system_id: string;
  /** The manifest's snapshot id (hex). */
  snapshot_id: string;
  sequence: number;
  time: string;
  label: string | null;
  manifest_hash: string;
  previous_hash: string | null;
  /** `verified` (follows the system's previous snapshot), `first`, or `unchecked` (its predecessor is not here). */
  chain: string;
  /** JSON array of the verified signers' public keys (hex). */
  signers: string;
  /** The signed manifest, canonical JSON. */
  manifest: string;
  /** 1 when anyone may see it at /reserves/<id>. */
  public: number;
  evidence_id: string | null;
  created_at: string;
  created_by: string;
}

/** Table types of migration 007 (audits). */
export interface AuditorTable {
  user_id: string;
  firm_id: string;
  firm_name: string;
  accredited_from: string;
  accredited_until: string;
  created_at: string;
  created_by: string;
}

export interface EngagementTable {
  id: string;
  org_id: string;
  system_id: string;
  type: string;
  edition: string;
  /** planning · fieldwork · in_review · reviewed · signed_off */
  status: string;
  /** The validated engagement document (packages/audit `Engagement`), JSON. */
  doc: string;
  source_assessment_id: string | null;
  follows_id: string | null;
  /** JSON array of YYYY-MM-DD holidays for working-day deadlines. */
  holidays: string;
  review_assigned_on: string | null;
  queries_raised_on: string | null;
  reviewer_signed_off_at: string | null;
  signed_off_at: string | null;
  /** The conclusion frozen at sign-off, JSON. */
  conclusion: string | null;
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface EngagementMemberTable {
  engagement_id: string;
  user_id: string;
  /** lead_auditor · auditor · peer_reviewer */
  role: string;
  active: number;
  added_at: string;
  added_by: string;
}

export interface EngagementTestTable {
  engagement_id: string;
  requirement_id: string;
  /** The auditee's self-assessed answer the test started from, JSON. */
  claimed: string | null;
  /** JSON array of { technique, notes, evidenceIds }. */
  techniques: string;
  status: string | null;
  comparable_control: string | null;
  relies_on: string | null;
  justification: string | null;
  rationale: string | null;
  auditor_notes: string | null;
  evidence_ids: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface EngagementRecordTable {
  id: string;
  engagement_id: string;
  /** ipe · sample · remediation */
  kind: string;
  requirement_id: string | null;
  body: string;
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface ReviewMessageTable {
  id: Generated<number>;
  engagement_id: string;
  thread_id: string;
  requirement_id: string;
  /** open · reply · resolve */
  kind: string;
  author: string;
  role: string;
  body: string;
  at: string;
}

/** Table types of migration 008 (the public registry). */
export interface AuditorKeyTable {
  keyid: string;
  user_id: string;
  /** Ed25519 public key, hex. */
  public_key: string;
  label: string;
  added_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  log_index: number | null;
}

export interface CertificateTable {
  id: string;
  engagement_id: string;
  org_id: string;
  system_id: string;
  organization_name: string;
  system_name: string;
  edition: string;
  level: number;
  auditor_firm: string;
  issued_at: string;
  valid_until: string;
  /** The in-toto statement (canonical JSON) the signers sign. */
  statement: string;
  report_sha256: string;
  /** JSON array of DSSE signatures { keyid, sig } collected so far. */
  signatures: string;
  /** The signed DSSE envelope (canonical JSON) once every required signature is in. */
  envelope: string | null;
  certificate_sha256: string | null;
  /** Index of the issuance entry in the registry log. */
  log_index: number | null;
  supersedes: string | null;
  published: number;
  created_at: string;
  created_by: string;
}

export interface CertificateEventTable {
  id: Generated<number>;
  certificate_id: string;
  /** issued · suspended · reinstated · revoked */
  type: string;
  at: string;
  reason: string | null;
  supersedes: string | null;
  valid_until: string | null;
  log_index: number;
  actor: string;
}

export interface DomainTables {
  system: SystemTable;
  assessment: AssessmentTable;
  answer: AnswerTable;
  answer_history: AnswerHistoryTable;
  level_point: LevelPointTable;
  evidence: EvidenceTable;
  answer_evidence: AnswerEvidenceTable;
  reserve_snapshot: ReserveSnapshotTable;
  auditor: AuditorTable;
  engagement: EngagementTable;
  engagement_member: EngagementMemberTable;
  engagement_test: EngagementTestTable;
  engagement_record: EngagementRecordTable;
  review_message: ReviewMessageTable;
  auditor_key: AuditorKeyTable;
  certificate: CertificateTable;
  certificate_event: CertificateEventTable;
  compliance_entry: ComplianceEntryTable;
  compliance_entry_history: ComplianceEntryHistoryTable;
  compliance_settings: ComplianceSettingsTable;
  compliance_link: ComplianceLinkTable;
  compliance_state: ComplianceStateTable;
  compliance_event: ComplianceEventTable;
  notification: NotificationTable;
  compliance_webhook: ComplianceWebhookTable;
}

/** Table types of migration 009 (continuous compliance). */
export interface ComplianceEntryTable {
  id: string;
  org_id: string;
  /** securityTests · sanitization · policies · people · providers · drills */
  register: string;
  /** The entry's own id, unique in its register of the organization. */
  entry_id: string;
  /** The entry as @keygrade/compliance validated it, JSON. */
  body: string;
  version: number;
  /** Set when the entry was retired: kept for the record, left out of evaluations. */
  retired_at: string | null;
  retired_by: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** Every version of every register entry (append-only). */
export interface ComplianceEntryHistoryTable {
  id: Generated<number>;
  entry_uuid: string;
  org_id: string;
  register: string;
  entry_id: string;
  version: number;
  body: string;
  retired: number;
  at: string;
  by: string;
}

export interface ComplianceSettingsTable {
  org_id: string;
  /** The organization's validity overrides (@keygrade/compliance ValidityOverrides), JSON. */
  validity: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

/** A requirement of an assessment evidenced by a register entry, a people facet or a file (@keygrade/compliance EvidenceLink). */
export interface ComplianceLinkTable {
  id: string;
  org_id: string;
  assessment_id: string;
  requirement_id: string;
  /** `<register>/<id>` or `people:<facet>`. */
  source: string | null;
  /** `{ sha256, description?, collectedOn?, expiresOn? }`, JSON. */
  evidence: string | null;
  created_at: string;
  created_by: string;
}

/** The last persisted evaluation of an assessment: what the next monitor run compares with. */
export interface ComplianceStateTable {
  assessment_id: string;
  org_id: string;
  edition: string;
  /** The evaluated day, YYYY-MM-DD. */
  day: string;
  level: number;
  /** JSON array of { id, level }. */
  aspects: string;
  /** JSON array of the requirement ids whose answer fell back to not_in_place. */
  fell_back: string;
  next_lapse: string | null;
  evaluated_at: string;
}

/** A change the monitor found (level dropped/recovered, requirement lapsed/restored) with its reason. */
export interface ComplianceEventTable {
  id: Generated<number>;
  org_id: string;
  assessment_id: string;
  /** When the run happened (ISO instant; equals the level_point `at` of a level change). */
  at: string;
  /** The evaluated day, YYYY-MM-DD. */
  day: string;
  type: string;
  scope: string | null;
  aspect_id: string | null;
  requirement_id: string | null;
  from_level: number | null;
  to_level: number | null;
  message: string;
  actor: string;
}

export interface NotificationTable {
  id: string;
  org_id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  /** JSON object with ids the web app links to (assessmentId, systemId). */
  data: string;
  created_at: string;
  read_at: string | null;
}

export interface ComplianceWebhookTable {
  org_id: string;
  url: string;
  /** The HMAC secret sealed with the master key (context `compliance-webhook:<orgId>`). */
  secret: Uint8Array;
  enabled: number;
  last_delivery_at: string | null;
  last_status: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}
