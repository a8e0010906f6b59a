/**
 * @keygrade/randomness: SP 800-90A DRBGs and their CAVP runner, SP 800-90B health tests, dice and
 * cards with entropy accounting. Portable (no IO, no node:*); node-only speed-ups are in `./node`.
 */
export { RandomnessError, type RandomnessErrorCode } from './errors.js';
export * from './drbg/index.js';
export * from './cavp.js';
export {
  aptCutoff,
  bytesToSamples,
  DEFAULT_ALPHA,
  healthTest,
  HealthTester,
  mostCommonValueEstimate,
  mostCommonValueOfBytes,
  rctCutoff,
  type AptResult,
  type HealthReport,
  type HealthTestParams,
  type McvEstimate,
  type RctResult,
} from './sp800-90b.js';
export { chiSquareCritical, chiSquareGoodnessOfFit, chiSquareSurvival, gammaP, gammaQ, lnGamma, type ChiSquareResult } from './chi-square.js';
export { diceEntropyBits, requireEntropy, rollsNeeded, shuffleEntropyBits } from './entropy.js';
export { analyzeDice, parseDiceRolls, type DiceReport, type Roll } from './dice.js';
export { analyzeDeck, fullDeck, parseCards, RANKS, SUITS, type Card, type DeckReport } from './cards.js';
export * from './sp800-22/index.js';
