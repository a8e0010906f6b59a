/**
 * The second implementation every derived address is checked against: @scure/btc-signer's
 * payment builders (p2pkh, p2wpkh, p2sh, p2wsh, p2ms, p2tr, p2tr_pk, p2tr_ms) rebuild the output
 * script and address from the same public keys. A disagreement is a bug (DESCRIPTOR_CROSS_CHECK);
 * shapes btc-signer does not build (over 16 multisig keys, uncompressed keys in p2ms, raw/addr)
 * are reported as not cross-checked with the reason.
 */
import { NETWORK, p2ms, p2pk, p2pkh, p2sh, p2tr, p2tr_ms, p2tr_pk, p2wpkh, p2wsh, TEST_NETWORK } from '@scure/btc-signer';
import { compareBytes } from '../bytes.js';
import { innerScript, type KeyDeriver, type Network } from './derive.js';
import type { DescNode, TapTree } from './parse.js';

/** What every btc-signer payment builder returns (p2sh/p2wsh accept it as a child). */
type P2Ret = Parameters<typeof p2wsh>[0] & { address?: string };
type TaprootScriptTree = Exclude<Parameters<typeof p2tr>[1], undefined>;

const SCURE_NET = { mainnet: NETWORK, testnet: TEST_NETWORK, regtest: { ...TEST_NETWORK, bech32: 'bcrt' } } as const;

/** Not buildable by btc-signer: the reason, so the caller records "not cross-checked". */
export class NotCrossCheckable extends Error {}

function inner(n: DescNode, d: KeyDeriver, i: number): P2Ret {
  switch (n.type) {
    case 'pk':
      return p2pk(d.pub(n.key, i, false));
    case 'pkh':
      return p2pkh(d.pub(n.key, i, false));
    case 'wpkh':
      return p2wpkh(d.pub(n.key, i, false));
    case 'multi':
    case 'sortedmulti': {
      const keys = n.keys.map((k) => d.pub(k, i, false));
      if (keys.length > 16) throw new NotCrossCheckable('btc-signer builds multisig scripts of at most 16 keys');
      if (keys.some((k) => k.length !== 33)) throw new NotCrossCheckable('btc-signer builds multisig scripts with compressed keys only');
      return p2ms(n.m, n.type === 'sortedmulti' ? [...keys].sort(compareBytes) : keys, true);
    }
    case 'wsh':
      return p2wsh(inner(n.inner, d, i));
    default:
      throw new NotCrossCheckable(`btc-signer has no builder for ${n.type}() here`);
  }
}

function leaf(n: DescNode, d: KeyDeriver, i: number): TaprootScriptTree {
  switch (n.type) {
    case 'pk':
      return { script: p2tr_pk(d.pub(n.key, i, true)).script };
    case 'multi_a':
    case 'sortedmulti_a': {
      const keys = n.keys.map((k) => d.pub(k, i, true));
      return { script: p2tr_ms(n.m, n.type === 'sortedmulti_a' ? [...keys].sort(compareBytes) : keys, true).script };
    }
    default:
      // pkh() in tapscript has no btc-signer template: our leaf script, their tree hashing and tweak.
      return { script: innerScript(n, d, i, true) };
  }
}

function tree(t: TapTree, d: KeyDeriver, i: number): TaprootScriptTree {
  return t.type === 'branch' ? [tree(t.left, d, i), tree(t.right, d, i)] : leaf(t, d, i);
}

/** btc-signer's scriptPubKey and address for a descriptor node at child `i`. */
export function scureOutput(n: DescNode, d: KeyDeriver, i: number, network: Network): { script: Uint8Array; address: string | undefined } {
  const net = SCURE_NET[network];
  let r: P2Ret;
  try {
    switch (n.type) {
      case 'pkh':
        r = p2pkh(d.pub(n.key, i, false), net);
        break;
      case 'wpkh':
        r = p2wpkh(d.pub(n.key, i, false), net);
        break;
      case 'sh':
        r = p2sh(inner(n.inner, d, i), net);
        break;
      case 'wsh':
        r = p2wsh(inner(n.inner, d, i), net);
        break;
      case 'tr':
        r = (n.tree ? p2tr(d.pub(n.key, i, true), tree(n.tree, d, i), net, true) : p2tr(d.pub(n.key, i, true), undefined, net));
        break;
      case 'pk':
      case 'multi':
      case 'sortedmulti':
        r = inner(n, d, i);
        break;
      default:
        throw new NotCrossCheckable(`${n.type}() has no second implementation`);
    }
  } catch (e) {
    if (e instanceof NotCrossCheckable) throw e;
    throw new NotCrossCheckable(`btc-signer refused it: ${(e as Error).message}`);
  }
  return { script: r.script, address: r.address };
}
