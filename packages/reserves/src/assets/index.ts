/**
 * Proof of assets (CCSS aspect 2.03): BIP-322, BIP-127 and legacy signed-message proofs over the
 * snapshot's binding message, checked against a UTXO snapshot, and the per-asset solvency report.
 * Pure: no IO; runs in node and in browsers.
 */
export * from './errors.js';
export * from './message.js';
export * from './address.js';
export * from './tx.js';
export * from './bip322.js';
export * from './bip127.js';
export * from './bip127-file.js';
export * from './legacy.js';
export * from './utxos.js';
export * from './proofs.js';
export * from './report.js';
export { MAX_MONEY } from './encoding.js';
