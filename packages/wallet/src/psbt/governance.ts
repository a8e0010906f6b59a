/**
 * Which spend paths of the wallet the policy cannot govern. The policy is enforced by people:
 * the named approvers sign (or refuse to). A spend path — the key path or a leaf of tr(), or the
 * script of sh/wsh — that some set of keys can complete without any approver's key can move funds
 * without this policy ever being consulted. The analysis is conservative: a wallet key counts
 * as an approver's only when its origin fingerprint (or xpub) is listed for that approver; every
 * other key (backup keys, a single taproot internal key, keys without origin) counts as not.
 */
import { walletPolicy, type WalletPolicy } from '../descriptor/policy.js';
import type { Descriptor } from '../descriptor/parse.js';
import type { SpendPolicy } from './policy.js';

export interface PathGovernance {
  /** `script`, `key path`, `script leaf N` (as in the wallet check). */
  path: string;
  threshold: number;
  /** Every key of the path, labelled by fingerprint/xpub prefix, with the approver that holds it. */
  keys: { key: string; approver: string | undefined }[];
  /** The fewest approver keys any satisfying set must contain. */
  minApprovers: number;
  status: 'ungoverned' | 'weaker-than-quorum' | 'governed';
  explanation: string;
}

export interface GovernanceReport {
  paths: PathGovernance[];
  /** Paths that can spend with no approver's key. */
  ungoverned: number;
  notes: string[];
}

function keyLabel(p: WalletPolicy, i: number): string {
  const k = p.keys[i]!;
  if (k.fingerprint) return `[${k.fingerprint}${k.originPath ? k.originPath.slice(1) : ''}]`;
  if (k.xpub) return `${k.xpub.slice(0, 12)}…`;
  return `${k.pubkey!.slice(0, 12)}…`;
}

/**
 * Analyses which key sets can spend without the policy's approvers.
 * @example governance(parseDescriptor(d), parseSpendPolicy(yaml, 'p.yaml')).ungoverned
 */
export function governance(d: Descriptor, policy: SpendPolicy): GovernanceReport {
  const wp = walletPolicy(d);
  const approverOf = (i: number): string | undefined => {
    const k = wp.keys[i]!;
    return policy.approvers.find((a) => (a.fingerprint !== undefined && a.fingerprint === k.fingerprint) || (a.xpub !== undefined && a.xpub === k.xpub))?.name;
  };
  const quorum = Math.max(0, ...policy.approvalRules.map((r) => r.require));
  const notes: string[] = [];
  if (policy.approvers.every((a) => a.fingerprint === undefined && a.xpub === undefined)) {
    notes.push('No approver is tied to a wallet key (approvals.approvers[].fingerprint or xpub), so no spend path needs an approver\'s signature: the policy holds only where every signer runs this check before signing.');
  }
  const paths = wp.spendPaths.map((sp): PathGovernance => {
    const keys = sp.keys.map((i) => ({ key: keyLabel(wp, i), approver: approverOf(i) }));
    const others = keys.filter((k) => k.approver === undefined);
    const distinctApprovers = new Set(keys.map((k) => k.approver).filter((a) => a !== undefined)).size;
    const minApprovers = Math.max(0, sp.threshold - others.length);
    let status: PathGovernance['status'];
    let explanation: string;
    if (minApprovers === 0) {
      status = 'ungoverned';
      const set = others.slice(0, sp.threshold).map((k) => k.key).join(', ');
      explanation = sp.threshold === 1 && others.length === 1 && sp.keys.length === 1
        ? `a single key (${others[0]!.key}) spends alone${sp.label === 'key path' ? ' through the taproot key path' : ''}, and it belongs to no approver`
        : `${sp.threshold} of the ${others.length} non-approver key${others.length === 1 ? '' : 's'} (for example ${set}) can spend without any approver`;
    } else if (quorum > 0 && Math.min(minApprovers, distinctApprovers) < quorum) {
      status = 'weaker-than-quorum';
      explanation = `every spend needs at least ${minApprovers} approver key${minApprovers === 1 ? '' : 's'}, fewer than the policy's largest quorum (${quorum}): the quorum rests on the approvers running this check`;
    } else {
      status = 'governed';
      explanation = `every spend needs at least ${minApprovers} approver key${minApprovers === 1 ? '' : 's'}`;
    }
    return { path: sp.label, threshold: sp.threshold, keys, minApprovers, status, explanation };
  });
  return { paths, ungoverned: paths.filter((p) => p.status === 'ungoverned').length, notes };
}
