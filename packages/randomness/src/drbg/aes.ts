/**
 * The AES operations CTR_DRBG needs, behind a small interface so a platform can supply a faster
 * implementation (see `@keygrade/randomness/node`). The portable default uses @noble/ciphers.
 *
 * Both operations are standard modes, which is all CTR_DRBG needs:
 * - the output and Update blocks are E(K, V+1), E(K, V+2), … — a CTR-mode keystream (SP 800-38A),
 * - BCC (§10.3.3) is a CBC-MAC, and the last loop of Block_Cipher_df, X = E(K, X), is CBC
 *   encryption of zero blocks with X as the IV.
 */
import { cbc, ctr } from '@noble/ciphers/aes.js';

/** AES with a 128-bit block, in the two modes CTR_DRBG is built from. */
export interface AesProvider {
  /** A short name for reports and benchmarks, e.g. `noble` or `node:crypto`. */
  readonly name: string;
  /**
   * Fills `out` with the CTR keystream E(key, counter), E(key, counter + 1), … where the counter
   * is a 128-bit big-endian integer that wraps modulo 2^128; a final partial block is cut.
   */
  ctrKeystream(key: Uint8Array, counter: Uint8Array, out: Uint8Array): void;
  /** CBC encryption without padding; `data.length` is a multiple of 16. */
  cbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/** The portable provider (@noble/ciphers, audited, pure JavaScript). */
export const nobleAes: AesProvider = Object.freeze<AesProvider>({
  name: 'noble',
  ctrKeystream(key, counter, out) {
    out.fill(0);
    // noble advances the counter block it is given, so hand it a copy.
    ctr(key, counter.slice()).encrypt(out, out);
  },
  cbcEncrypt(key, iv, data) {
    return cbc(key, iv, { disablePadding: true }).encrypt(data);
  },
});
