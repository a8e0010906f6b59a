/**
 * CTR_DRBG (SP 800-90A rev1 §10.2.1) with and without Block_Cipher_df (§10.3.2) and BCC (§10.3.3).
 */
import type { AesProvider } from './aes.js';
import { concat, fromBigInt, toBigInt, u32be, xorInto } from './bytes.js';
import type { WorkingState } from './types.js';

const BLOCK = 16;

/**
 * Block_Cipher_df (§10.3.2), for `bits` ≤ 512 and a whole number of bytes.
 * S = L || N || input || 0x80 padded with zeros to a block; temp = BCC(K, i || 0…0 || S) for
 * i = 0, 1, … until keylen + outlen bits; then K, X from temp and X = E(K, X) repeated.
 */
export function blockCipherDf(aes: AesProvider, keyBytes: number, input: Uint8Array, bits: number): Uint8Array {
  const outBytes = bits / 8;
  const sLen = 8 + input.length + 1;
  const s = new Uint8Array(Math.ceil(sLen / BLOCK) * BLOCK);
  s.set(u32be(input.length), 0);
  s.set(u32be(outBytes), 4);
  s.set(input, 8);
  s[8 + input.length] = 0x80;
  const k = new Uint8Array(keyBytes);
  for (let i = 0; i < keyBytes; i++) k[i] = i;
  const temp = new Uint8Array(Math.ceil((keyBytes + BLOCK) / BLOCK) * BLOCK);
  const ivs = new Uint8Array(BLOCK + s.length);
  ivs.set(s, BLOCK);
  for (let i = 0, off = 0; off < keyBytes + BLOCK; i++, off += BLOCK) {
    ivs.set(u32be(i), 0);
    temp.set(bcc(aes, k, ivs), off);
  }
  const key = temp.slice(0, keyBytes);
  const x = temp.slice(keyBytes, keyBytes + BLOCK);
  const chained = aes.cbcEncrypt(key, x, new Uint8Array(Math.ceil(outBytes / BLOCK) * BLOCK));
  const out = chained.slice(0, outBytes);
  for (const b of [s, temp, ivs, key, x, chained]) b.fill(0);
  return out;
}

/** BCC (§10.3.3): the CBC-MAC of `data` (a whole number of blocks) under `key`. */
export function bcc(aes: AesProvider, key: Uint8Array, data: Uint8Array): Uint8Array {
  const c = aes.cbcEncrypt(key, new Uint8Array(BLOCK), data);
  return c.slice(c.length - BLOCK);
}

/** The working state (Key, V) of CTR_DRBG and its algorithms. */
export class CtrDrbgState implements WorkingState {
  readonly #aes: AesProvider;
  readonly #keyBytes: number;
  readonly #seedBytes: number;
  readonly #df: boolean;
  readonly #ctrLen: bigint;
  #key: Uint8Array;
  #v: Uint8Array;

  constructor(aes: AesProvider, keyBits: number, derivationFunction: boolean, ctrLen: number) {
    this.#aes = aes;
    this.#keyBytes = keyBits / 8;
    this.#seedBytes = this.#keyBytes + BLOCK;
    this.#df = derivationFunction;
    this.#ctrLen = BigInt(ctrLen);
    this.#key = new Uint8Array(this.#keyBytes);
    this.#v = new Uint8Array(BLOCK);
  }

  /**
   * Writes E(Key, V+1), E(Key, V+2), … into `out` and leaves V at the last counter used. Only the
   * rightmost ctr_len bits of V count (§10.2.1.5.1 step 4.1): the keystream is cut into runs
   * that do not wrap those bits, so each run is a plain CTR keystream.
   */
  #keystream(out: Uint8Array): void {
    const blocks = Math.ceil(out.length / BLOCK);
    const mask = (1n << this.#ctrLen) - 1n;
    const v = toBigInt(this.#v);
    const high = v & ~mask;
    let low = v & mask;
    for (let done = 0; done < blocks; ) {
      low = (low + 1n) & mask;
      const room = mask - low + 1n;
      const n = room < BigInt(blocks - done) ? Number(room) : blocks - done;
      this.#aes.ctrKeystream(this.#key, fromBigInt(high | low, BLOCK), out.subarray(done * BLOCK, Math.min(out.length, (done + n) * BLOCK)));
      done += n;
      low = (low + BigInt(n - 1)) & mask;
    }
    this.#v = fromBigInt(high | low, BLOCK);
  }

  /** CTR_DRBG_Update (§10.2.1.2); `provided` is exactly seedlen bits. */
  #update(provided: Uint8Array): void {
    const temp = new Uint8Array(this.#seedBytes);
    this.#keystream(temp);
    xorInto(temp, provided);
    this.#key = temp.slice(0, this.#keyBytes);
    this.#v = temp.slice(this.#keyBytes);
    temp.fill(0);
  }

  /** A seedlen-bit string: input padded with zeros (no df, §10.2.1.3.1) or Block_Cipher_df(input, seedlen). */
  #seedMaterial(input: Uint8Array): Uint8Array {
    if (this.#df) return blockCipherDf(this.#aes, this.#keyBytes, input, this.#seedBytes * 8);
    const out = new Uint8Array(this.#seedBytes);
    out.set(input);
    return out;
  }

  /** §10.2.1.3.1 (no df: entropy_input ⊕ padded personalization_string) and §10.2.1.3.2 (df). */
  instantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalizationString: Uint8Array): void {
    let seed: Uint8Array;
    if (this.#df) seed = this.#seedMaterial(concat(entropyInput, nonce, personalizationString));
    else {
      seed = this.#seedMaterial(personalizationString);
      xorInto(seed, entropyInput);
    }
    this.#key = new Uint8Array(this.#keyBytes);
    this.#v = new Uint8Array(BLOCK);
    this.#update(seed);
    seed.fill(0);
  }

  /** §10.2.1.4.1 (no df) and §10.2.1.4.2 (df). */
  reseed(entropyInput: Uint8Array, additionalInput: Uint8Array): void {
    let seed: Uint8Array;
    if (this.#df) seed = this.#seedMaterial(concat(entropyInput, additionalInput));
    else {
      seed = this.#seedMaterial(additionalInput);
      xorInto(seed, entropyInput);
    }
    this.#update(seed);
    seed.fill(0);
  }

  /** §10.2.1.5.1 (no df) and §10.2.1.5.2 (df), steps 2–7; an empty additional input is Null. */
  generate(out: Uint8Array, additionalInput: Uint8Array): void {
    let add: Uint8Array;
    if (additionalInput.length > 0) {
      add = this.#seedMaterial(additionalInput);
      this.#update(add);
    } else add = new Uint8Array(this.#seedBytes);
    this.#keystream(out);
    this.#update(add);
    add.fill(0);
  }

  zeroize(): void {
    this.#key.fill(0);
    this.#v.fill(0);
  }
}
