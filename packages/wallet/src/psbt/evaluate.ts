/**
 * The spend check (issue 8, item 3): a PSBT against a spend policy and the wallet descriptor.
 * Change is recognised from the BIP 32 derivation fields (./wallet-match.ts); every other output
 * is checked against the whitelist and the limits; the fee comes from the inputs' UTXO fields;
 * quorum rules ask for approvals that the PSBT's own signatures can satisfy. The answer is
 * `deny` when any rule denies, else `needs-approval` when a quorum is missing, else `allow`.
 * Pure: the clock (`at`) and the history are passed in.
 */
import { toHex } from '../bytes.js';
import { scriptAddress } from '../descriptor/derive.js';
import type { Descriptor } from '../descriptor/parse.js';
import { formatBtc } from './amount.js';
import { psbtApprovals } from './approvals.js';
import type { DecodedPsbt } from './decode.js';
import { governance, type GovernanceReport } from './governance.js';
import type { PastSpend } from './history.js';
import { inTimeWindow, type SpendPolicy } from './policy.js';
import { estimateVsize, inputWeight, isSegwit } from './vsize.js';
import { classify, descriptorFingerprints, walletBranches } from './wallet-match.js';

export type SpendDecision = 'allow' | 'deny' | 'needs-approval';

/** One finding: the rule, what it means for the decision, and the output or input it concerns. */
export interface SpendReason {
  rule: 'whitelist' | 'change' | 'limit.per_transaction' | 'limit.rolling' | 'time_window' | 'fee' | 'approvals' | 'inputs';
  outcome: 'deny' | 'needs-approval' | 'pass' | 'info';
  output?: number;
  input?: number;
  message: string;
}

export interface SpendOutput {
  index: number;
  address: string | undefined;
  script: string;
  amount: string;
  /** change: back to the wallet's change branch; self: to a wallet receive address; external: leaves the wallet. */
  kind: 'change' | 'self' | 'external';
  destination: string | undefined;
}

export interface SpendReport {
  decision: SpendDecision;
  psbt: { version: 0 | 2; txid: string; inputs: number; outputs: number };
  at: string;
  outputs: SpendOutput[];
  totals: { inputs: string | undefined; sent: string; change: string; fee: string | undefined; vsizeEstimate: number; feerate: string | undefined };
  reasons: SpendReason[];
  governance: GovernanceReport;
}

export interface EvaluateOptions {
  /** When the spend would happen (the time window and the rolling windows are measured from it). */
  at: Date;
  history?: readonly PastSpend[];
}

/**
 * Evaluates a decoded PSBT against a policy for the wallet `wallet`.
 * @example evaluateSpend(decodePsbt(b64), parseSpendPolicy(yaml, 'policy.yaml'), parseDescriptor(d), { at: new Date() }).decision
 */
export function evaluateSpend(psbt: DecodedPsbt, policy: SpendPolicy, wallet: Descriptor, opts: EvaluateOptions): SpendReport {
  const reasons: SpendReason[] = [];
  const network = policy.network;
  const branches = walletBranches(wallet);
  const fps = descriptorFingerprints(wallet);

  // Outputs: change, self, or external (checked against the whitelist).
  const outputs: SpendOutput[] = psbt.outputs.map((o) => {
    const own = classify(o.script, o.derivations, branches, network, fps);
    const script = toHex(o.script);
    const base = { index: o.index, address: scriptAddress(o.script, network), script, amount: formatBtc(o.amount) };
    if (own.kind === 'wallet') {
      const kind = own.role === 'change' ? 'change' : 'self';
      reasons.push({ rule: 'change', outcome: 'info', output: o.index, message: `output ${o.index} (${formatBtc(o.amount)} BTC) ${kind === 'change' ? 'is change' : 'returns to a wallet receive address'}: ${own.branch}, index ${own.index}, derivation fields match the descriptor` });
      return { ...base, kind, destination: undefined };
    }
    if (own.note) reasons.push({ rule: 'change', outcome: 'info', output: o.index, message: `output ${o.index}: ${own.note}` });
    const dest = policy.whitelist.find((w) => w.scripts.has(script));
    if (dest) reasons.push({ rule: 'whitelist', outcome: 'pass', output: o.index, message: `output ${o.index} pays ${formatBtc(o.amount)} BTC to whitelisted "${dest.label}"` });
    else if (policy.whitelist.length > 0) {
      const what = o.script[0] === 0x6a ? 'an OP_RETURN data output' : (base.address ?? `script ${script}`);
      if (o.script[0] === 0x6a && o.amount === 0n) reasons.push({ rule: 'whitelist', outcome: 'info', output: o.index, message: `output ${o.index} is a zero-value OP_RETURN data output` });
      else reasons.push({ rule: 'whitelist', outcome: 'deny', output: o.index, message: `output ${o.index} pays ${formatBtc(o.amount)} BTC to ${what}, which is not on the whitelist` });
    }
    return { ...base, kind: 'external' as const, destination: dest?.label };
  });
  if (policy.whitelist.length === 0) reasons.push({ rule: 'whitelist', outcome: 'info', message: 'the policy has no whitelist: destinations are not restricted' });
  const sent = psbt.outputs.filter((_, i) => outputs[i]!.kind === 'external').reduce((s, o) => s + o.amount, 0n);
  const change = psbt.outputs.filter((_, i) => outputs[i]!.kind !== 'external').reduce((s, o) => s + o.amount, 0n);

  // Inputs: do they belong to the wallet? (information; the signers decide what they sign)
  for (const input of psbt.inputs) {
    if (!input.script) continue;
    const own = classify(input.script, input.derivations, branches, network, fps);
    if (own.kind !== 'wallet') reasons.push({ rule: 'inputs', outcome: 'info', input: input.index, message: `input ${input.index} (${input.txid}:${input.vout}) ${input.derivations.length === 0 ? 'has no BIP 32 derivation fields, so it cannot be matched to' : 'does not derive from'} the wallet descriptor` });
  }

  // Limits.
  if (policy.perTransaction !== undefined) {
    const over = sent > policy.perTransaction;
    reasons.push({ rule: 'limit.per_transaction', outcome: over ? 'deny' : 'pass', message: `sends ${formatBtc(sent)} BTC; the per-transaction limit is ${formatBtc(policy.perTransaction)} BTC${over ? ` (over by ${formatBtc(sent - policy.perTransaction)})` : ''}` });
  }
  const at = opts.at.getTime();
  for (const w of policy.rolling) {
    const past = (opts.history ?? []).filter((h) => h.asset === 'BTC' && h.txid !== psbt.txid && h.time.getTime() > at - w.ms && h.time.getTime() <= at);
    const before = past.reduce((s, h) => s + h.sats, 0n);
    const total = before + sent;
    const over = total > w.max;
    reasons.push({ rule: 'limit.rolling', outcome: over ? 'deny' : 'pass', message: `${formatBtc(before)} BTC in ${past.length} spend${past.length === 1 ? '' : 's'} in the last ${w.window} plus ${formatBtc(sent)} BTC now = ${formatBtc(total)} BTC; the ${w.window} limit is ${formatBtc(w.max)} BTC${over ? ` (over by ${formatBtc(total - w.max)})` : ''}` });
  }
  if (policy.rolling.length > 0 && opts.history === undefined) reasons.push({ rule: 'limit.rolling', outcome: 'info', message: 'no spend history given (--history): the rolling windows count only this transaction' });

  // Time window.
  if (policy.timeWindow) {
    const t = inTimeWindow(policy.timeWindow, opts.at);
    reasons.push({ rule: 'time_window', outcome: t.ok ? 'pass' : 'deny', message: `${t.ok ? 'inside' : 'outside'} the allowed window (${policy.timeWindow.text}): it is ${t.local}` });
  }

  // Fee: inputs minus outputs, from witness_utxo / non_witness_utxo.
  const missing = psbt.inputs.filter((i) => i.amount === undefined).map((i) => i.index);
  const inputsTotal = missing.length === 0 ? psbt.inputs.reduce((s, i) => s + i.amount!, 0n) : undefined;
  const fee = inputsTotal === undefined ? undefined : inputsTotal - psbt.outputs.reduce((s, o) => s + o.amount, 0n);
  const spendNode = branches[0]!;
  let vsize: number;
  try {
    const weights = psbt.inputs.map(() => inputWeight(spendNode.node, spendNode.deriver, 0));
    vsize = estimateVsize(weights, psbt.outputs.map((o) => o.script), isSegwit(spendNode.node));
  } catch {
    vsize = estimateVsize(psbt.inputs.map(() => 4 * 41 + 110), psbt.outputs.map((o) => o.script), true);
  }
  const feerate = fee === undefined ? undefined : `${(Number(fee) / vsize).toFixed(2)}`;
  if (fee === undefined) {
    reasons.push({ rule: 'fee', outcome: 'deny', input: missing[0], message: `the fee is not determinable: input${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} neither witness_utxo nor non_witness_utxo, so the amount spent is unknown` });
  } else if (fee < 0n) {
    reasons.push({ rule: 'fee', outcome: 'deny', message: `the outputs (${formatBtc(inputsTotal! - fee)} BTC) exceed the inputs (${formatBtc(inputsTotal!)} BTC): the transaction is invalid` });
  } else if (policy.fees) {
    const f = policy.fees;
    const checks: string[] = [];
    let over = false;
    if (f.maxAbsolute !== undefined) {
      const bad = fee > f.maxAbsolute;
      over ||= bad;
      checks.push(`${formatBtc(fee)} BTC ${bad ? '>' : '<='} max_absolute ${formatBtc(f.maxAbsolute)} BTC`);
    }
    if (f.maxFeerate !== undefined) {
      // fee / vsize > num / den, exactly.
      const bad = fee * f.maxFeerate.den > f.maxFeerate.num * BigInt(vsize);
      over ||= bad;
      checks.push(`~${feerate} sat/vB (estimated ${vsize} vB) ${bad ? '>' : '<='} max_feerate ${ratio(f.maxFeerate)}`);
    }
    if (f.maxPercent !== undefined && sent > 0n) {
      // 100 · fee / sent > num / den, exactly.
      const bad = 100n * fee * f.maxPercent.den > f.maxPercent.num * sent;
      over ||= bad;
      checks.push(`${((Number(fee) * 100) / Number(sent)).toFixed(3)}% of the amount sent ${bad ? '>' : '<='} max_percent ${ratio(f.maxPercent)}%`);
    }
    reasons.push({ rule: 'fee', outcome: over ? 'deny' : 'pass', message: `fee ${formatBtc(fee)} BTC: ${checks.join('; ') || 'no fee limit set'}` });
  }

  // Approver quorums: every rule whose threshold the amount sent exceeds.
  const triggered = policy.approvalRules.filter((r) => sent > r.above);
  if (triggered.length > 0) {
    const { approved, notes } = psbtApprovals(psbt, policy.approvers);
    for (const r of triggered) {
      const have = r.of.filter((n) => approved.has(n));
      const ok = have.length >= r.require;
      reasons.push({ rule: 'approvals', outcome: ok ? 'pass' : 'needs-approval', message: `sends ${formatBtc(sent)} BTC, above ${formatBtc(r.above)} BTC: needs ${r.require} of ${r.of.join(', ')}; ${have.length === 0 ? 'no valid approval signature in the PSBT yet' : `signed by ${have.join(', ')}`}` });
    }
    for (const n of notes) reasons.push({ rule: 'approvals', outcome: 'info', message: n });
  }

  const decision: SpendDecision = reasons.some((r) => r.outcome === 'deny') ? 'deny' : reasons.some((r) => r.outcome === 'needs-approval') ? 'needs-approval' : 'allow';
  return {
    decision,
    psbt: { version: psbt.version, txid: psbt.txid, inputs: psbt.inputs.length, outputs: psbt.outputs.length },
    at: opts.at.toISOString(),
    outputs,
    totals: { inputs: inputsTotal === undefined ? undefined : formatBtc(inputsTotal), sent: formatBtc(sent), change: formatBtc(change), fee: fee === undefined ? undefined : formatBtc(fee), vsizeEstimate: vsize, feerate },
    reasons,
    governance: governance(wallet, policy),
  };
}

const ratio = (r: { num: bigint; den: bigint }) => (r.den === 1n ? r.num.toString() : (Number(r.num) / Number(r.den)).toString());
