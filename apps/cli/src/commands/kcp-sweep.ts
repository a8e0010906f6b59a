import { buildSweep, parseUtxos, type Network } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readInput, writeOutput } from '../files.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';
import { readDescriptor } from './psbt-check.js';

export const spec: CommandSpec = {
  name: 'kcp sweep',
  summary: 'Key compromise: build an unsigned PSBT moving every UTXO of a compromised wallet to a new, independent wallet.',
  description: [
    'The PSBT (v0, base64) carries witness_utxo, witness/redeem scripts and BIP 32 derivations, so hardware signers',
    'can sign it. All UTXOs go to one receive address of the new wallet: --index, or else the first index whose',
    'script is not among the UTXOs (Keygrade has no view of the chain: pass --index when the new wallet has been used).',
    'Refused (exit 2) when the new wallet shares a master fingerprint, an extended key, a public key or a parent',
    'key with the compromised one, when the fee (feerate × estimated vsize) is not below the total, or leaves dust.',
    'UTXO file: CSV or JSON with outpoint (txid:vout), amount_sat or amount_btc, script_pubkey (hex), and optional',
    'branch (0 receive, 1 change) and index; without them the index is found by deriving up to --gap-limit.',
    'See docs/guide/spend-policy.md.',
  ].join('\n'),
  args: [],
  options: {
    from: { type: 'string', value: '<descriptor|file>', description: 'the compromised wallet\'s descriptor (required)' },
    utxos: { type: 'string', value: '<file>', description: 'its UTXOs, CSV or JSON (required)' },
    to: { type: 'string', value: '<descriptor|file>', description: 'the new wallet\'s descriptor (required)' },
    feerate: { type: 'string', value: '<sat/vB>', description: 'fee rate in sat/vB, decimals allowed (required)' },
    index: { type: 'string', value: '<n>', description: 'receive index of the destination address' },
    'gap-limit': { type: 'string', value: '<n>', description: 'how many indices per branch to search for UTXOs without an index', default: '1000' },
    network: { type: 'string', value: '<network>', description: 'address network', choices: ['mainnet', 'testnet', 'regtest'], default: 'mainnet' },
    out: { type: 'string', short: 'o', value: '<file>', description: 'write the PSBT (base64) to this file instead of printing it' },
    json: { type: 'boolean', description: 'print the result (with the PSBT) as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    'keygrade kcp sweep --from examples/kcp/compromised.txt --utxos examples/kcp/utxos.csv --to examples/kcp/new-wallet.txt --feerate 12 -o sweep.psbt',
    'keygrade kcp sweep --from old.txt --utxos utxos.json --to new.txt --feerate 3.5 --index 20 --json',
  ],
};

function whole(value: unknown, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const s = value as string;
  if (!/^\d{1,10}$/.test(s) || Number(s) > max) throw usage(`--${name} must be a whole number from 0 to ${max}`);
  return Number(s);
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  for (const k of ['from', 'utxos', 'to', 'feerate']) if (values[k] === undefined) throw usage(`--${k} is required. Run \`keygrade kcp sweep --help\` for usage.`);
  const from = readDescriptor(io, values.from as string, 'from');
  const to = readDescriptor(io, values.to as string, 'to');
  const utxos = parseUtxos(readInput(io, values.utxos as string), values.utxos as string);
  const index = whole(values.index, 'index', 0x7fffffff);
  const gapLimit = whole(values['gap-limit'], 'gap-limit', 1_000_000)!;
  const r = buildSweep({ from, to, utxos, feerate: values.feerate as string, network: values.network as Network, gapLimit, ...(index !== undefined ? { index } : {}) });
  const file = values.out === undefined ? undefined : writeOutput(io, values.out as string, `${r.psbt}\n`, { protect: [values.utxos as string] });
  const result = { ...r, ...(file ? { written: file } : {}) };
  if (values.json) {
    out(io, JSON.stringify(result, null, 2));
    return attachResult(io, spec, { values, positionals }, result, EXIT.ok);
  }
  out(io, `Sweep of ${r.inputs.length} UTXO${r.inputs.length === 1 ? '' : 's'} (${r.total} BTC) to ${r.destination.address ?? r.destination.script} (receive index ${r.destination.index})`);
  for (const i of r.inputs) out(io, `  ${i.outpoint}  ${i.sats.padStart(12)} sat  branch ${i.branch} index ${i.index}`);
  out(io, `Fee ${r.fee} BTC (${r.feerate} sat/vB × ~${r.vsizeEstimate} vB estimated), output ${r.amount} BTC`);
  out(io, 'Check the destination address on the new wallet\'s own devices before signing.');
  if (file) out(io, `Unsigned PSBT (v0) written to ${file}`);
  else out(io, `Unsigned PSBT (v0, base64):\n${r.psbt}`);
  return attachResult(io, spec, { values, positionals }, result, EXIT.ok);
}
