/**
 * Keyholders and operators (CCSS 2020/2021 1.4.3-1.4.5, v9 1.05.3-1.05.7): reference, identity and
 * background checks, training and acknowledged responsibilities. Only references and hashes are
 * kept (the provider's case number, the SHA-256 of a report held elsewhere), never personal
 * documents: the schema is strict, so a field such as `passportScan` is refused, not stored.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { dateOrderProblems, isoDate, join, oneOf, sha256, text } from './common.js';

export const PERSON_ROLES = ['keyholder', 'operator', 'signer', 'administrator', 'other'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export const CHECK_KINDS = ['reference', 'identity', 'background'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const CHECK_OUTCOMES = ['passed', 'failed', 'inconclusive'] as const;

export const TRAINING_TOPICS = ['key_management', 'kcp', 'security_awareness', 'data_sanitization', 'other'] as const;
export type TrainingTopic = (typeof TRAINING_TOPICS)[number];

export const ACKNOWLEDGEMENT_SUBJECTS = ['responsibilities', 'policy'] as const;

export const screeningCheckSchema = z.strictObject({
  kind: oneOf('kind', CHECK_KINDS),
  provider: text('provider'),
  requestedOn: isoDate('requestedOn').optional(),
  completedOn: isoDate('completedOn'),
  outcome: oneOf('outcome', CHECK_OUTCOMES),
  /** The provider's case or report number. */
  reference: text('reference').optional(),
  /** SHA-256 of the result document, which stays with HR or the provider. */
  resultSha256: sha256('resultSha256').optional(),
});

export const trainingRecordSchema = z.strictObject({
  course: text('course'),
  topic: oneOf('topic', TRAINING_TOPICS),
  completedOn: isoDate('completedOn'),
  provider: text('provider').optional(),
  evidenceSha256: sha256('evidenceSha256').optional(),
});

export const acknowledgementSchema = z.strictObject({
  subject: oneOf('subject', ACKNOWLEDGEMENT_SUBJECTS),
  /** The policies register id of the document acknowledged, and the version read. */
  policyId: text('policyId').optional(),
  policyVersion: text('policyVersion').optional(),
  acknowledgedOn: isoDate('acknowledgedOn'),
  sha256: sha256('sha256').optional(),
});

export const personSchema = z.strictObject({
  /** A pseudonymous reference (an HR number), not a name: registers hold no personal data. */
  id: text('id'),
  roles: z.array(oneOf('roles', PERSON_ROLES)).min(1, 'roles must name at least one role'),
  grantedOn: isoDate('grantedOn').optional(),
  revokedOn: isoDate('revokedOn').optional(),
  checks: z.array(screeningCheckSchema).default([]),
  training: z.array(trainingRecordSchema).default([]),
  acknowledgements: z.array(acknowledgementSchema).default([]),
});

export type ScreeningCheck = z.infer<typeof screeningCheckSchema>;
export type TrainingRecord = z.infer<typeof trainingRecordSchema>;
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;
export type Person = z.infer<typeof personSchema>;

/** Rules across fields: access granted before revoked, checks completed after requested, policy acknowledgements name the policy. */
export function personProblems(p: Person, base: string): Problem[] {
  const out = dateOrderProblems(p, base, [['grantedOn', 'revokedOn']]);
  p.checks.forEach((c, i) => out.push(...dateOrderProblems(c, join(base, 'checks', i), [['requestedOn', 'completedOn']])));
  p.acknowledgements.forEach((a, i) => {
    if (a.subject === 'policy' && a.policyId === undefined) out.push({ path: join(base, 'acknowledgements', i, 'policyId'), message: 'policyId is required when subject is policy' });
    if (a.policyVersion !== undefined && a.policyId === undefined) out.push({ path: join(base, 'acknowledgements', i, 'policyId'), message: 'policyId is required when policyVersion is given' });
  });
  if (new Set(p.roles).size !== p.roles.length) out.push({ path: join(base, 'roles'), message: 'roles lists a role twice' });
  return out;
}
