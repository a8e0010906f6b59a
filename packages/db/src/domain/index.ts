export * from './errors.js';
export * from './systems.js';
export * from './assessments.js';
export * from './evidence.js';
export type * from './tables.js';
export * from './reserves.js';
export * from './audits.js';
export * from './registry.js';
export * from './compliance.js';
