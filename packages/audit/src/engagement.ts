/**
 * The engagement: who audits whom, for which system, edition and period, under which agreement,
 * and the conflict-of-interest declarations of the auditors and the peer reviewer (CCSS-PRIMER.md
 * "The audit" and "Peer review"). One zod schema validates input and types the code; the rules that
 * look across fields (the period, who declared what) follow and report every problem with its path.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { isIsoDate, type IsoDate } from './dates.js';
import { AuditError } from './errors.js';
import { periodProblems } from './period.js';

const text = z.string().trim().min(1, 'must not be empty');
const isoDate = z.string().refine(isIsoDate, { error: 'must be a calendar date written YYYY-MM-DD' });

export const partySchema = z.strictObject({ id: text, name: text });

/** One conflict-of-interest question: a declared conflict must say what it is. */
export const disclosureSchema = z
  .strictObject({ conflict: z.boolean({ error: 'conflict must be true or false' }), details: text.optional() })
  .refine((d) => !d.conflict || d.details !== undefined, { error: 'a declared conflict must carry details', path: ['details'] });

export const DECLARATION_TOPICS = ['employment', 'family', 'financialInterest'] as const;
export type DeclarationTopic = (typeof DECLARATION_TOPICS)[number];

/** The conflict-of-interest declaration of one person: employment, family, financial interest (tokens, equity). */
export const declarationSchema = z.strictObject({
  personId: text,
  role: z.enum(['auditor', 'peer_reviewer'], { error: 'role must be auditor or peer_reviewer' }),
  declaredOn: isoDate,
  employment: disclosureSchema,
  family: disclosureSchema,
  financialInterest: disclosureSchema,
});

export const engagementSchema = z.strictObject({
  id: text.optional(),
  edition: text,
  type: z.enum(['readiness', 'certification'], { error: 'type must be readiness or certification' }),
  /** The system's first certification audit (6–18 month period allowed). */
  firstAudit: z.boolean({ error: 'firstAudit must be true or false' }),
  auditorFirm: partySchema,
  auditors: z.array(partySchema.extend({ lead: z.boolean().optional() })).min(1, 'at least one auditor is required'),
  auditee: z.strictObject({ organization: partySchema, system: partySchema }),
  period: z.strictObject({ start: isoDate, end: isoDate }),
  agreementReference: text,
  peerReviewer: partySchema.extend({ firm: partySchema }).optional(),
  declarations: z.array(declarationSchema).default([]),
});

export type Party = z.infer<typeof partySchema>;
export type Disclosure = z.infer<typeof disclosureSchema>;
export type Declaration = z.infer<typeof declarationSchema>;
export type Engagement = z.infer<typeof engagementSchema>;
/** The engagement as a caller writes it (declarations may be left out until they are collected). */
export type EngagementInput = z.input<typeof engagementSchema>;

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(engagement)', message: i.message }));
}

/**
 * Validates an engagement and returns it typed. Throws AUDIT_INVALID_ENGAGEMENT listing every
 * problem with its field path: shape, period rules (period.ts), duplicate auditors, declarations of
 * people who are not on the engagement, and an edition outside `knownEditions` when given.
 */
export function validateEngagement(input: unknown, options: { knownEditions?: readonly string[] } = {}): Engagement {
  const parsed = engagementSchema.safeParse(input);
  if (!parsed.success) throw new AuditError('AUDIT_INVALID_ENGAGEMENT', 'the engagement is not valid', { problems: zodProblems(parsed.error) });
  const e = parsed.data;
  const problems: Problem[] = [];
  if (options.knownEditions && !options.knownEditions.includes(e.edition)) {
    problems.push({ path: 'edition', message: `unknown edition ${e.edition} (known: ${options.knownEditions.join(', ')})` });
  }
  if (e.type === 'readiness' && e.firstAudit) problems.push({ path: 'firstAudit', message: 'applies to certification audits only; a readiness assessment is not an audit' });
  problems.push(...periodProblems(e.period, { type: e.type, firstAudit: e.firstAudit }));
  const seen = new Set<string>();
  e.auditors.forEach((a, i) => {
    if (seen.has(a.id)) problems.push({ path: `auditors.${i}.id`, message: `auditor ${a.id} is listed twice` });
    seen.add(a.id);
  });
  if (e.peerReviewer && seen.has(e.peerReviewer.id)) problems.push({ path: 'peerReviewer.id', message: `${e.peerReviewer.id} is an auditor of this engagement and cannot review it` });
  e.declarations.forEach((d, i) => {
    const known = d.role === 'auditor' ? seen.has(d.personId) : e.peerReviewer?.id === d.personId;
    if (!known) problems.push({ path: `declarations.${i}.personId`, message: `${d.personId} is not ${d.role === 'auditor' ? 'an auditor' : 'the peer reviewer'} of this engagement` });
  });
  if (problems.length > 0) throw new AuditError('AUDIT_INVALID_ENGAGEMENT', 'the engagement is not valid', { problems });
  return e;
}

/** The latest declaration of a person in a role made on or before `asOf` (the last recorded, on a tie). */
export function declarationOf(engagement: Engagement, personId: string, role: Declaration['role'], asOf: IsoDate): Declaration | undefined {
  // The latest date wins; on the same date, the one recorded last (declarations are appended).
  let latest: Declaration | undefined;
  for (const d of engagement.declarations) {
    if (d.personId === personId && d.role === role && d.declaredOn <= asOf && (!latest || d.declaredOn >= latest.declaredOn)) latest = d;
  }
  return latest;
}

/** The topics a declaration answers with a conflict, e.g. `financialInterest (holds tokens)`. */
export function declaredConflicts(d: Declaration): string[] {
  return DECLARATION_TOPICS.filter((t) => d[t].conflict).map((t) => `${t} (${d[t].details ?? ''})`);
}

/**
 * Refuses to start fieldwork on `startDate` unless every auditor has declared, on or before that
 * day, and declared no conflict: AUDIT_DECLARATIONS_MISSING or AUDIT_CONFLICT_DECLARED, naming each person.
 */
export function assertCanStartWork(engagement: Engagement, startDate: IsoDate): void {
  const missing: Problem[] = [];
  const conflicts: Problem[] = [];
  for (const a of engagement.auditors) {
    const d = declarationOf(engagement, a.id, 'auditor', startDate);
    if (!d) missing.push({ path: `declarations[${a.id}]`, message: `auditor ${a.id} (${a.name}) has no conflict-of-interest declaration dated on or before ${startDate}` });
    else if (declaredConflicts(d).length > 0) conflicts.push({ path: `declarations[${a.id}]`, message: `auditor ${a.id} (${a.name}) declared a conflict: ${declaredConflicts(d).join(', ')}` });
  }
  if (missing.length > 0) throw new AuditError('AUDIT_DECLARATIONS_MISSING', 'work cannot start before every auditor has declared conflicts of interest', { problems: missing });
  if (conflicts.length > 0) throw new AuditError('AUDIT_CONFLICT_DECLARED', 'work cannot start: an auditor declared a conflict of interest', { problems: conflicts });
}
