/**
 * Which outputs (and inputs) belong to the wallet. A PSBT output counts as change only when its
 * BIP 32 derivation fields name the wallet's keys at the exact paths the descriptor gives for
 * the change branch (BIP 389 alternative 1 of `<0;1>`, or `/1/*` next to a `/0/*` descriptor)
 * AND the wallet's script at that index is the output's script. A derivation that claims a
 * wallet key but does not fit is a red flag and the output is treated as external.
 */
import { bytesEqual } from '../bytes.js';
import { KeyDeriver, outputScript, type Network } from '../descriptor/derive.js';
import { HARDENED, type KeyExpr } from '../descriptor/keys.js';
import { keysOf, pickNode, type Descriptor, type DescNode, type TapTree } from '../descriptor/parse.js';
import type { PsbtDerivation } from './decode.js';

/** One branch of the wallet: a single-path node and whether it is the receive or change chain. */
export interface WalletBranch {
  node: DescNode;
  role: 'receive' | 'change' | 'other';
  /** How the branch is named in reasons: `<0;1> alternative 1`, `/1/*`. */
  name: string;
  deriver: KeyDeriver;
}

/** Maps every key expression of a node. */
export function mapKeys<T extends DescNode | TapTree>(n: T, f: (k: KeyExpr) => KeyExpr): T {
  const node = n as DescNode | TapTree;
  switch (node.type) {
    case 'pk':
    case 'pkh':
    case 'wpkh':
    case 'rawtr':
      return { ...node, key: f(node.key) } as T;
    case 'multi':
    case 'sortedmulti':
    case 'multi_a':
    case 'sortedmulti_a':
      return { ...node, keys: node.keys.map(f) } as T;
    case 'sh':
    case 'wsh':
      return { ...node, inner: mapKeys(node.inner, f) } as T;
    case 'tr':
      return { ...node, key: f(node.key), tree: node.tree ? mapKeys(node.tree, f) : undefined } as T;
    case 'branch':
      return { ...node, left: mapKeys(node.left, f), right: mapKeys(node.right, f) } as T;
    default:
      return n;
  }
}

const lastFixed = (k: KeyExpr): number | undefined => (k.wildcard === 'none' ? undefined : (k.path.at(-1) as number | undefined));

/** The receive and change branches of a descriptor. */
export function walletBranches(d: Descriptor): WalletBranch[] {
  const mk = (node: DescNode, role: WalletBranch['role'], name: string): WalletBranch => ({ node, role, name, deriver: new KeyDeriver() });
  if (d.paths > 1) return [...Array(d.paths).keys()].map((a) => mk(pickNode(d.root, a), a === 0 ? 'receive' : a === 1 ? 'change' : 'other', `multipath alternative ${a}`));
  const ranged = keysOf(d.root).filter((k) => k.wildcard !== 'none');
  if (ranged.length === 0) return [mk(d.root, 'receive', 'the single script')];
  const last = new Set(ranged.map(lastFixed));
  if (last.size === 1 && last.has(1)) return [mk(d.root, 'change', '/1/*')];
  if (last.size === 1 && last.has(0)) {
    // Convention (BIP 44/48/84/86): /0/* receives and /1/* takes the change.
    const change = mapKeys(d.root, (k) => (k.wildcard === 'none' ? k : { ...k, path: [...k.path.slice(0, -1), 1] }));
    return [mk(d.root, 'receive', '/0/*'), mk(change, 'change', '/1/* (next to /0/*)')];
  }
  return [mk(d.root, 'other', 'the descriptor')];
}

/** The derivation a PSBT field should carry for key `k` at child `index`. */
function expected(k: KeyExpr, index: number, deriver: KeyDeriver): { pubkey: Uint8Array; fingerprint: string; path: number[] } | undefined {
  if (!k.xkey) return undefined;
  const own = k.path as number[];
  const child = k.wildcard === 'none' ? [] : [index + (k.wildcard === 'hardened' ? HARDENED : 0)];
  const fingerprint = k.origin ? k.origin.fingerprint : k.xkey.fingerprint.toString(16).padStart(8, '0');
  const prefix = k.origin ? k.origin.path : [];
  return { pubkey: deriver.pub(k, index, false), fingerprint, path: [...prefix, ...own, ...child] };
}

const samePub = (a: Uint8Array, b: Uint8Array) => bytesEqual(a.length === 32 ? a : a.subarray(a.length === 33 ? 1 : 0), b.length === 32 ? b : b.subarray(b.length === 33 ? 1 : 0));

export type Ownership =
  | { kind: 'wallet'; role: WalletBranch['role']; branch: string; index: number }
  | { kind: 'external'; note: string | undefined };

/**
 * Whether a script with these PSBT derivation fields is the wallet's (and on which branch).
 * @example classify(out.script, out.derivations, walletBranches(parseDescriptor(d)), 'mainnet', fingerprints)
 */
export function classify(script: Uint8Array, derivations: readonly PsbtDerivation[], branches: readonly WalletBranch[], network: Network, walletFingerprints: ReadonlySet<string>): Ownership {
  if (derivations.length === 0) return { kind: 'external', note: undefined };
  const claims = derivations.some((x) => walletFingerprints.has(x.fingerprint));
  const indices = [...new Set(derivations.map((x) => x.path.at(-1)).filter((i): i is number => i !== undefined && i < HARDENED))].slice(0, 8);
  for (const b of branches) {
    const ranged = keysOf(b.node).some((k) => k.wildcard !== 'none');
    for (const index of ranged ? indices : [0]) {
      let s: Uint8Array;
      try {
        s = outputScript(b.node, b.deriver, index, network);
      } catch {
        continue;
      }
      if (!bytesEqual(s, script)) continue;
      const missing = keysOf(b.node)
        .map((k) => ({ k, e: expected(k, index, b.deriver) }))
        .filter(({ e }) => e !== undefined)
        .find(({ e }) => !derivations.some((x) => samePub(x.pubkey, e!.pubkey) && x.fingerprint === e!.fingerprint && x.path.length === e!.path.length && x.path.every((v, i) => v === e!.path[i])));
      if (missing) return { kind: 'external', note: `the script is the wallet's (${b.name}, index ${index}) but its BIP 32 derivation fields do not match the descriptor for key ${missing.k.origin ? `[${missing.k.origin.fingerprint}]` : missing.k.text.slice(0, 20)}: treated as external` };
      return { kind: 'wallet', role: b.role, branch: b.name, index };
    }
  }
  return { kind: 'external', note: claims ? `its BIP 32 derivation fields name a wallet key (fingerprint ${derivations.find((x) => walletFingerprints.has(x.fingerprint))!.fingerprint}) but the script is not the wallet's at the index they give: treated as external` : undefined };
}

/** Origin fingerprints (and own fingerprints of origin-less xpubs) of a descriptor's keys. */
export function descriptorFingerprints(d: Descriptor): Set<string> {
  const out = new Set<string>();
  for (const k of keysOf(d.root)) {
    if (k.origin) out.add(k.origin.fingerprint);
    else if (k.xkey) out.add(k.xkey.fingerprint.toString(16).padStart(8, '0'));
  }
  return out;
}
