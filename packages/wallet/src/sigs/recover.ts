/**
 * Private-key recovery from ECDSA nonce reuse (SEC 1 §4.1.3 signing equation s = k⁻¹(z + r·d)):
 * two signatures by one key with the same r give k = (z1 − z2)/(s1 − s2) and d = (s·k − z)/r
 * mod n. Low-S normalisation flips s to n − s, so both signs are tried and every candidate is
 * confirmed by d·G = the public key. Arithmetic in @noble/curves' Field(n).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Field } from '@noble/curves/abstract/modular.js';
import { toHex } from '../bytes.js';

const CURVE = secp256k1.Point.CURVE();
const Fn = Field(CURVE.n);

/** r of k·G for nonces that are public knowledge: k = 1 (r = Gx) and k = 1/2 (the short-r trick). */
export const KNOWN_NONCES: readonly { k: bigint; label: string; r: bigint }[] = [
  { k: 1n, label: 'k = 1' },
  { k: Fn.inv(2n), label: 'k = 1/2' },
].map((x) => ({ ...x, r: secp256k1.Point.BASE.multiply(x.k).x }));

/** Whether the private key d matches the public key (compressed or uncompressed hex). */
export function keyMatches(d: bigint, pubkey: string): boolean {
  if (d === 0n) return false;
  const P = secp256k1.Point.BASE.multiply(d);
  return toHex(P.toBytes(true)) === pubkey || toHex(P.toBytes(false)) === pubkey;
}

/** −k mod n. */
export const negate = (k: bigint): bigint => Fn.neg(k);

/** d from one signature with a known nonce k. */
export function keyFromNonce(k: bigint, r: bigint, s: bigint, z: bigint): bigint {
  return Fn.div(Fn.sub(Fn.mul(s, k), Fn.create(z)), r);
}

/**
 * Recovers the nonce and key from two signatures (same r, same key), or undefined when no sign
 * combination yields a d with d·G = pubkey.
 */
export function recoverFromReuse(r: bigint, a: { s: bigint; z: bigint }, b: { s: bigint; z: bigint }, pubkey: string): { k: bigint; d: bigint } | undefined {
  for (const s1 of [a.s, Fn.neg(a.s)]) {
    for (const s2 of [b.s, Fn.neg(b.s)]) {
      const ds = Fn.sub(s1, s2);
      if (ds === 0n) continue;
      const k = Fn.div(Fn.sub(Fn.create(a.z), Fn.create(b.z)), ds);
      if (k === 0n) continue;
      const d = keyFromNonce(k, r, s1, a.z);
      if (keyMatches(d, pubkey)) return { k, d };
    }
  }
  return undefined;
}

/** The nonce k recovered from d and one signature: k = (z + r·d)/s (either sign of s). */
export function nonceFromKey(d: bigint, r: bigint, s: bigint, z: bigint): bigint[] {
  const k = Fn.div(Fn.add(Fn.create(z), Fn.mul(r, d)), s);
  return [k, Fn.neg(k)];
}
