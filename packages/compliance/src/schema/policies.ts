/**
 * Documented policies and procedures: one entry per version in force, with its owner, who approved
 * it and when, and the date it is next due for review. The kinds are the documents CCSS asks for.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { dateOrderProblems, evidenceRefSchema, isoDate, join, oneOf, requirementRef, text } from './common.js';

export const POLICY_KINDS = [
  'key_generation',
  'wallet_creation',
  'key_storage',
  'key_usage',
  'key_compromise',
  'grant_revoke',
  'data_sanitization',
  'governance_risk',
] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** Human names of the policy kinds, for messages and documents. */
export const POLICY_KIND_LABELS: Readonly<Record<PolicyKind, string>> = {
  key_generation: 'key generation run book',
  wallet_creation: 'wallet creation policy',
  key_storage: 'key storage policy',
  key_usage: 'key usage and custody policy',
  key_compromise: 'key compromise protocol',
  grant_revoke: 'keyholder grant/revoke procedure',
  data_sanitization: 'data sanitization policy',
  governance_risk: 'governance and risk policy',
};

export const policySchema = z.strictObject({
  id: text('id'),
  kind: oneOf('kind', POLICY_KINDS),
  title: text('title').optional(),
  version: text('version'),
  owner: text('owner'),
  approval: z.strictObject({ by: text('by'), on: isoDate('on') }).optional(),
  nextReview: isoDate('nextReview'),
  /** Further requirements this document evidences, beyond those of its kind (`<edition>:<id>`). */
  covers: z.array(requirementRef('covers')).default([]),
  /** The policy text itself, or `document` pointing at the stored file. */
  text: text('text').optional(),
  document: evidenceRefSchema.optional(),
});

export type Policy = z.infer<typeof policySchema>;

/** Rules across fields: a text or document, and approval before the next review. */
export function policyProblems(p: Policy, base: string): Problem[] {
  const out = dateOrderProblems(p, base, [['approval.on', 'nextReview']]);
  if (p.text === undefined && p.document === undefined) out.push({ path: join(base, 'text'), message: 'text (or document, a reference to the stored file) is required' });
  return out;
}
