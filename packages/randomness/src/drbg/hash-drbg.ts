/**
 * Hash_DRBG (SP 800-90A rev1 §10.1.1) and Hash_df (§10.3.1).
 */
import type { CHash } from '@noble/hashes/utils.js';
import { addInto, addNumber, concat, increment, u32be } from './bytes.js';
import type { WorkingState } from './types.js';

/**
 * Hash_df (§10.3.1): Hash(counter || no_of_bits_to_return || input_string) for counter = 1, 2, …,
 * concatenated and cut to the leftmost `bits` bits (`bits` is a whole number of bytes here).
 */
export function hashDf(hash: CHash, input: Uint8Array, bits: number): Uint8Array {
  const outBytes = bits / 8;
  const out = new Uint8Array(outBytes);
  const len = Math.ceil(outBytes / hash.outputLen);
  const nbits = u32be(bits);
  for (let i = 1, off = 0; i <= len; i++, off += hash.outputLen) {
    const d = hash.create().update(new Uint8Array([i & 0xff])).update(nbits).update(input).digest();
    out.set(d.subarray(0, Math.min(d.length, outBytes - off)), off);
  }
  return out;
}

/** The working state (V, C) of Hash_DRBG and its algorithms. */
export class HashDrbgState implements WorkingState {
  readonly #hash: CHash;
  readonly #seedlen: number;
  #v: Uint8Array;
  #c: Uint8Array;

  constructor(hash: CHash, seedlenBits: number) {
    this.#hash = hash;
    this.#seedlen = seedlenBits;
    this.#v = new Uint8Array(seedlenBits / 8);
    this.#c = new Uint8Array(seedlenBits / 8);
  }

  #setSeed(seedMaterial: Uint8Array): void {
    this.#v = hashDf(this.#hash, seedMaterial, this.#seedlen);
    this.#c = hashDf(this.#hash, concat(ZERO, this.#v), this.#seedlen);
    seedMaterial.fill(0);
  }

  /** §10.1.1.2: seed = Hash_df(entropy_input || nonce || personalization_string, seedlen); C = Hash_df(0x00 || V, seedlen). */
  instantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalizationString: Uint8Array): void {
    this.#setSeed(concat(entropyInput, nonce, personalizationString));
  }

  /** §10.1.1.3: seed = Hash_df(0x01 || V || entropy_input || additional_input, seedlen). */
  reseed(entropyInput: Uint8Array, additionalInput: Uint8Array): void {
    this.#setSeed(concat(ONE, this.#v, entropyInput, additionalInput));
  }

  /** §10.1.1.4 steps 2–7; an empty additional input is Null. */
  generate(out: Uint8Array, additionalInput: Uint8Array, reseedCounter: number): void {
    const h = this.#hash;
    const v = this.#v;
    if (additionalInput.length > 0) {
      const w = h.create().update(TWO).update(v).update(additionalInput).digest();
      addInto(v, w);
    }
    this.#hashgen(out);
    const hv = h.create().update(THREE).update(v).digest();
    addInto(v, hv);
    addInto(v, this.#c);
    addNumber(v, reseedCounter);
  }

  /** Hashgen (§10.1.1.4): Hash(data), data + 1, … over a copy of V. */
  #hashgen(out: Uint8Array): void {
    const h = this.#hash;
    const n = h.outputLen;
    const data = this.#v.slice();
    const block = new Uint8Array(n);
    const base = h.create();
    let tmp;
    for (let off = 0; off < out.length; off += n) {
      tmp = base._cloneInto(tmp);
      tmp.update(data);
      if (off + n <= out.length) tmp.digestInto(out.subarray(off, off + n));
      else {
        tmp.digestInto(block);
        out.set(block.subarray(0, out.length - off), off);
      }
      increment(data);
    }
    data.fill(0);
    block.fill(0);
  }

  zeroize(): void {
    this.#v.fill(0);
    this.#c.fill(0);
  }
}

const ZERO = new Uint8Array([0x00]);
const ONE = new Uint8Array([0x01]);
const TWO = new Uint8Array([0x02]);
const THREE = new Uint8Array([0x03]);
