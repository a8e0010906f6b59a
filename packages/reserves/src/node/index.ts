/** @keygrade/reserves/node — node-only helpers: the multi-threaded tree builder. */
export * from './parallel.js';
export * from './stream.js';
