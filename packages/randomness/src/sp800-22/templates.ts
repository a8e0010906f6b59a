/**
 * Aperiodic templates for the non-overlapping template matching test (SP 800-22 rev1a §2.7).
 *
 * A template B = b_1 … b_m is aperiodic when no proper prefix of it is also a suffix (it has no
 * "border"), so two occurrences can never overlap. sts-2.1.2 reads them from files
 * `templates/template<m>` that list them in increasing binary order; we generate the same list.
 */
import { Sp80022Error } from './errors.js';

/** Template lengths sts-2.1.2 ships template files for. */
export const MIN_TEMPLATE_LENGTH = 2;
export const MAX_TEMPLATE_LENGTH = 21;

/**
 * sts-2.1.2 evaluates at most this many templates (MAXNUMOFTEMPLATES); for longer templates it
 * takes every k-th template of the list with k = ⌊count/148⌋.
 */
export const MAX_TEMPLATES = 148;

/** True when the m-bit value v (most significant bit = b_1) has no border. */
export function isAperiodic(v: number, m: number): boolean {
  for (let len = 1; len < m; len++) {
    // prefix of length len = top len bits, suffix = low len bits
    if (v >>> (m - len) === (v & ((1 << len) - 1))) return false;
  }
  return true;
}

/** Every aperiodic template of length m as an m-bit number, in increasing order. */
export function aperiodicTemplates(m: number): number[] {
  checkLength(m);
  const out: number[] = [];
  for (let v = 0; v < 1 << m; v++) if (isAperiodic(v, m)) out.push(v);
  return out;
}

/**
 * The templates sts-2.1.2 evaluates for length m: all of them when there are at most 148,
 * otherwise every k-th one (k = ⌊count/148⌋), and never more than 148.
 */
export function stsTemplates(m: number): number[] {
  const all = aperiodicTemplates(m);
  const skip = all.length < MAX_TEMPLATES ? 1 : Math.floor(all.length / MAX_TEMPLATES);
  const usable = Math.floor(all.length / skip);
  const out: number[] = [];
  for (let j = 0; j < Math.min(MAX_TEMPLATES, usable); j++) out.push(all[j * skip]!);
  return out;
}

/** The template as a string of 0/1 characters. */
export function templateToString(v: number, m: number): string {
  return v.toString(2).padStart(m, '0');
}

/** Parses a template written as 0/1 characters. */
export function parseTemplate(s: string): { value: number; length: number } {
  if (!/^[01]+$/.test(s)) throw new Sp80022Error('SP80022_INVALID_PARAMETER', `template "${s}" must be made of 0 and 1`);
  checkLength(s.length);
  return { value: parseInt(s, 2), length: s.length };
}

function checkLength(m: number): void {
  if (!Number.isInteger(m) || m < MIN_TEMPLATE_LENGTH || m > MAX_TEMPLATE_LENGTH) {
    throw new Sp80022Error('SP80022_INVALID_PARAMETER', `template length m must be an integer from ${MIN_TEMPLATE_LENGTH} to ${MAX_TEMPLATE_LENGTH}; got ${m}`);
  }
}
