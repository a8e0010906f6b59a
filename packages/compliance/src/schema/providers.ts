/**
 * Service providers the system relies on (v9 2.03.3), each with the certificate that shows its own
 * security (e.g. its CCSS certification), the requirements it covers, and when that certificate expires.
 * A requirement answered `qualified_in_place` relies on such a provider (SCORING.md "Answers").
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { dateOrderProblems, evidenceRefSchema, isoDate, requirementRef, text } from './common.js';

export const serviceProviderSchema = z.strictObject({
  id: text('id'),
  name: text('name'),
  service: text('service'),
  certificate: z.strictObject(
    {
      reference: text('reference'),
      issuer: text('issuer'),
      level: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'level must be 1, 2 or 3' }).optional(),
      issuedOn: isoDate('issuedOn'),
      expiresOn: isoDate('expiresOn'),
      evidence: evidenceRefSchema.optional(),
    },
    { error: 'certificate is required (reference, issuer, issuedOn, expiresOn)' },
  ),
  /** Requirements the provider's certificate covers for this system (`<edition>:<id>`). */
  covers: z.array(requirementRef('covers')).default([]),
  reviewedOn: isoDate('reviewedOn').optional(),
});

export type ServiceProvider = z.infer<typeof serviceProviderSchema>;

/** Rules across fields: a certificate expires after it is issued. */
export function serviceProviderProblems(s: ServiceProvider, base: string): Problem[] {
  return dateOrderProblems(s, base, [['certificate.issuedOn', 'certificate.expiresOn']]);
}
