/**
 * The answers of the continuous-compliance API (apps/server/src/routes/compliance.ts) that the web
 * pages read. Register entries stay generic (`Record<string, unknown>`): the server validates them
 * with one schema per register, and the pages show whatever kinds the server lists.
 */
import type { Level } from '../../api/types';

/** One stored register entry (the entry itself is the validated body). */
export interface EntryRecord {
  register: string;
  id: string;
  entry: Record<string, unknown>;
  version: number;
  retiredAt: string | null;
  retiredBy: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /**
   * Whether the entry counts today, when the server sends it (see the report of issue 10's web
   * pages: a per-entry validity in the register answers is proposed, not built yet).
   */
  validity?: { valid: boolean; from?: string; until: string | null; reason: string };
}

/** A name one register uses that another lacks (a drill participant not in the people register, …). */
export interface RegisterWarning {
  ref: string;
  path: string;
  message: string;
}

/** A field changed between two versions of an entry (multi-line text with its line diff). */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
  lines?: { op: '=' | '-' | '+'; text: string }[];
}

export interface EntryVersion {
  version: number;
  entry: Record<string, unknown>;
  retired: boolean;
  at: string;
  by: string;
  /** What changed since the previous version (empty for the first). */
  changes?: FieldChange[];
}

export interface SourceEvaluation {
  ref: string;
  label: string;
  topic: string;
  valid: boolean;
  validFrom?: string;
  validUntil: string | null;
  reason: string;
}

export type Status = 'in_place' | 'in_place_comparable' | 'qualified_in_place' | 'not_applicable' | 'not_in_place' | 'not_assessed';

export interface RequirementEvaluation {
  id: string;
  aspectId: string;
  controlId: string;
  level: Level;
  answered: Status;
  effective: Status;
  evidence: 'none' | 'valid' | 'lapsed';
  validUntil?: string | null;
  fellBack: boolean;
  reason?: string;
  sources: SourceEvaluation[];
}

export interface ComplianceEvent {
  id: number;
  at: string;
  day: string;
  type: string;
  scope: string | null;
  aspectId: string | null;
  requirementId: string | null;
  from: number | null;
  to: number | null;
  message: string;
  actor: string;
}

/** GET /api/assessments/:id/compliance[?at=] */
export interface ComplianceView {
  assessment: { id: string; systemId: string; orgId: string; edition: string; recordedLevel: number };
  at: string;
  level: Level;
  answeredLevel: Level;
  nextLapse: string | null;
  lastEvaluated: { day: string; at: string; level: number } | null;
  aspects: { id: string; level: Level; answeredLevel: Level }[];
  requirements: RequirementEvaluation[];
  skippedLinks: { requirement: string; source: string }[];
  history: { at: string; level: Level; reasons: string[] }[];
  events: ComplianceEvent[];
}

export interface NotificationRecord {
  id: string;
  orgId: string;
  kind: string;
  title: string;
  body: string;
  data: { assessmentId?: string; systemId?: string; day?: string; level?: number; nextLapse?: string };
  createdAt: string;
  readAt: string | null;
}

export interface WebhookRecord {
  orgId: string;
  url: string;
  enabled: boolean;
  lastDeliveryAt: string | null;
  lastStatus: string | null;
  updatedAt: string;
  updatedBy: string;
}

/** Statuses that rest on evidence (an answer the registers can keep true or let lapse). */
export const EVIDENCE_BACKED: readonly Status[] = ['in_place', 'in_place_comparable', 'qualified_in_place'];

/** A calendar date YYYY-MM-DD that exists. */
export function isDay(s: string | null | undefined): s is string {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Today as YYYY-MM-DD (UTC, as the server counts days). */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** `day` plus `n` days (YYYY-MM-DD, UTC). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
