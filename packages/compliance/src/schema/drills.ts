/**
 * Key compromise protocol rehearsals (CCSS 2020/2021 1.5.2, v9 2.04.2): when, which scenario, who
 * took part, what was observed and what was changed in the protocol afterwards.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { evidenceRefSchema, isoDate, months, text } from './common.js';

export const kcpDrillSchema = z.strictObject({
  id: text('id'),
  scenario: text('scenario'),
  performedOn: isoDate('performedOn'),
  /** People register ids (or role names) of those who took part. */
  participants: z.array(text('participants')).min(1, 'participants must name at least one person'),
  observations: text('observations').optional(),
  improvements: z.array(text('improvements')).default([]),
  report: evidenceRefSchema.optional(),
  /** How long this drill counts, when it differs from the organization's drill interval. */
  validMonths: months('validMonths').optional(),
});

export type KcpDrill = z.infer<typeof kcpDrillSchema>;

/** Drills have no rules across fields yet; kept for symmetry with the other registers. */
export function kcpDrillProblems(): Problem[] {
  return [];
}
