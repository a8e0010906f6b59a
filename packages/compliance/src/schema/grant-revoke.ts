/**
 * Keyholder grant and revoke requests (CCSS 2020/2021 aspect 1.6, v9 1.04): one entry per request,
 * from the request through the channel it came by, to the checklist of every permission changed and
 * the attestation of the person who performed the change. Together the entries are the audit trail.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { dateOrderProblems, evidenceRefSchema, isoDate, join, oneOf, text } from './common.js';

export const GRANT_REVOKE_ACTIONS = ['grant', 'revoke'] as const;

const checklistItemSchema = z.strictObject({
  /** One permission granted or revoked (e.g. "HSM partition 2 user", "cold key B share"). */
  item: text('item'),
  done: z.boolean({ error: 'done must be true or false' }),
  /** Who did it, when not the performer of the request. */
  by: text('by').optional(),
});

export const grantRevokeSchema = z.strictObject({
  id: text('id'),
  action: oneOf('action', GRANT_REVOKE_ACTIONS),
  /** The people register id of the person gaining or losing access. */
  person: text('person'),
  role: text('role'),
  reason: text('reason').optional(),
  requestedBy: text('requestedBy'),
  requestedOn: isoDate('requestedOn'),
  /**
   * The channel the request came through and how the requester was authenticated on it. A channel
   * without `authentication` is recorded as unauthenticated (and then evidences nothing).
   */
  channel: z.strictObject({ name: text('name'), authentication: text('authentication').optional() }, { error: 'channel is required (name, and authentication: how the requester was verified)' }),
  approvedBy: text('approvedBy').optional(),
  approvedOn: isoDate('approvedOn').optional(),
  performedBy: text('performedBy').optional(),
  performedOn: isoDate('performedOn').optional(),
  checklist: z.array(checklistItemSchema).min(1, 'checklist must list at least one permission to grant or revoke'),
  /** The performer's statement that the checklist was carried out, with an optional signed record. */
  attestation: z.strictObject({ by: text('by'), on: isoDate('on'), statement: text('statement').optional(), signature: evidenceRefSchema.optional() }).optional(),
  evidence: evidenceRefSchema.optional(),
});

export type GrantRevokeRequest = z.infer<typeof grantRevokeSchema>;

/**
 * Rules across fields: dates in order; approval and performance come with who and when; a performed
 * request is attested by its performer. Unchecked items on a performed request are not refused (the
 * record is true); they make the trail incomplete, which the validity rule reports.
 */
export function grantRevokeProblems(r: GrantRevokeRequest, base: string): Problem[] {
  const out = dateOrderProblems(r, base, [
    ['requestedOn', 'approvedOn'],
    ['requestedOn', 'performedOn'],
    ['approvedOn', 'performedOn'],
    ['performedOn', 'attestation.on'],
  ]);
  const pair = (who: 'approvedBy' | 'performedBy', on: 'approvedOn' | 'performedOn') => {
    if ((r[who] === undefined) !== (r[on] === undefined)) out.push({ path: join(base, r[who] === undefined ? who : on), message: `${who} and ${on} go together: give both or neither` });
  };
  pair('approvedBy', 'approvedOn');
  pair('performedBy', 'performedOn');
  if (r.performedOn !== undefined && r.attestation === undefined) out.push({ path: join(base, 'attestation'), message: 'a performed request needs the attestation of the person who performed it (attestation.by, attestation.on)' });
  if (r.attestation !== undefined && r.performedBy !== undefined && r.attestation.by !== r.performedBy) out.push({ path: join(base, 'attestation.by'), message: `the attestation is by ${r.attestation.by}, but ${r.performedBy} performed the request; the performer attests` });
  if (r.attestation !== undefined && r.performedOn === undefined) out.push({ path: join(base, 'performedOn'), message: 'an attested request needs performedBy and performedOn' });
  return out;
}
