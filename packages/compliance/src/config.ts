/**
 * How long each kind of evidence counts. Organizations set their own intervals (a stricter
 * training cycle, background checks renewed every three years); everything has a default.
 */
import { z } from 'zod';
import { ComplianceError } from './errors.js';
import { zodProblems } from './registers.js';
import { months } from './schema/common.js';
import { PERSON_ROLES, type PersonRole } from './schema/people.js';
import { SEVERITIES, type Severity } from './schema/security-tests.js';

/** Validity rules of one organization (see DEFAULT_VALIDITY for the defaults). */
export interface ValidityConfig {
  /** A security audit or penetration test counts this many months from its performed date (2.01: at least yearly). */
  securityTestMonths: number;
  /** A training record counts this many months from completion. */
  trainingMonths: number;
  /** A KCP drill counts this many months from the day it was held (an entry may set its own `validMonths`). */
  drillMonths: number;
  /** Screening checks expire after this many months; `null` means they do not expire. */
  referenceCheckMonths: number | null;
  identityCheckMonths: number | null;
  backgroundCheckMonths: number | null;
  /** A responsibility acknowledgement expires after this many months; `null`: only a new policy version makes it stale. */
  acknowledgementMonths: number | null;
  /** Findings of these severities that are still unresolved after their due date stop the test from counting. */
  blockingSeverities: Severity[];
  /** People with any of these roles need the checks, training and acknowledgements. */
  screenedRoles: PersonRole[];
  /** A performed test counts only once its report evidence is recorded. */
  requireTestReport: boolean;
}

const DEFAULTS: ValidityConfig = {
  securityTestMonths: 12,
  trainingMonths: 12,
  drillMonths: 12,
  referenceCheckMonths: null,
  identityCheckMonths: null,
  backgroundCheckMonths: null,
  acknowledgementMonths: null,
  blockingSeverities: ['critical', 'high'],
  screenedRoles: ['keyholder', 'operator', 'signer'],
  requireTestReport: true,
};

/** The defaults: 12-month tests, training and drills; checks and acknowledgements that do not expire. */
export const DEFAULT_VALIDITY: Readonly<ValidityConfig> = Object.freeze(DEFAULTS);

const nullableMonths = (field: string) => months(field).nullable();

const configSchema = z.strictObject({
  securityTestMonths: months('securityTestMonths').optional(),
  trainingMonths: months('trainingMonths').optional(),
  drillMonths: months('drillMonths').optional(),
  referenceCheckMonths: nullableMonths('referenceCheckMonths').optional(),
  identityCheckMonths: nullableMonths('identityCheckMonths').optional(),
  backgroundCheckMonths: nullableMonths('backgroundCheckMonths').optional(),
  acknowledgementMonths: nullableMonths('acknowledgementMonths').optional(),
  blockingSeverities: z.array(z.enum(SEVERITIES, { error: `blockingSeverities must list values of ${SEVERITIES.join(', ')}` })).optional(),
  screenedRoles: z.array(z.enum(PERSON_ROLES, { error: `screenedRoles must list values of ${PERSON_ROLES.join(', ')}` })).min(1, 'screenedRoles must name at least one role').optional(),
  requireTestReport: z.boolean({ error: 'requireTestReport must be true or false' }).optional(),
});

/** An organization's overrides of the defaults. */
export type ValidityOverrides = z.input<typeof configSchema>;

/**
 * The validity rules of an organization: its overrides over DEFAULT_VALIDITY.
 * Throws COMPLIANCE_INVALID_CONFIG naming each bad field.
 * @example resolveValidity({ trainingMonths: 6 }).trainingMonths // 6
 */
export function resolveValidity(overrides: unknown = {}): ValidityConfig {
  const parsed = configSchema.safeParse(overrides);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, '', 'validity configuration');
    throw new ComplianceError('COMPLIANCE_INVALID_CONFIG', `invalid validity configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
  }
  const set = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_VALIDITY, blockingSeverities: [...DEFAULT_VALIDITY.blockingSeverities], screenedRoles: [...DEFAULT_VALIDITY.screenedRoles], ...set };
}
