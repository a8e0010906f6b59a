/**
 * What goes into the logs. Keygrade's own audit entries follow FORMATS.md: the canonical JSON of
 * `{v, ts, actor, action, object, requestId, result, detailsHash}`; details (which may hold
 * personal data) stay outside the log and are referenced by their hash. Custodian events are the
 * canonical JSON of `{v, id, type, ts, actor, data}` as the custodian sent them.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson, canonicalJsonBytes } from '@keygrade/tlog';
import type { Database } from '../schema.js';
import { appendEntries, type Appended, type NewEntry } from './append.js';

/** The name of the log every Keygrade action is written to. */
export const AUDIT_LOG = 'keygrade-audit';

export interface AuditAction {
  ts: string;
  /** Who acted: `user:<id>`, `token:<id>`, `system`. */
  actor: string;
  /** What was done, e.g. `assessment.answer.update`. */
  action: string;
  /** What it was done to, e.g. `assessment:42/1.01.1`. */
  object: string;
  requestId: string;
  result: 'ok' | 'denied' | 'failed';
  /** Anything else worth keeping; only its hash enters the log. */
  details?: unknown;
  /** A salt for the details hash when details carry personal data (so the hash cannot be guessed). */
  detailsSalt?: string;
}

function sha256hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function auditEntry(a: AuditAction): NewEntry {
  const detailsHash = a.details === undefined ? null : sha256hex((a.detailsSalt ?? '') + canonicalJson(a.details));
  const data = canonicalJsonBytes({ v: 1, ts: a.ts, actor: a.actor, action: a.action, object: a.object, requestId: a.requestId, result: a.result, detailsHash });
  return { data, type: a.action, actor: a.actor, ts: a.ts };
}

/** Writes Keygrade's audit entry for an action, in the same transaction as the action. */
export async function recordAction(trx: Kysely<Database>, a: AuditAction): Promise<Appended> {
  const [r] = await appendEntries(trx, AUDIT_LOG, [auditEntry(a)], a.ts);
  return r!;
}

/** Who does something, for the audit entry: `user:<id>`, `token:<id>`, `cli:<user>@<host>`, `system`. */
export interface Who {
  actor: string;
  requestId: string;
  at: Date;
}

/**
 * Runs a state change and writes its audit entry in the same transaction: both commit or
 * neither does. `details` (hashed into the entry, never stored in it) must not hold secrets.
 */
export async function audited<T>(
  k: Kysely<Database>,
  who: Who,
  action: string,
  object: string,
  change: (trx: Kysely<Database>) => Promise<T>,
  details?: (result: T) => unknown,
): Promise<T> {
  return k.transaction().execute(async (trx) => {
    const result = await change(trx);
    await recordAction(trx, { ts: who.at.toISOString(), actor: who.actor, action, object, requestId: who.requestId, result: 'ok', details: details?.(result) });
    return result;
  });
}

export interface CustodianEvent {
  /** The custodian's own id of the event; appending it again is idempotent. */
  id: string;
  type: string;
  ts: string;
  actor?: string | undefined;
  data?: unknown;
}

export function custodianEntry(e: CustodianEvent): NewEntry {
  const data = canonicalJsonBytes({ v: 1, id: e.id, type: e.type, ts: e.ts, actor: e.actor, data: e.data });
  return { data, clientId: e.id, type: e.type, actor: e.actor, ts: e.ts };
}
