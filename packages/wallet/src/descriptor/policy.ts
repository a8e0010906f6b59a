/**
 * The spending policy of a descriptor as the wallet checks see it: its distinct keys and the
 * spend paths, each a threshold over some of those keys (key path and leaves of tr()).
 */
import { toHex } from '../bytes.js';
import type { KeyExpr } from './keys.js';
import { formatPath } from './keys.js';
import { keysOf, type Descriptor, type DescNode, type TapTree } from './parse.js';

/** One distinct key of the wallet. */
export interface WalletKey {
  /** The key as written (origin, key, path). */
  text: string;
  pos: number;
  /** Origin fingerprint (8 hex), when the descriptor gives one. */
  fingerprint: string | undefined;
  originPath: string | undefined;
  /** The extended public key (an xprv is shown as its xpub). */
  xpub: string | undefined;
  /** Hex public key of a non-extended key. */
  pubkey: string | undefined;
  /** An extended key with a wildcard: a fresh address per index (HD). */
  hd: boolean;
}

export interface SpendPath {
  label: string;
  threshold: number;
  /** Indices into {@link WalletPolicy.keys}. */
  keys: number[];
}

export interface WalletPolicy {
  scriptType: string;
  keys: WalletKey[];
  spendPaths: SpendPath[];
}

/** BIP 341's NUMS point H (x-only): a tr() internal key nobody can sign for. */
export const NUMS_H = '50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0';

function identity(k: KeyExpr): string {
  const base = k.xkey ? k.xkey.publicExtendedKey : toHex(k.pubkey!);
  return `${base}/${formatPath(k.path)}`;
}

/** The keys and spend paths of a parsed descriptor. */
export function walletPolicy(d: Descriptor): WalletPolicy {
  const keys: WalletKey[] = [];
  const index = new Map<string, number>();
  const idOf = (k: KeyExpr): number => {
    const id = identity(k);
    let i = index.get(id);
    if (i === undefined) {
      i = keys.length;
      index.set(id, i);
      keys.push({
        text: k.text,
        pos: k.pos,
        fingerprint: k.origin?.fingerprint,
        originPath: k.origin ? `m${k.origin.path.length ? '/' : ''}${formatPath(k.origin.path)}` : undefined,
        xpub: k.xkey?.publicExtendedKey,
        pubkey: k.pubkey ? toHex(k.pubkey) : undefined,
        hd: k.xkey !== undefined && k.wildcard !== 'none',
      });
    }
    return i;
  };
  const paths: SpendPath[] = [];
  const leafPath = (n: DescNode, label: string): void => {
    switch (n.type) {
      case 'pk':
      case 'pkh':
      case 'wpkh':
      case 'rawtr':
        paths.push({ label, threshold: 1, keys: [idOf(n.key)] });
        break;
      case 'multi':
      case 'sortedmulti':
      case 'multi_a':
      case 'sortedmulti_a':
        paths.push({ label, threshold: n.m, keys: n.keys.map(idOf) });
        break;
      case 'sh':
      case 'wsh':
        leafPath(n.inner, label);
        break;
      default:
        break;
    }
  };
  const root = d.root;
  if (root.type === 'tr') {
    const internal = idOf(root.key);
    if (keys[internal]!.pubkey !== NUMS_H) paths.push({ label: 'key path', threshold: 1, keys: [internal] });
    let leaf = 0;
    const walk = (t: TapTree): void => {
      if (t.type === 'branch') {
        walk(t.left);
        walk(t.right);
      } else leafPath(t, `script leaf ${leaf++}`);
    };
    if (root.tree) walk(root.tree);
  } else leafPath(root, 'script');
  for (const k of keysOf(root)) idOf(k);
  return { scriptType: scriptType(root), keys, spendPaths: paths };
}

function scriptType(n: DescNode): string {
  switch (n.type) {
    case 'sh':
    case 'wsh':
      return `${n.type}(${scriptType(n.inner)})`;
    case 'tr':
      return n.tree ? 'tr(key,tree)' : 'tr(key)';
    default:
      return n.type;
  }
}

/** Whether the available keys satisfy at least one spend path. */
export function canSpend(policy: WalletPolicy, available: (key: number) => boolean): boolean {
  return policy.spendPaths.some((p) => p.keys.filter(available).length >= p.threshold);
}
