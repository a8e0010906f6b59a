export * from './status.js';
export * from './score.js';
