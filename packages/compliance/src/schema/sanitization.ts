/**
 * The media sanitization trail (CCSS 2020/2021 2.2.2, v9 1.06.2): one entry per piece of media
 * wiped or destroyed, with the NIST SP 800-88 Rev. 1 method (§2.5: clear, purge, destroy), the
 * tool and its configuration, who did it, who witnessed it, and the certificate or photo kept.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { dateOrderProblems, evidenceRefSchema, isoDate, join, oneOf, text } from './common.js';

/** NIST SP 800-88 Rev. 1 §2.5 sanitization categories. */
export const SANITIZATION_METHODS = ['clear', 'purge', 'destroy'] as const;
export type SanitizationMethod = (typeof SANITIZATION_METHODS)[number];

export const SANITIZATION_EVIDENCE_KINDS = ['certificate', 'photo', 'log', 'other'] as const;

export const sanitizationEntrySchema = z.strictObject({
  id: text('id'),
  mediaId: text('mediaId'),
  mediaType: text('mediaType').optional(),
  /** What the media held (e.g. "backup of signing key 2 of wallet W1"); never the data itself. */
  held: text('held'),
  method: oneOf('method', SANITIZATION_METHODS),
  /** The technique within the method, e.g. "cryptographic erase", "degauss", "shred to 2 mm". */
  technique: text('technique').optional(),
  tool: text('tool'),
  toolConfiguration: text('toolConfiguration'),
  performedBy: text('performedBy'),
  witnessedBy: text('witnessedBy').optional(),
  performedOn: isoDate('performedOn'),
  /** SP 800-88 §4.7 verification of the result. */
  verifiedOn: isoDate('verifiedOn').optional(),
  evidence: z.array(evidenceRefSchema.extend({ kind: oneOf('kind', SANITIZATION_EVIDENCE_KINDS) })).default([]),
});

export type SanitizationEntry = z.infer<typeof sanitizationEntrySchema>;

/** Rules across fields: verification after the act, and a witness who is not the performer. */
export function sanitizationProblems(e: SanitizationEntry, base: string): Problem[] {
  const out = dateOrderProblems(e, base, [['performedOn', 'verifiedOn']]);
  if (e.witnessedBy !== undefined && e.witnessedBy === e.performedBy) {
    out.push({ path: join(base, 'witnessedBy'), message: 'witnessedBy must be someone other than performedBy' });
  }
  return out;
}
