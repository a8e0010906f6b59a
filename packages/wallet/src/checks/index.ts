/** Wallet checks mapped to CCSS requirement ids. */
export { EDITIONS, REQUIREMENTS, type Edition, type RuleId } from './requirements.js';
export { checkWallet, type CheckOptions, type Finding, type FindingStatus, type WalletCheckReport } from './rules.js';
