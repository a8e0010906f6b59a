/**
 * @keygrade/reserves — proof of reserves (CCSS aspect 2.03): the liabilities Merkle-sum tree,
 * customers' inclusion proofs, the signed snapshot manifest and the verifier.
 * Pure: no IO; runs in node and in browsers.
 */
export * from './errors.js';
export * from './bytes.js';
export * from './amount.js';
export * from './hash.js';
export * from './random.js';
export * from './accounts.js';
export * from './tree.js';
export * from './proof.js';
export * from './manifest.js';
export * from './verify.js';
export * from './input.js';
export * from './store.js';
export * from './check.js';
