/** Bitcoin addresses to scriptPubKeys (@scure/btc-signer's base58check / bech32 / bech32m codecs). */
import { Address, NETWORK, OutScript, TEST_NETWORK } from '@scure/btc-signer';

/** The networks a proofs file may name. Signet shares testnet's address prefixes. */
export type BitcoinNetwork = 'bitcoin' | 'testnet' | 'signet' | 'regtest';

/** The network names accepted in a proofs file. */
export const NETWORKS: readonly BitcoinNetwork[] = ['bitcoin', 'testnet', 'signet', 'regtest'];

const PARAMS = {
  bitcoin: NETWORK,
  testnet: TEST_NETWORK,
  signet: TEST_NETWORK,
  regtest: { ...TEST_NETWORK, bech32: 'bcrt' },
} as const;

/** The scriptPubKey an address pays to, or a sentence saying why it is not an address of `network`. */
export function addressScript(address: string, network: BitcoinNetwork = 'bitcoin'): Uint8Array | string {
  if (address.length === 0 || address.length > 100) return 'not a Bitcoin address';
  try {
    return OutScript.encode(Address(PARAMS[network]).decode(address));
  } catch (e) {
    return `not a ${network} address: ${(e as Error).message}`;
  }
}
