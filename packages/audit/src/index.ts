/**
 * @keygrade/audit: the pure rules of a CCSS audit (issue 5): engagements and audit periods,
 * conflict-of-interest declarations, populations and sampling, working-day deadlines, peer-review
 * assignment and the conclusion. No IO: callers pass data, seeds and calendars in.
 */
export { AuditError, type AuditErrorCode } from './errors.js';
export * from './dates.js';
export * from './period.js';
export * from './engagement.js';
export * from './peer-review.js';
export * from './working-days.js';
export { readCsv, type CsvRecord } from './csv.js';
export * from './population.js';
export * from './sample-size.js';
export { MAX_SEED_BYTES, MIN_SEED_BYTES, parseSeed, SAMPLE_DRBG, SAMPLE_PERSONALIZATION, SampleRng, selectRandom, selectSystematic, type SystematicSelection } from './select.js';
export * from './sample.js';
export * from './conclusion.js';
export * from './tar.js';
export * from './audit-file.js';
