import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { deriveAddresses, parseDescriptor, ReuseTracker, type Network, type OwnScript, type ReuseReport } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { readInput } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'wallet reuse',
  summary: "Report every address of a wallet's history that received more than once, or received after it was spent from.",
  description: [
    'Input: the transaction lines of `keygrade sigs scan` (one raw transaction per line, optionally followed by the',
    'prevouts `<amount>:<scriptPubKey hex>,…`), oldest first: "received after spend" follows the order of the lines.',
    'An input is known to spend from an address when the output it spends is in the history or its prevout is given.',
    'With --descriptor only the wallet\'s own scripts (the first --count indexes of each multipath alternative) count;',
    'without it every output does, including payees paid twice.',
    'Exit 0 when no address is reused, 1 when one is, 2 on malformed input (file:line).',
  ].join('\n'),
  args: ['<file...>'],
  options: {
    descriptor: { type: 'string', value: '<descriptor|file>', description: "the wallet's output descriptor (or a file holding it), to know which scripts are ours" },
    count: { type: 'string', value: '<n>', description: 'indexes derived per multipath alternative', default: '1000' },
    network: { type: 'string', value: '<network>', description: 'address network', choices: ['mainnet', 'testnet', 'regtest'], default: 'mainnet' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  examples: ["keygrade wallet reuse history.txt --descriptor 'wpkh([6fd2f9d5/84h/0h/0h]xpub6…/<0;1>/*)'", 'keygrade wallet reuse 2025.txt 2026.txt --descriptor wallet.txt --count 5000 --json'],
};

function ownScripts(io: Io, text: string, count: number, network: Network): Map<string, OwnScript> {
  const path = resolve(io.cwd, text);
  const body = !/[()]/.test(text) && existsSync(path) && statSync(path).isFile() ? (readInput(io, text).split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '') : text;
  return new Map(deriveAddresses(parseDescriptor(body), { count, network }).map((a) => [a.scriptPubKey, { path: a.path, index: a.index }]));
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw usage('--count must be a whole number from 1 to 1000000');
  const network = values.network as Network;
  const ours = typeof values.descriptor === 'string' ? ownScripts(io, values.descriptor, count, network) : undefined;
  const tracker = new ReuseTracker(ours, network);
  for (const f of positionals) {
    let stream;
    try {
      if (!statSync(resolve(io.cwd, f)).isFile()) throw new Error('not a file');
      stream = createReadStream(resolve(io.cwd, f), { highWaterMark: 1 << 20 });
    } catch (e) {
      throw new ExitError(EXIT.usage, `cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    let n = 0;
    try {
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) tracker.add(line, f, ++n);
    } finally {
      stream.destroy();
    }
  }
  const report = tracker.report();
  if (values.json) out(io, JSON.stringify(report, null, 2));
  else print(io, report, ours !== undefined);
  return report.findings.length > 0 ? EXIT.checkFailed : EXIT.ok;
}

function print(io: Io, r: ReuseReport, wallet: boolean): void {
  const n = r.findings.length;
  out(io, `${n ? 'ADDRESS REUSE' : 'OK'}: ${n} of ${r.addresses} ${wallet ? 'wallet ' : ''}address${r.addresses === 1 ? '' : 'es'} reused, ${r.receipts} receipts in ${r.transactions} transactions`);
  for (const f of r.findings) {
    const at = f.derivation ? ` (${f.derivation.path === 0 ? 'receive' : f.derivation.path === 1 ? 'change' : `path ${f.derivation.path}`} #${f.derivation.index})` : '';
    out(io, `${f.address ?? f.scriptPubKey}${at}: ${f.reasons.join(', ')}`);
    const events = [...f.receipts.map((x) => ({ line: x.line, text: `received ${x.amount} sat in ${x.txid}:${x.vout}` })), ...f.spends.map((s) => ({ line: s.line, text: `spent ${s.outpoint} in ${s.txid} input ${s.vin}` }))];
    for (const e of events.sort((a, b) => a.line - b.line)) out(io, `  line ${e.line}: ${e.text}`);
  }
}
