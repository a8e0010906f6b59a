/** Helpers for tests and demos of code that uses this package (`@keygrade/attest/testing`). */
export * from './ots/regtest.js';
