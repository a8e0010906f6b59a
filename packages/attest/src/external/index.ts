/** Network sources (the only code in this package that does IO). Not used by verification itself. */
export * from './bitcoind.js';
export * from './esplora.js';
export * from './calendar.js';
export type { Fetch, HttpOptions } from './http.js';
