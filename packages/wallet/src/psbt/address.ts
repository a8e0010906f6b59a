/** Address ⇄ scriptPubKey for whitelists and sweeps, through @scure/btc-signer's Address/OutScript. */
import { Address, NETWORK, OutScript, TEST_NETWORK } from '@scure/btc-signer';
import type { Network } from '../descriptor/derive.js';

const NETS = { mainnet: NETWORK, testnet: TEST_NETWORK, regtest: { ...TEST_NETWORK, bech32: 'bcrt' } } as const;

/** The scriptPubKey of an address of `network`, or undefined when it is not one. */
export function addressScript(address: string, network: Network): Uint8Array | undefined {
  try {
    return OutScript.encode(Address(NETS[network]).decode(address));
  } catch {
    return undefined;
  }
}
