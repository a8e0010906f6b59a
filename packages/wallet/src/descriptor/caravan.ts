/**
 * Caravan wallet-config JSON (unchained-capital/caravan: `addressType`, `network`, `quorum`,
 * `extendedPublicKeys[]` with `xfp`, `bip32Path`, `xpub`) to a BIP 389 multipath descriptor.
 * Caravan wallets are BIP 67 sorted multisig, receive on /0/* and change on /1/*.
 */
import { z } from 'zod';
import { WalletError } from '../errors.js';
import { descriptorChecksum } from './checksum.js';
import type { Network } from './derive.js';

const Config = z.object({
  name: z.string().optional(),
  addressType: z.enum(['P2SH', 'P2WSH', 'P2SH-P2WSH', 'P2SH_P2WSH']),
  network: z.enum(['mainnet', 'testnet', 'regtest', 'signet']).default('mainnet'),
  quorum: z.object({ requiredSigners: z.number().int().min(1), totalSigners: z.number().int().min(1) }),
  extendedPublicKeys: z
    .array(
      z.object({
        name: z.string().optional(),
        bip32Path: z.string().optional(),
        xpub: z.string().regex(/^[xt]pub[1-9A-HJ-NP-Za-km-z]{100,112}$/, 'must be an xpub or tpub'),
        xfp: z.string().optional(),
      }),
    )
    .min(1),
});

/** A Caravan config turned into a descriptor. */
export interface CaravanWallet {
  name: string | undefined;
  network: Network;
  /** `wsh(sortedmulti(m,[xfp/path]xpub/<0;1>/*,…))#checksum`. */
  descriptor: string;
}

function origin(xfp: string | undefined, path: string | undefined, at: string): string {
  if (!xfp || /^unknown$/i.test(xfp)) return '';
  if (!/^[0-9a-fA-F]{8}$/.test(xfp)) throw new WalletError('CARAVAN_INVALID', `${at}.xfp: ${JSON.stringify(xfp)} is not 8 hex digits`);
  const steps = !path || /^unknown$/i.test(path) || path === 'm' ? [] : path.replace(/^m\//, '').split('/');
  for (const s of steps) if (!/^\d{1,10}['h]?$/.test(s)) throw new WalletError('CARAVAN_INVALID', `${at}.bip32Path: ${JSON.stringify(path)} is not a BIP 32 path`);
  return `[${[xfp.toLowerCase(), ...steps.map((s) => s.replace("'", 'h'))].join('/')}]`;
}

/** Converts Caravan wallet-config JSON (text or parsed) to a descriptor. */
export function caravanToDescriptor(input: string | unknown): CaravanWallet {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new WalletError('CARAVAN_INVALID', `Caravan config is not JSON: ${(e as Error).message}`);
    }
  }
  const r = Config.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new WalletError('CARAVAN_INVALID', 'Caravan config does not validate', { problems });
  }
  const c = r.data;
  if (c.quorum.totalSigners !== c.extendedPublicKeys.length) throw new WalletError('CARAVAN_INVALID', `quorum.totalSigners is ${c.quorum.totalSigners} but ${c.extendedPublicKeys.length} extended public keys are listed`);
  if (c.quorum.requiredSigners > c.quorum.totalSigners) throw new WalletError('CARAVAN_INVALID', `quorum.requiredSigners ${c.quorum.requiredSigners} exceeds totalSigners ${c.quorum.totalSigners}`);
  const keys = c.extendedPublicKeys.map((k, i) => `${origin(k.xfp, k.bip32Path, `extendedPublicKeys.${i}`)}${k.xpub}/<0;1>/*`);
  const multi = `sortedmulti(${c.quorum.requiredSigners},${keys.join(',')})`;
  const body = c.addressType === 'P2SH' ? `sh(${multi})` : c.addressType === 'P2WSH' ? `wsh(${multi})` : `sh(wsh(${multi}))`;
  return { name: c.name, network: c.network === 'signet' ? 'testnet' : c.network, descriptor: `${body}#${descriptorChecksum(body)}` };
}
