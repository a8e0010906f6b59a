export * from './schema.js';
export * from './parse-assessment.js';
export * from './edit-assessment.js';
export * from './migrate.js';
