import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { caravanToDescriptor, checkWallet, deriveAddresses, EDITIONS, mergeInventories, parseDescriptor, parseInventory, walletPolicy, WalletError, type Descriptor, type Edition, type Network, type WalletCheckReport } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { readInput } from '../files.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'wallet check',
  summary: 'Check a wallet (output descriptor or Caravan config) and its key inventory against the CCSS key-management requirements.',
  description: [
    'Rules: at least 2 signatures; a redundant key (n > m); HD keys; distinct seeds; the quorum survives the loss of',
    'any one site and any one organization; geographic and organizational distribution; no two keys on one device;',
    'at least m backups, each away from its primary; backups protected, access-controlled, encrypted, with seals',
    'inspected and matching. Each finding is pass, fail or not determinable, with the reason and the requirement ids',
    'of the edition (ccss-2020 1.2.x/1.3.x, ccss-2021 1.2.x/1.3.x, ccss-v9 1.02.x/1.03.x).',
    '--descriptor takes a descriptor (BIP 380-386, multipath BIP 389, optional #checksum), or a file holding one, or',
    'a Caravan wallet-config JSON file. --inventory takes YAML or CSV files (comma-separated), see docs/guide/wallets.md.',
    'Exit 0 when no rule fails, 1 when one fails, 2 when an input is malformed (the position or file:line is named).',
  ].join('\n'),
  args: [],
  options: {
    descriptor: { type: 'string', value: '<descriptor|file>', description: 'the wallet: a descriptor, a file with one, or a Caravan wallet-config JSON file (required)' },
    inventory: { type: 'string', value: '<file[,file…]>', description: 'key inventory: YAML, or CSV tables of keys and backups' },
    edition: { type: 'string', value: '<edition>', description: 'CCSS edition whose requirement ids the findings cite', choices: EDITIONS, default: 'ccss-2021' },
    addresses: { type: 'string', value: '<n>', description: 'also derive the first n addresses of each path, cross-checked with @scure/btc-signer' },
    network: { type: 'string', value: '<network>', description: 'address network', choices: ['mainnet', 'testnet', 'regtest'] },
    json: { type: 'boolean', description: 'print the report as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    "keygrade wallet check --descriptor 'wsh(sortedmulti(2,[f57ec65d/48h/0h/0h/2h]xpub6…/<0;1>/*,…))' --inventory keys.yaml",
    'keygrade wallet check --descriptor caravan-treasury.json --inventory keys.csv,backups.csv --edition ccss-v9 --json',
    'keygrade wallet check --descriptor wallet.txt --addresses 5 --network testnet',
  ],
};

/** A descriptor error with the text around the position and a caret under it. */
function located(e: WalletError, text: string, source: string): ExitError {
  const where = source === 'descriptor' ? '' : `${source}: `;
  if (e.position === undefined) return new ExitError(EXIT.usage, `${where}${e.message}`);
  const from = Math.max(0, e.position - 40);
  const excerpt = text.slice(from, e.position + 40);
  return new ExitError(EXIT.usage, `${where}${e.message}\n  ${from > 0 ? '…' : ''}${excerpt}\n  ${' '.repeat(e.position - from + (from > 0 ? 1 : 0))}^`);
}

function readWallet(io: Io, spec: string): { descriptor: Descriptor; network: Network | undefined; source: string } {
  const path = resolve(io.cwd, spec);
  const isFile = !/[()]/.test(spec) && existsSync(path) && statSync(path).isFile();
  let text = spec;
  let source = 'descriptor';
  let network: Network | undefined;
  if (isFile) {
    const raw = readInput(io, spec).trim();
    source = spec;
    if (raw.startsWith('{')) {
      const w = caravanToDescriptor(raw);
      text = w.descriptor;
      network = w.network;
    } else text = raw.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';
  } else if (!/[()]/.test(spec)) throw usage(`--descriptor: ${spec} is neither a descriptor nor a readable file`);
  try {
    return { descriptor: parseDescriptor(text), network, source };
  } catch (e) {
    if (e instanceof WalletError) throw located(e, text, source);
    throw e;
  }
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  if (values.descriptor === undefined) throw usage('--descriptor is required. Run `keygrade wallet check --help` for usage.');
  const { descriptor, network: fromConfig, source } = readWallet(io, values.descriptor as string);
  const inventory = values.inventory === undefined ? undefined : mergeInventories((values.inventory as string).split(',').filter(Boolean).map((f) => parseInventory(readInput(io, f), f)));
  const report = checkWallet(walletPolicy(descriptor), { edition: values.edition as Edition, now: io.now(), ...(inventory ? { inventory } : {}) });
  let addresses: ReturnType<typeof deriveAddresses> | undefined;
  if (values.addresses !== undefined) {
    const n = Number(values.addresses);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw usage('--addresses must be a whole number from 1 to 100000');
    try {
      addresses = deriveAddresses(descriptor, { count: n, network: (values.network as Network | undefined) ?? fromConfig ?? 'mainnet' });
    } catch (e) {
      if (e instanceof WalletError) throw located(e, descriptor.body, source);
      throw e;
    }
  }
  if (values.json) out(io, JSON.stringify({ descriptor: descriptor.body, ...report, ...(addresses ? { addresses } : {}) }, null, 2));
  else print(io, report, descriptor, addresses);
  return attachResult(io, spec, { values, positionals }, { descriptor: descriptor.body, ...report, ...(addresses ? { addresses } : {}) }, report.summary.fail > 0 ? EXIT.checkFailed : EXIT.ok);
}

const MARK = { pass: 'pass', fail: 'FAIL', 'not-determinable': 'n/d ' } as const;

function print(io: Io, r: WalletCheckReport, d: Descriptor, addresses: ReturnType<typeof deriveAddresses> | undefined): void {
  out(io, `Wallet: ${r.scriptType}, quorum ${r.quorum}, ${r.keys.length} key${r.keys.length === 1 ? '' : 's'}${d.checksum ? ` (checksum ${d.checksum} ok)` : ''}`);
  for (const k of r.keys) out(io, `  ${k.key}${k.fingerprint ? ` [${k.fingerprint}]` : ''}${k.inventory ? '' : ' (not in the inventory)'}`);
  out(io, `Findings (${r.edition}):`);
  const w = Math.max(...r.findings.map((f) => f.rule.length));
  for (const f of r.findings) out(io, `  ${MARK[f.status]}  ${f.rule.padEnd(w)}  ${f.requirements.join(', ').padEnd(18)} ${f.reason}`);
  out(io, `${r.summary.pass} pass, ${r.summary.fail} fail, ${r.summary['not-determinable']} not determinable`);
  if (addresses) {
    out(io, 'Addresses (cross-checked with @scure/btc-signer):');
    for (const a of addresses) out(io, `  ${a.path}/${a.index}  ${a.address ?? a.scriptPubKey}${a.crossCheck === 'agree' ? '' : `  (not cross-checked: ${a.crossCheck.notChecked})`}`);
  }
}
