/** Test-only: account xpubs derived at run time from fixed seeds (never real keys). */
import { HDKey } from '@scure/bip32';

/** A BIP 48 account xpub (m/48'/0'/0'/2') of the seed `seedByte` × 32 and its master fingerprint. */
export function testXpub(seedByte: number): { xpub: string; fingerprint: string } {
  const root = HDKey.fromMasterSeed(new Uint8Array(32).fill(seedByte));
  const acct = root.derive("m/48'/0'/0'/2'");
  return { xpub: acct.publicExtendedKey, fingerprint: root.fingerprint.toString(16).padStart(8, '0') };
}
