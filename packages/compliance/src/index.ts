/**
 * @keygrade/compliance: the pure rules of continuous compliance (issue 10): registers of security
 * tests, media sanitization, policies, people, service providers and KCP drills; which requirements
 * each entry evidences per edition; how long evidence counts; evaluation on a clock with the level
 * that follows, change events and timelines; CSV, YAML and OSCAL import/export. No IO: callers pass
 * data and the day in, so it runs in node and in browsers.
 */
export { ComplianceError, type ComplianceErrorCode } from './errors.js';
export * from './dates.js';
export { evidenceRefSchema, requirementRef, splitRequirementRef, type EvidenceRef } from './schema/common.js';
export * from './schema/security-tests.js';
export * from './schema/sanitization.js';
export * from './schema/policies.js';
export * from './schema/people.js';
export * from './schema/providers.js';
export * from './schema/drills.js';
export * from './schema/kcp-protocols.js';
export * from './schema/grant-revoke.js';
export * from './registers.js';
export * from './requirements-map.js';
export * from './config.js';
export * from './validity.js';
export { buildSources, evidenceLinkSchema, LINKED, type EvidenceLink, type EvidenceSource, type SourceMap } from './sources.js';
export * from './evaluate.js';
export * from './changes.js';
export * from './timeline.js';
export { csvField, readCsv, writeCsv, type CsvRow } from './io/csv-text.js';
export * from './io/csv.js';
export * from './io/yaml.js';
export * from './io/oscal-import.js';
export * from './io/files.js';
export * from './diff.js';
export * from './cross-check.js';
