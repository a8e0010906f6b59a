/**
 * The SP 800-90A rev1 DRBG functions (§9): Instantiate, Reseed, Generate and Uninstantiate, which
 * check every limit of the mechanism and the state before running its algorithms (§10).
 */
import { RandomnessError } from '../errors.js';
import { nobleAes, type AesProvider } from './aes.js';
import { maskTrailingBits } from './bytes.js';
import { CtrDrbgState } from './ctr-drbg.js';
import { HashDrbgState } from './hash-drbg.js';
import { HASHES } from './hashes.js';
import { HmacDrbgState } from './hmac-drbg.js';
import { CIPHERS, drbgLimits, drbgName, instantiationStrength } from './limits.js';
import type { DrbgLimits, DrbgSpec, EntropySource, GenerateOptions, InstantiateOptions, ReseedOptions, SecurityStrength, WorkingState } from './types.js';

const EMPTY = new Uint8Array(0);

/** Platform choices that do not change the output: the AES implementation for CTR_DRBG. */
export interface DrbgPlatform {
  /** Default: the portable @noble/ciphers provider. */
  aes?: AesProvider;
}

/**
 * An instantiated DRBG. Create one with {@link instantiateDrbg}.
 *
 * @example
 * const drbg = instantiateDrbg({ mechanism: 'HMAC_DRBG', hash: 'SHA-256' }, { entropyInput, nonce, entropySource });
 * const key = drbg.generate(256);
 */
export class Drbg {
  /** e.g. `HMAC_DRBG SHA-256` or `CTR_DRBG AES-256 use df`. */
  readonly name: string;
  readonly spec: DrbgSpec;
  readonly limits: DrbgLimits;
  readonly securityStrength: SecurityStrength;
  /** The prediction_resistance_flag set at instantiation. */
  readonly predictionResistance: boolean;
  readonly reseedInterval: number;
  #state: WorkingState | undefined;
  #reseedCounter = 0;
  readonly #source: EntropySource | undefined;

  /** @internal Use {@link instantiateDrbg}. */
  constructor(spec: DrbgSpec, options: InstantiateOptions, platform: DrbgPlatform) {
    this.spec = spec;
    this.name = drbgName(spec);
    this.limits = drbgLimits(spec);
    const L = this.limits;
    // §9.1 step 1–2: the requested strength and the prediction resistance flag.
    this.securityStrength = instantiationStrength(options.securityStrength, L.highestSecurityStrength);
    this.predictionResistance = options.predictionResistance ?? false;
    this.#source = options.entropySource;
    if (this.predictionResistance && !this.#source) {
      throw new RandomnessError('DRBG_PREDICTION_RESISTANCE_UNSUPPORTED', `${this.name}: prediction resistance needs an entropy source to reseed from`);
    }
    const interval = options.reseedInterval ?? L.maxReseedInterval;
    if (!Number.isSafeInteger(interval) || interval < 1 || interval > L.maxReseedInterval) {
      throw new RandomnessError('DRBG_INVALID_ARGUMENT', `${this.name}: reseed_interval must be an integer from 1 to 2^48 (got ${interval})`);
    }
    this.reseedInterval = interval;
    // §9.1 step 3: personalization string length.
    const pers = options.personalizationString ?? EMPTY;
    this.#checkLength('personalization string', pers, L.maxPersonalizationStringLength);
    // §9.1 step 6: entropy input.
    const entropy = this.#entropy(options.entropyInput, false);
    // §9.1 step 8 and §8.6.7: the nonce.
    const nonce = options.nonce ?? EMPTY;
    if (!L.usesNonce && nonce.length > 0) {
      throw new RandomnessError('DRBG_NONCE', `${this.name}: takes no nonce (CTR_DRBG without a derivation function ignores it, §10.2.1.3.1); leave it out`);
    }
    if (L.usesNonce && nonce.length === 0 && entropy.length * 8 < (3 * this.securityStrength) / 2) {
      throw new RandomnessError('DRBG_NONCE', `${this.name}: a nonce is required (§8.6.7), unless the entropy input carries at least ${(3 * this.securityStrength) / 2} bits (3/2 × the security strength)`);
    }
    this.#checkLength('nonce', nonce, L.maxEntropyInputLength);
    this.#state = createState(spec, platform);
    this.#state.instantiate(entropy, nonce, pers);
    this.#reseedCounter = 1;
  }

  /** Whether the DRBG is instantiated (false after {@link uninstantiate}). */
  get instantiated(): boolean {
    return this.#state !== undefined;
  }

  /** The reseed_counter: Generate requests since the last (re)seed, plus one. */
  get reseedCounter(): number {
    return this.#reseedCounter;
  }

  /**
   * Reseed function (§9.2): mixes fresh entropy (given, or from the entropy source) and optional
   * additional input into the state and resets the reseed counter.
   */
  reseed(options: ReseedOptions = {}): void {
    const state = this.#live();
    const add = options.additionalInput ?? EMPTY;
    this.#checkLength('additional input', add, this.limits.maxAdditionalInputLength);
    const entropy = this.#entropy(options.entropyInput, false);
    state.reseed(entropy, add);
    this.#reseedCounter = 1;
  }

  /**
   * Generate function (§9.3.1): `requestedBits` pseudorandom bits, returned as ceil(bits/8) bytes
   * (the leftmost bits; unused low bits of the last byte are zero). With prediction resistance, or
   * once the reseed counter passes the reseed interval, it first reseeds from the entropy source;
   * without a source an exhausted DRBG throws DRBG_RESEED_REQUIRED.
   */
  generate(requestedBits: number, options: GenerateOptions = {}): Uint8Array {
    const L = this.limits;
    let state = this.#live();
    if (!Number.isSafeInteger(requestedBits) || requestedBits < 0) {
      throw new RandomnessError('DRBG_INVALID_ARGUMENT', `${this.name}: requested number of bits must be a non-negative integer (got ${requestedBits})`);
    }
    if (requestedBits > L.maxBitsPerRequest) {
      throw new RandomnessError('DRBG_REQUEST_TOO_LARGE', `${this.name}: ${requestedBits} bits requested; at most ${L.maxBitsPerRequest} per request (max_number_of_bits_per_request)`);
    }
    if (options.securityStrength !== undefined && options.securityStrength > this.securityStrength) {
      throw new RandomnessError('DRBG_SECURITY_STRENGTH', `${this.name}: requested security strength ${options.securityStrength} exceeds the instantiated ${this.securityStrength} bits`);
    }
    let add = options.additionalInput ?? EMPTY;
    this.#checkLength('additional input', add, L.maxAdditionalInputLength);
    const pr = options.predictionResistance ?? false;
    if (pr && !this.predictionResistance) {
      throw new RandomnessError('DRBG_PREDICTION_RESISTANCE_UNSUPPORTED', `${this.name}: prediction resistance was requested but the DRBG was instantiated without it`);
    }
    // §9.3.1 steps 7 and 9: reseed when asked for prediction resistance or when the counter has run out.
    if (pr || this.#reseedCounter > this.reseedInterval) {
      if (!this.#source) {
        throw new RandomnessError('DRBG_RESEED_REQUIRED', `${this.name}: reseed required: ${this.#reseedCounter - 1} requests since the last seed reach the reseed interval (${this.reseedInterval}), and there is no entropy source; call reseed()`);
      }
      state.reseed(this.#entropy(undefined, pr), add);
      this.#reseedCounter = 1;
      add = EMPTY;
      state = this.#live();
    }
    const out = new Uint8Array(Math.ceil(requestedBits / 8));
    state.generate(out, add, this.#reseedCounter);
    this.#reseedCounter++;
    maskTrailingBits(out, requestedBits);
    return out;
  }

  /**
   * `byteLength` bytes from as many Generate requests as needed, each at most
   * max_number_of_bits_per_request; the options (additional input, prediction resistance) apply to
   * every request.
   */
  generateBytes(byteLength: number, options: GenerateOptions = {}): Uint8Array {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
      throw new RandomnessError('DRBG_INVALID_ARGUMENT', `${this.name}: byte length must be a non-negative integer (got ${byteLength})`);
    }
    const chunk = Math.floor(this.limits.maxBitsPerRequest / 8);
    if (byteLength <= chunk) return this.generate(byteLength * 8, options);
    const out = new Uint8Array(byteLength);
    for (let off = 0; off < byteLength; off += chunk) {
      const n = Math.min(chunk, byteLength - off);
      out.set(this.generate(n * 8, options), off);
    }
    return out;
  }

  /** Uninstantiate function (§9.4): zeroizes the working state; any later call throws DRBG_UNINSTANTIATED. */
  uninstantiate(): void {
    this.#state?.zeroize();
    this.#state = undefined;
    this.#reseedCounter = 0;
  }

  #live(): WorkingState {
    if (!this.#state) throw new RandomnessError('DRBG_UNINSTANTIATED', `${this.name}: the DRBG has been uninstantiated`);
    return this.#state;
  }

  #checkLength(what: string, value: Uint8Array, maxBits: number): void {
    if (value.length * 8 > maxBits) {
      throw new RandomnessError('DRBG_INPUT_TOO_LONG', `${this.name}: ${what} is ${value.length * 8} bits; at most ${maxBits} allowed`);
    }
  }

  /** The entropy input, given or from the source, checked against min_length and max_length. */
  #entropy(given: Uint8Array | undefined, predictionResistance: boolean): Uint8Array {
    const L = this.limits;
    const minLength = L.minEntropyInputLength(this.securityStrength);
    const maxLength = L.maxEntropyInputLength;
    let entropy = given;
    let from = 'entropy input';
    if (!entropy) {
      if (!this.#source) throw new RandomnessError('DRBG_NO_ENTROPY_SOURCE', `${this.name}: no entropy input given and no entropy source to get it from`);
      from = 'the entropy source returned a string that';
      try {
        entropy = this.#source({ minEntropy: this.securityStrength, minLength, maxLength, predictionResistance });
      } catch (e) {
        if (e instanceof RandomnessError) throw e;
        throw new RandomnessError('DRBG_ENTROPY_SOURCE_FAILED', `${this.name}: the entropy source failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      if (!(entropy instanceof Uint8Array)) throw new RandomnessError('DRBG_ENTROPY_SOURCE_FAILED', `${this.name}: the entropy source did not return bytes`);
    }
    const bits = entropy.length * 8;
    if (bits < minLength || bits > maxLength) {
      const want = minLength === maxLength ? `exactly ${minLength}` : `${minLength} to ${maxLength}`;
      throw new RandomnessError(given ? 'DRBG_ENTROPY_INPUT_LENGTH' : 'DRBG_ENTROPY_SOURCE_FAILED', `${this.name}: ${from} is ${bits} bits; ${want} bits needed`);
    }
    return entropy;
  }
}

function createState(spec: DrbgSpec, platform: DrbgPlatform): WorkingState {
  switch (spec.mechanism) {
    case 'HMAC_DRBG':
      return new HmacDrbgState(HASHES[spec.hash].hash);
    case 'Hash_DRBG':
      return new HashDrbgState(HASHES[spec.hash].hash, HASHES[spec.hash].seedlen);
    case 'CTR_DRBG':
      return new CtrDrbgState(platform.aes ?? nobleAes, CIPHERS[spec.cipher].keylen, spec.derivationFunction, spec.ctrLen ?? 128);
  }
}

/**
 * Instantiate function (SP 800-90A rev1 §9.1): checks the request against the mechanism's limits,
 * takes the entropy input (given or from the source), and returns the DRBG.
 *
 * @example
 * const drbg = instantiateDrbg(
 *   { mechanism: 'CTR_DRBG', cipher: 'AES-256', derivationFunction: true },
 *   { entropySource: ({ minLength }) => crypto.getRandomValues(new Uint8Array(minLength / 8)), nonce },
 * );
 */
export function instantiateDrbg(spec: DrbgSpec, options: InstantiateOptions = {}, platform: DrbgPlatform = {}): Drbg {
  return new Drbg(spec, options, platform);
}
