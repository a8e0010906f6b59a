/**
 * HMAC_DRBG (SP 800-90A rev1 §10.1.2). The HMAC key schedule (inner and outer pads) is computed
 * once per Key and cloned for every block, which is what makes Generate fast for long outputs.
 */
import { hmac } from '@noble/hashes/hmac.js';
import type { CHash } from '@noble/hashes/utils.js';
import type { WorkingState } from './types.js';

/** The part of noble's HMAC instance used here (`_cloneInto` copies the keyed state into a reusable object). */
interface Mac {
  update(data: Uint8Array): unknown;
  digestInto(out: Uint8Array): void;
  destroy(): void;
  _cloneInto(to?: Mac): Mac;
}

/** The working state (Key, V) of HMAC_DRBG and its algorithms. */
export class HmacDrbgState implements WorkingState {
  readonly #hash: CHash;
  readonly #outBytes: number;
  #key: Uint8Array;
  #v: Uint8Array;
  /** HMAC(Key, ·) with the key already absorbed. */
  #mac: Mac;
  #scratch: Mac | undefined;

  constructor(hash: CHash) {
    this.#hash = hash;
    this.#outBytes = hash.outputLen;
    this.#key = new Uint8Array(this.#outBytes);
    this.#v = new Uint8Array(this.#outBytes);
    this.#mac = hmac.create(hash, this.#key);
  }

  /** HMAC(Key, parts...) into `out` (outlen bytes). */
  #hmacInto(out: Uint8Array, ...parts: Uint8Array[]): void {
    const m = (this.#scratch = this.#mac._cloneInto(this.#scratch));
    for (const p of parts) m.update(p);
    m.digestInto(out);
  }

  #setKey(key: Uint8Array): void {
    this.#key.set(key);
    this.#mac.destroy();
    this.#scratch?.destroy();
    this.#scratch = undefined;
    this.#mac = hmac.create(this.#hash, this.#key);
  }

  /** HMAC_DRBG_Update (§10.1.2.2); an empty provided_data is Null. */
  #update(providedData: Uint8Array): void {
    const k = new Uint8Array(this.#outBytes);
    this.#hmacInto(k, this.#v, ZERO, providedData);
    this.#setKey(k);
    this.#hmacInto(this.#v, this.#v);
    if (providedData.length === 0) {
      k.fill(0);
      return;
    }
    this.#hmacInto(k, this.#v, ONE, providedData);
    this.#setKey(k);
    this.#hmacInto(this.#v, this.#v);
    k.fill(0);
  }

  /** §10.1.2.3: Key = 0x00…, V = 0x01…, Update(entropy_input || nonce || personalization_string). */
  instantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalizationString: Uint8Array): void {
    this.#setKey(new Uint8Array(this.#outBytes));
    this.#v.fill(0x01);
    this.#update(concat3(entropyInput, nonce, personalizationString));
  }

  /** §10.1.2.4: Update(entropy_input || additional_input). */
  reseed(entropyInput: Uint8Array, additionalInput: Uint8Array): void {
    this.#update(concat3(entropyInput, additionalInput, EMPTY));
  }

  /** §10.1.2.5 steps 2–6 (the reseed-counter check is the envelope's). */
  generate(out: Uint8Array, additionalInput: Uint8Array): void {
    if (additionalInput.length > 0) this.#update(additionalInput);
    const v = this.#v;
    const n = this.#outBytes;
    let off = 0;
    for (; off + n <= out.length; off += n) {
      this.#hmacInto(v, v);
      out.set(v, off);
    }
    if (off < out.length) {
      this.#hmacInto(v, v);
      out.set(v.subarray(0, out.length - off), off);
    }
    this.#update(additionalInput);
  }

  zeroize(): void {
    this.#key.fill(0);
    this.#v.fill(0);
    this.#mac.destroy();
    this.#scratch?.destroy();
    this.#scratch = undefined;
  }
}

const EMPTY = new Uint8Array(0);
const ZERO = new Uint8Array([0x00]);
const ONE = new Uint8Array([0x01]);

function concat3(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}
