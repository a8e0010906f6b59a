/**
 * Field builders shared by the register schemas. Every message names its field, so a refusal reads
 * "owner is required" or "severity must be one of critical, high, medium, low, info" even where the
 * caller shows the message without its path.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { compareDates, isIsoDate, type IsoDate } from '../dates.js';

const missingOr = (field: string, otherwise: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `${field} is required` : otherwise);

/** Required non-empty text (trimmed). */
export const text = (field: string) =>
  z
    .string({ error: missingOr(field, `${field} must be text`) })
    .trim()
    .min(1, `${field} must not be empty`);

/** A calendar date written `YYYY-MM-DD`. */
export const isoDate = (field: string) =>
  z.string({ error: missingOr(field, `${field} must be a calendar date written YYYY-MM-DD`) }).refine(isIsoDate, { error: `${field} must be a calendar date written YYYY-MM-DD` });

/** One of a fixed list of values. */
export const oneOf = <const T extends readonly [string, ...string[]]>(field: string, values: T) =>
  z.enum(values, { error: missingOr(field, `${field} must be one of ${values.join(', ')}`) });

/** A SHA-256 written as 64 lowercase hexadecimal characters. */
export const sha256 = (field: string) =>
  z.string({ error: missingOr(field, `${field} must be a SHA-256 (64 lowercase hex characters)`) }).regex(/^[0-9a-f]{64}$/, `${field} must be a SHA-256 (64 lowercase hex characters)`);

/** A whole number of months, at least 1. */
export const months = (field: string) =>
  z
    .number({ error: missingOr(field, `${field} must be a whole number of months`) })
    .int(`${field} must be a whole number of months`)
    .min(1, `${field} must be at least 1 month`)
    .max(1200, `${field} must be at most 1200 months`);

/**
 * Evidence kept by content address (ARCHITECTURE.md rule 8): the SHA-256 of the stored file, and
 * optionally where it is and what it shows. The file itself never travels in a register.
 */
export const evidenceRefSchema = z.strictObject({
  sha256: sha256('sha256'),
  uri: text('uri').optional(),
  description: text('description').optional(),
});
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

/**
 * A requirement named with its edition, `<edition>:<requirement id>` (e.g. `ccss-v9:2.03.3.1`):
 * requirement ids repeat across editions (`1.4.3.L1` is in 2020 and 2021), so a bare id is ambiguous.
 */
export const requirementRef = (field: string) =>
  z
    .string({ error: missingOr(field, `${field} must be text`) })
    .regex(/^[a-z0-9][a-z0-9-]*:[0-9][0-9A-Za-z.]*$/, `${field} must be written <edition>:<requirement id>, e.g. ccss-v9:2.03.3.1`);

/** Splits an `<edition>:<requirement id>` reference. */
export function splitRequirementRef(ref: string): { edition: string; id: string } {
  const at = ref.indexOf(':');
  return { edition: ref.slice(0, at), id: ref.slice(at + 1) };
}

/**
 * Checks that dates which must follow each other do: each pair is [earlier path, later path]; a
 * missing date is skipped. The problem sits on the later field, which is the one usually mistyped.
 */
export function dateOrderProblems(entry: object, base: string, pairs: readonly (readonly [string, string])[]): Problem[] {
  const out: Problem[] = [];
  const get = (path: string): IsoDate | undefined => {
    let v: unknown = entry;
    for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return typeof v === 'string' && isIsoDate(v) ? v : undefined;
  };
  for (const [early, late] of pairs) {
    const a = get(early);
    const b = get(late);
    if (a !== undefined && b !== undefined && compareDates(b, a) < 0) {
      out.push({ path: join(base, late), message: `${late} (${b}) is before ${early} (${a}); dates are in the wrong order` });
    }
  }
  return out;
}

/** Joins field path parts, leaving out empty ones. */
export function join(...parts: (string | number)[]): string {
  return parts.filter((p) => p !== '').join('.');
}
