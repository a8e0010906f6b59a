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
