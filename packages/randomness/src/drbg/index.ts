export { Drbg, instantiateDrbg, type DrbgPlatform } from './drbg.js';
export { nobleAes, type AesProvider } from './aes.js';
export { DRBG_HASHES } from './hashes.js';
export { drbgLimits, drbgName, instantiationStrength, CIPHERS, MAX_INPUT_BITS, MAX_REQUEST_BITS, MAX_RESEED_INTERVAL } from './limits.js';
export type {
  DrbgCipher,
  DrbgHash,
  DrbgLimits,
  DrbgSpec,
  EntropyRequest,
  EntropySource,
  GenerateOptions,
  InstantiateOptions,
  ReseedOptions,
  SecurityStrength,
} from './types.js';
