/**
 * The database schema as TypeScript types for Kysely. Byte columns are Uint8Array (Buffer at
 * runtime on both drivers); times are ISO 8601 UTC text so both dialects sort and compare them
 * the same way; counters are numbers (PostgreSQL int8 is parsed to a JS number; every value we
 * store stays below 2^53).
 */
import type { Generated } from 'kysely';
import type { DomainTables } from './domain/tables.js';

export interface LogTable {
  name: string;
  origin: string;
  kind: string;
  description: string;
  /** The index the next appended entry gets: entries are numbered as they are written. */
  next_index: number;
  /** The signed-note verifier key of the log's checkpoints. */
  public_key: string;
  /** The log's Ed25519 seed, encrypted with the instance's master key (see secrets.ts). */
  signing_key: Uint8Array;
  created_at: string;
}

export interface LogHeadTable {
  log: string;
  /** How many entries the latest signed checkpoint covers (the integrated size). */
  size: number;
  root: Uint8Array;
  checkpoint: string;
  updated_at: string;
}

export interface LogEntryTable {
  log: string;
  idx: number;
  data: Uint8Array;
  client_id: string | null;
  /** Copies of fields inside `data`, kept only to filter queries; `data` is what is hashed. */
  type: string | null;
  actor: string | null;
  ts: string | null;
  received_at: string;
}

export interface LogTileTable {
  log: string;
  level: number;
  idx: number;
  width: number;
  data: Uint8Array;
  /** Inner node hashes (tile-local levels 1..7), see log/inner.ts. */
  inner: Uint8Array | null;
}

export interface LogCheckpointTable {
  log: string;
  size: number;
  root: Uint8Array;
  note: string;
  created_at: string;
}

export interface LogWitnessTable {
  log: string;
  name: string;
  public_key: string;
  created_at: string;
}

export interface LogCosignatureTable {
  log: string;
  witness: string;
  size: number;
  /** The full cosigned checkpoint (checkpoint text + the witness's signature line). */
  note: string;
  cosigned_at: string;
  received_at: string;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  /** SHA-256 of the secret part of the token; the secret itself is never stored. */
  secret_hash: Uint8Array;
  /** JSON array of scopes, e.g. ["log:append:acme-events","log:read:acme-events"]. */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface SequencerLeaseTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface AlertRuleTable {
  id: string;
  log: string;
  name: string;
  /** JSON of the rule definition (see monitoring). */
  definition: string;
  enabled: number;
  created_at: string;
}

export interface AlertTable {
  id: Generated<number>;
  rule_id: string;
  log: string;
  raised_at: string;
  message: string;
  first_index: number | null;
  last_index: number | null;
  acknowledged_at: string | null;
}

export interface MonitorCursorTable {
  log: string;
  next_index: number;
}

/** A person who signs in (accounts, issue 4). Booleans are 0/1 integers on both dialects. */
export interface AppUserTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  /** PHC-style scrypt string, see accounts/password.ts. */
  password_hash: string;
  is_admin: number;
  /** The TOTP secret sealed with the master key (context `mfa-secret:<userId>`), or null. */
  mfa_secret: Uint8Array | null;
  /** A secret from MFA set-up that is not yet confirmed by a code. */
  mfa_pending_secret: Uint8Array | null;
  mfa_enabled: number;
  /** The last TOTP time step accepted (a code is never accepted twice). */
  mfa_last_step: number | null;
  failed_logins: number;
  failed_since: string | null;
  locked_until: string | null;
  password_changed_at: string;
  created_at: string;
}

export interface OrgTable {
  id: string;
  name: string;
  created_at: string;
}

export interface MembershipTable {
  org_id: string;
  user_id: string;
  /** owner | security_lead | keyholder | viewer */
  role: string;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 (hex) of the cookie secret. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface InvitationTable {
  id: string;
  /** SHA-256 (hex) of the invitation token. */
  token_hash: string;
  org_id: string;
  email: string;
  role: string;
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
  revoked_at: string | null;
}

export interface RecoveryCodeTable {
  user_id: string;
  /** SHA-256 (hex) of the normalised code. */
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface RateLimitTable {
  key: string;
  window_start: string;
  count: number;
}

/** OpenTimestamps proofs of a log's checkpoints (migration 010): what the registry anchors in Bitcoin. */
export interface CheckpointStampTable {
  log: string;
  size: number;
  /** The signed checkpoint note that was stamped (its text without signatures is the digest's preimage). */
  checkpoint: string;
  /** SHA-256 of the checkpoint text, hex. */
  digest: string;
  /** The .ots file (serialized), updated when calendars upgrade it. */
  ots: Uint8Array;
  /** unsubmitted (no calendar reached yet) · pending (no Bitcoin attestation yet) · complete */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface Database extends DomainTables {
  checkpoint_stamp: CheckpointStampTable;
  log: LogTable;
  log_head: LogHeadTable;
  log_entry: LogEntryTable;
  log_tile: LogTileTable;
  log_checkpoint: LogCheckpointTable;
  log_witness: LogWitnessTable;
  log_cosignature: LogCosignatureTable;
  api_token: ApiTokenTable;
  sequencer_lease: SequencerLeaseTable;
  alert_rule: AlertRuleTable;
  alert: AlertTable;
  monitor_cursor: MonitorCursorTable;
  app_user: AppUserTable;
  org: OrgTable;
  membership: MembershipTable;
  session: SessionTable;
  invitation: InvitationTable;
  recovery_code: RecoveryCodeTable;
  rate_limit: RateLimitTable;
}
