/**
 * Shared shapes of the SP 800-90A rev1 DRBGs: which mechanism, its limits (Tables 2 and 3), the
 * options of the Instantiate, Reseed and Generate functions and the injected entropy source.
 */

/** The hash functions approved for Hash_DRBG and HMAC_DRBG (SP 800-90A rev1 Table 2). */
export type DrbgHash = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SHA-512/224' | 'SHA-512/256';

/** The block ciphers Keygrade supports for CTR_DRBG (SP 800-90A rev1 Table 3; 3-key TDEA is not offered). */
export type DrbgCipher = 'AES-128' | 'AES-192' | 'AES-256';

/** The security strengths of SP 800-57 that SP 800-90A instantiates at (§8.4). */
export type SecurityStrength = 112 | 128 | 192 | 256;

/** A DRBG mechanism and its parameters. Dual_EC_DRBG was withdrawn in rev1 and is not offered. */
export type DrbgSpec =
  | { mechanism: 'HMAC_DRBG' | 'Hash_DRBG'; hash: DrbgHash }
  | {
      mechanism: 'CTR_DRBG';
      cipher: DrbgCipher;
      /** Use Block_Cipher_df (§10.3.2). Without it, entropy input must be exactly seedlen bits of full entropy. */
      derivationFunction: boolean;
      /** Counter field length in bits, 4 ≤ ctr_len ≤ blocklen (§10.2.1); default 128 (the whole block). */
      ctrLen?: number;
    };

/** The limits a mechanism enforces, in bits (SP 800-90A rev1 Tables 2 and 3). */
export interface DrbgLimits {
  highestSecurityStrength: SecurityStrength;
  /** outlen (hash output or cipher block length). */
  outlen: number;
  seedlen: number;
  /** Shortest entropy input for a strength s: s itself, or seedlen for CTR_DRBG without df. */
  minEntropyInputLength(strength: SecurityStrength): number;
  maxEntropyInputLength: number;
  /** False for CTR_DRBG without a derivation function, which takes no nonce. */
  usesNonce: boolean;
  maxPersonalizationStringLength: number;
  maxAdditionalInputLength: number;
  maxBitsPerRequest: number;
  /** The largest reseed_interval the spec allows (2^48). */
  maxReseedInterval: number;
}

/** What the DRBG asks of its entropy source (the spec's Get_entropy_input, §9). */
export interface EntropyRequest {
  /** Entropy the returned string must carry, in bits (the security strength). */
  minEntropy: number;
  /** Length bounds of the returned string, in bits. */
  minLength: number;
  maxLength: number;
  predictionResistance: boolean;
}

/** An entropy source: returns a string meeting the request, or throws. */
export type EntropySource = (request: EntropyRequest) => Uint8Array;

/** Options of the Instantiate function (§9.1). */
export interface InstantiateOptions {
  /** The entropy input; taken from `entropySource` when left out. */
  entropyInput?: Uint8Array;
  /** The nonce (§8.6.7). Required unless the entropy input is at least 3/2 × the security strength; refused for CTR_DRBG without df. */
  nonce?: Uint8Array;
  personalizationString?: Uint8Array;
  /** requested_instantiation_security_strength; default the mechanism's highest. */
  securityStrength?: number;
  /** prediction_resistance_flag: allow Generate requests with prediction resistance (needs `entropySource`). */
  predictionResistance?: boolean;
  /** Where Reseed and prediction resistance get fresh entropy. Without it, an exhausted DRBG throws DRBG_RESEED_REQUIRED. */
  entropySource?: EntropySource;
  /** reseed_interval, 1 ≤ n ≤ 2^48 (default 2^48): Generate requests allowed between reseeds. */
  reseedInterval?: number;
}

/** Options of the Reseed function (§9.2). */
export interface ReseedOptions {
  /** The entropy input; taken from the entropy source when left out. */
  entropyInput?: Uint8Array;
  additionalInput?: Uint8Array;
}

/** Options of the Generate function (§9.3.1). */
export interface GenerateOptions {
  additionalInput?: Uint8Array;
  /** prediction_resistance_request: reseed from the entropy source before generating. */
  predictionResistance?: boolean;
  /** requested_security_strength: refused when above the instantiated strength. */
  securityStrength?: number;
}

/**
 * The working-state algorithms of one mechanism (§10), with no checks of their own: the
 * envelope in `drbg.ts` checks every limit before calling them. Empty inputs stand for Null.
 */
export interface WorkingState {
  instantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalizationString: Uint8Array): void;
  reseed(entropyInput: Uint8Array, additionalInput: Uint8Array): void;
  /** Fills `out` (ceil(requested_bits / 8) bytes) and updates the state; `reseedCounter` is the value before this request. */
  generate(out: Uint8Array, additionalInput: Uint8Array, reseedCounter: number): void;
  /** Overwrites every secret value with zeros. */
  zeroize(): void;
}
