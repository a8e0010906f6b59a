/** PSBT spend verification (BIP 174 / 370): decoding, spend policies, change, limits, fees, approvals. */
export { PsbtError, type PsbtErrorCode } from './errors.js';
export { formatBtc, parseAmount, parseDecimal, MAX_MONEY, SATS_PER_BTC } from './amount.js';
export { decodePsbt, psbtBytes, MAX_PSBT_BYTES, type DecodedPsbt, type PsbtDerivation, type PsbtInputView, type PsbtOutputView } from './decode.js';
export { parseSpendPolicy, inTimeWindow, DEFAULT_WHITELIST_RANGE, MAX_WHITELIST_INDICES, type SpendPolicy, type SpendPolicyOptions, type Approver, type ApprovalRule, type WhitelistDestination } from './policy.js';
export { parseSpendHistory, type PastSpend } from './history.js';
export { evaluateSpend, type EvaluateOptions, type SpendDecision, type SpendOutput, type SpendReason, type SpendReport } from './evaluate.js';
export { governance, type GovernanceReport, type PathGovernance } from './governance.js';
export { walletBranches, classify, mapKeys, descriptorFingerprints, type WalletBranch, type Ownership } from './wallet-match.js';
export { estimateVsize, inputWeight, isSegwit, outputWeight } from './vsize.js';
