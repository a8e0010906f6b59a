/**
 * @keygrade/wallet: wallet and key evidence for CCSS aspects 1.02–1.05 — output descriptors,
 * key inventories, wallet checks mapped to requirement ids, and ECDSA signature forensics.
 * Pure: no IO; runs in node and in browsers.
 */
export * from './errors.js';
export * from './descriptor/index.js';
export * from './inventory/index.js';
export * from './checks/index.js';
export * from './sigs/index.js';
export * from './psbt/index.js';
export * from './kcp/index.js';
export * from './signer/index.js';
export * from './reuse/index.js';
export * from './control/index.js';
