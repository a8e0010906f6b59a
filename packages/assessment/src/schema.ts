/**
 * The assessment file (YAML, versioned by `keygrade: assessment/v1`). One schema validates the
 * input and types the code; semantic checks against the edition follow in parse-assessment.ts.
 */
import { z } from 'zod';
import { STATUSES } from '@keygrade/scoring';

export const ASSESSMENT_FORMAT = 'assessment/v1';

const text = z.string().trim().min(1, 'must not be empty');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex characters');

export const evidenceSchema = z
  .strictObject({
    path: text.optional(),
    url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).optional(),
    sha256,
    description: text.optional(),
  })
  .refine((e) => (e.path === undefined) !== (e.url === undefined), { error: 'evidence needs exactly one of path or url' });

export const answerSchema = z.strictObject({
  status: z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(', ')}` }).optional(),
  level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)], { error: 'level must be 0, 1, 2 or 3' }).optional(),
  note: text.optional(),
  comparable_control: text.optional(),
  relies_on: text.optional(),
  justification: text.optional(),
  evidence: z.array(evidenceSchema).optional(),
});

const date = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time' });

export const assessmentFileSchema = z.strictObject({
  keygrade: z.literal(ASSESSMENT_FORMAT, { error: `keygrade must be "${ASSESSMENT_FORMAT}" (the assessment file format version)` }),
  edition: z.string().min(1),
  organization: text,
  system: text,
  scope: text.optional(),
  assessed_at: date,
  assessor: text.optional(),
  migrated_from: z.strictObject({ edition: z.string(), at: date, file: z.string().optional() }).optional(),
  answers: z.record(z.string(), answerSchema).default({}),
});

export type EvidenceRef = z.infer<typeof evidenceSchema>;
export type AnswerEntry = z.infer<typeof answerSchema>;
export type AssessmentFile = z.infer<typeof assessmentFileSchema>;
