import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodePsbt, evaluateSpend, parseDescriptor, parseSpendHistory, parseSpendPolicy, WalletError, type Descriptor, type SpendReport } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { readBinary, readInput } from '../files.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'psbt check',
  summary: 'Check a PSBT against a spend policy: whitelist, limits, rolling windows, time window, fees, approver quorums.',
  description: [
    'The PSBT (v0 BIP 174 or v2 BIP 370) is a file (binary, base64 or hex) or the base64/hex text itself.',
    'Outputs whose BIP 32 derivation fields match the wallet descriptor\'s change branch are change; every other',
    'output is checked against the whitelist and the limits. The fee comes from the inputs\' witness_utxo or',
    'non_witness_utxo; without them it is not determinable and the answer is deny. Quorum rules are met by valid',
    'SIGHASH_ALL signatures of the named approvers inside the PSBT. The report also lists the wallet\'s spend paths',
    'that need no approver key (what the policy cannot govern). Format reference: docs/guide/spend-policy.md.',
    'Exit 0 allow, 1 deny or needs-approval (the first line and --json "decision" say which), 2 bad input.',
  ].join('\n'),
  args: ['<psbt>'],
  options: {
    policy: { type: 'string', value: '<file>', description: 'the spend policy (YAML) (required)' },
    wallet: { type: 'string', value: '<descriptor|file>', description: 'the spending wallet\'s descriptor, or a file holding it (required)' },
    history: { type: 'string', value: '<file>', description: 'previous spends for the rolling windows (CSV or JSON)' },
    at: { type: 'string', value: '<time>', description: 'evaluate as of this ISO 8601 time instead of now' },
    json: { type: 'boolean', description: 'print the report as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    'keygrade psbt check payout.psbt --policy examples/psbt/policy.yaml --wallet examples/psbt/wallet.txt',
    'keygrade psbt check payout.psbt --policy policy.yaml --wallet wallet.txt --history spends.csv --json',
    "keygrade psbt check cHNidP8BAH… --policy policy.yaml --wallet 'wsh(sortedmulti(2,…))' --at 2026-11-24T09:00:00Z",
  ],
};

const isFile = (io: Io, p: string) => {
  const path = resolve(io.cwd, p);
  return existsSync(path) && statSync(path).isFile();
};

/** A descriptor given inline or as a file (first line that is not blank or a # comment). */
export function readDescriptor(io: Io, value: string, option: string): Descriptor {
  let text = value;
  let source = `--${option}`;
  if (!/[()]/.test(value)) {
    if (!isFile(io, value)) throw usage(`--${option}: ${value} is neither a descriptor nor a readable file`);
    text = readInput(io, value).split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';
    source = value;
  }
  try {
    return parseDescriptor(text);
  } catch (e) {
    if (!(e instanceof WalletError) || e.position === undefined) throw e;
    const from = Math.max(0, e.position - 40);
    throw new ExitError(EXIT.usage, `${source}: ${e.message}\n  ${from > 0 ? '…' : ''}${text.slice(from, e.position + 40)}\n  ${' '.repeat(e.position - from + (from > 0 ? 1 : 0))}^`);
  }
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  if (values.policy === undefined) throw usage('--policy is required. Run `keygrade psbt check --help` for usage.');
  if (values.wallet === undefined) throw usage('--wallet is required. Run `keygrade psbt check --help` for usage.');
  const arg = positionals[0]!;
  let at = io.now();
  if (values.at !== undefined) {
    const s = values.at as string;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) || Number.isNaN(Date.parse(s))) throw usage('--at must be an ISO 8601 time with a zone, such as 2026-11-24T09:00:00Z');
    at = new Date(s);
  }
  const input = isFile(io, arg) ? new Uint8Array(readBinary(io, arg)) : /^(cHNidP8|70736274ff)/i.test(arg) ? arg : undefined;
  if (input === undefined) throw usage(`${arg}: no such file, and not a base64 or hex PSBT`);
  const policy = parseSpendPolicy(readInput(io, values.policy as string), values.policy as string);
  const wallet = readDescriptor(io, values.wallet as string, 'wallet');
  const history = values.history === undefined ? undefined : parseSpendHistory(readInput(io, values.history as string), values.history as string);
  const psbt = decodePsbt(input);
  const report = evaluateSpend(psbt, policy, wallet, { at, ...(history ? { history } : {}) });
  if (values.json) out(io, JSON.stringify(report, null, 2));
  else print(io, report);
  return attachResult(io, spec, { values, positionals }, report, report.decision === 'allow' ? EXIT.ok : EXIT.checkFailed);
}

const MARK = { deny: 'DENY ', 'needs-approval': 'APPR ', pass: 'pass ', info: 'info ' } as const;

function print(io: Io, r: SpendReport): void {
  out(io, `Decision: ${r.decision.toUpperCase()}`);
  out(io, `PSBT v${r.psbt.version} ${r.psbt.txid}: ${r.psbt.inputs} input${r.psbt.inputs === 1 ? '' : 's'}, ${r.psbt.outputs} output${r.psbt.outputs === 1 ? '' : 's'}, as of ${r.at}`);
  for (const o of r.outputs) out(io, `  output ${o.index}  ${o.amount.padStart(14)} BTC  ${o.kind.padEnd(8)} ${o.address ?? o.script}${o.destination ? `  (${o.destination})` : ''}`);
  out(io, `Sent ${r.totals.sent} BTC, change ${r.totals.change} BTC, fee ${r.totals.fee === undefined ? 'not determinable' : `${r.totals.fee} BTC (~${r.totals.feerate} sat/vB, ~${r.totals.vsizeEstimate} vB)`}`);
  out(io, 'Reasons:');
  for (const x of r.reasons) out(io, `  ${MARK[x.outcome]} ${x.rule.padEnd(21)} ${x.message}`);
  out(io, 'Spend paths and the approvers they need:');
  for (const p of r.governance.paths) out(io, `  ${p.status === 'governed' ? 'ok  ' : p.status === 'ungoverned' ? 'GAP ' : 'weak'}  ${p.path} (${p.threshold} of ${p.keys.length}): ${p.explanation}`);
  for (const n of r.governance.notes) out(io, `  note: ${n}`);
}
