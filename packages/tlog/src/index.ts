export * from './jcs.js';
