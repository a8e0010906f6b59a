/**
 * The signer nonce check (CCSS 1.04 key usage; a deterministic signer cannot reuse a nonce through
 * a bad RNG, the failure the nonce-reuse scan of 1.05 finds after the fact): every signature's
 * verdict and the signer's overall scheme.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { concat, toHex } from '../bytes.js';
import type { SignerCase, TestKey } from './input.js';
import { classifyNonce, signerScheme, type Grinder, type NonceScheme, type SignerScheme } from './nonce.js';

export interface SignerSignatureResult {
  id: string;
  digest: string;
  r: string;
  /** The key (path or "key") the signature was checked with, when one verifies it. */
  key: string | undefined;
  pubkey: string | undefined;
  scheme: NonceScheme;
  counter: number | undefined;
  grinders: Grinder[];
  lowR: boolean;
  highS: boolean;
}

export interface SignerReport {
  scheme: SignerScheme;
  /** The grinder that explains every ground signature, when exactly one does. */
  grinder: Grinder | undefined;
  explanation: string;
  counts: Record<NonceScheme, number>;
  signatures: SignerSignatureResult[];
}

function verifying(c: SignerCase): TestKey | undefined {
  if (c.pubkey) return c.keys.find((k) => k.pubkey === c.pubkey || toHex(secp256k1.getPublicKey(k.privateKey, false)) === c.pubkey);
  if (c.keys.length === 1) return c.keys[0];
  const sig = concat(numberToBytesBE(c.r, 32), numberToBytesBE(c.s, 32));
  return c.keys.find((k) => {
    try {
      return secp256k1.verify(sig, c.digest, secp256k1.getPublicKey(k.privateKey, true), { prehash: false, lowS: false, format: 'compact' });
    } catch {
      return false;
    }
  });
}

/**
 * Re-signs every digest with its test key and says which nonce scheme explains each signature.
 * @example checkSigner(parseSignerInput(text, 'sigs.json')).scheme // 'low-r-grinding'
 */
export function checkSigner(cases: readonly SignerCase[], maxCounter = 256): SignerReport {
  const signatures = cases.map((c): SignerSignatureResult => {
    const key = verifying(c);
    const v = key ? classifyNonce(key.privateKey, c.digest, c.r, c.s, maxCounter) : { scheme: 'invalid' as const, counter: undefined, grinders: [], lowR: c.r < 1n << 255n, highS: c.s > secp256k1.Point.CURVE().n >> 1n };
    return { id: c.id, digest: toHex(c.digest), r: toHex(numberToBytesBE(c.r, 32)), key: key?.label, pubkey: key?.pubkey ?? c.pubkey, ...v };
  });
  const counts: Record<NonceScheme, number> = { rfc6979: 0, 'low-r': 0, 'rfc6979-or-low-r': 0, unknown: 0, invalid: 0 };
  for (const s of signatures) counts[s.scheme]++;
  return { ...signerScheme(signatures), counts, signatures };
}
