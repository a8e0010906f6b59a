/** Test-only: account xpubs derived at run time from fixed seeds (never real keys). */
import { HDKey } from '@scure/bip32';

/** A BIP 48 account xpub (m/48'/0'/0'/2') of the seed `seedByte` × 32 and its master fingerprint. */
export function testXpub(seedByte: number): { xpub: string; fingerprint: string } {
  const root = HDKey.fromMasterSeed(new Uint8Array(32).fill(seedByte));
  const acct = root.derive("m/48'/0'/0'/2'");
  return { xpub: acct.publicExtendedKey, fingerprint: root.fingerprint.toString(16).padStart(8, '0') };
}

/**
 * The tests' 2-of-3 wallet: the keys of seeds 21, 22 and 23 as a `wsh(sortedmulti)` descriptor with
 * origins and a multipath step, and a key inventory putting each key at a different site, organization
 * and country (no backups yet).
 */
export function testWallet(): { keys: { xpub: string; fingerprint: string }[]; descriptor: string; inventory: string } {
  const keys = [testXpub(21), testXpub(22), testXpub(23)];
  const keyExpr = (k: { xpub: string; fingerprint: string }) => `[${k.fingerprint}/48h/0h/0h/2h]${k.xpub}/<0;1>/*`;
  const inventory = `sites:
  - { id: zrh, country: CH, region: ZH }
  - { id: fra, country: DE, region: HE }
  - { id: nyc, country: US, region: NY }
keys:
  - { id: k1, fingerprint: "${keys[0]!.fingerprint}", holder: A, organization: Acme, site: zrh }
  - { id: k2, fingerprint: "${keys[1]!.fingerprint}", holder: B, organization: Partner, site: fra }
  - { id: k3, fingerprint: "${keys[2]!.fingerprint}", holder: C, organization: Law LLP, site: nyc }
`;
  return { keys, descriptor: `wsh(sortedmulti(2,${keys.map(keyExpr).join(',')}))`, inventory };
}
