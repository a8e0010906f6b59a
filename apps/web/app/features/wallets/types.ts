/**
 * Answers of the wallet routes (apps/server/src/routes/wallets.ts, issue 8): the key inventory and
 * its versions, the wallet check and the PSBT check, and the evidence they attach. Kept here, not in
 * api/types.ts, since only this feature reads them.
 */
import type { Problem } from '../../api/client';

export type Edition = 'ccss-2020' | 'ccss-2021' | 'ccss-v9';

export interface InventorySite {
  id: string;
  name?: string;
  country: string;
  region?: string;
}
export interface InventoryDevice {
  id: string;
  vendor: string;
  model?: string;
  serial?: string;
}
export interface InventoryKey {
  id: string;
  xpub?: string;
  fingerprint?: string;
  path?: string;
  holder: string;
  organization: string;
  site: string;
  device?: string;
  created?: { method: string; by: string; date?: string; ceremony?: string };
}
export interface Inspection {
  date: string;
  by?: string;
  serial: string;
  intact: boolean;
}
export interface InventoryBackup {
  id?: string;
  key: string;
  medium: string;
  site: string;
  encrypted: boolean;
  accessControl?: string;
  environmental: string[];
  seals: { serial: string; inspections: Inspection[] }[];
}
export interface Inventory {
  sites: InventorySite[];
  devices: InventoryDevice[];
  keys: InventoryKey[];
  backups: InventoryBackup[];
}

export interface InventoryFileInfo {
  name: string;
  format: 'yaml' | 'csv';
  sha256: string;
  size: number;
}
export interface InventoryVersionInfo {
  version: number;
  sha256: string;
  note: string | null;
  createdAt: string;
  createdBy: string;
  files: InventoryFileInfo[];
  counts: { sites: number; devices: number; keys: number; backups: number };
}
export interface InventoryAnswer {
  current: (InventoryVersionInfo & { inventory: Inventory }) | null;
  versions: InventoryVersionInfo[];
}

/** A problem of a 400 answer, with the file, line and field the server located it at. */
export interface LocatedProblem extends Problem {
  file?: string;
  line?: number;
  field?: string;
}

export type FindingStatus = 'pass' | 'fail' | 'not-determinable';
export interface Finding {
  rule: string;
  requirements: string[];
  status: FindingStatus;
  reason: string;
}
export interface DerivedAddress {
  path: number;
  index: number;
  scriptPubKey: string;
  address: string | undefined;
  crossCheck: 'agree' | { notChecked: string };
}
export interface WalletCheckResult {
  descriptor: string;
  checksum: string | null;
  edition: Edition;
  scriptType: string;
  quorum: string;
  keys: { key: string; fingerprint: string | undefined; inventory: string | undefined }[];
  findings: Finding[];
  summary: Record<FindingStatus, number>;
  addresses: DerivedAddress[];
  network: string;
  inventory: { version: number; sha256: string; importedAt: string } | null;
}

export type SpendDecision = 'allow' | 'deny' | 'needs-approval';
export interface SpendReason {
  rule: string;
  outcome: 'deny' | 'needs-approval' | 'pass' | 'info';
  output?: number;
  input?: number;
  message: string;
}
export interface SpendOutput {
  index: number;
  address: string | undefined;
  script: string;
  amount: string;
  kind: 'change' | 'self' | 'external';
  destination: string | undefined;
}
export interface PathGovernance {
  path: string;
  threshold: number;
  keys: { key: string; approver: string | undefined }[];
  minApprovers: number;
  status: 'ungoverned' | 'weaker-than-quorum' | 'governed';
  explanation: string;
}
export interface PsbtCheckResult {
  decision: SpendDecision;
  psbt: { version: 0 | 2; txid: string; inputs: number; outputs: number };
  at: string;
  outputs: SpendOutput[];
  totals: { inputs: string | undefined; sent: string; change: string; fee: string | undefined; vsizeEstimate: number; feerate: string | undefined };
  reasons: SpendReason[];
  governance: { paths: PathGovernance[]; ungoverned: number; notes: string[] };
}

/** The answer of wallet-evidence and psbt-evidence (the evidence-push answer plus the result). */
export interface AttachAnswer {
  evidence: { id: string; title: string | null; filename: string };
  created: boolean;
  linked: string[];
  alreadyLinked?: string[];
  assessment: { id: string; edition: string };
  requirements: string[];
}
