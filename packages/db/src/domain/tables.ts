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

export interface DomainTables {
  system: SystemTable;
  assessment: AssessmentTable;
  answer: AnswerTable;
  answer_history: AnswerHistoryTable;
  level_point: LevelPointTable;
  evidence: EvidenceTable;
  answer_evidence: AnswerEvidenceTable;
  reserve_snapshot: ReserveSnapshotTable;
}
