import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { formatAmount } from '@keygrade/reserves';
import { bindingMessage, bindingOf, looksLikeBip127File, parseBip127File, parseProofsFile, UtxoSnapshotReader, verifyAssets, wantedBy, type AssetsReport, type ProofsFile, type UtxoSnapshot } from '@keygrade/reserves/assets';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { err, out, type Io } from '../io.js';
import { progressBar } from '../progress.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';
import { readBinary } from '../files.js';
import { readManifest, readPublicKey } from './por-common.js';

export const spec: CommandSpec = {
  name: 'por assets',
  summary: 'Verify the custodian\'s proofs of assets (BIP-322, BIP-127, legacy signed messages) against a UTXO snapshot and report solvency per asset.',
  description: [
    'Every proof must sign the binding message of this snapshot:',
    '  keygrade-por-v1 snapshot=<manifest snapshotId> root=<manifest root> height=<UTXO snapshot block height>',
    '(print it with --print-message). BIP-322 simple/full signatures and legacy messages claim every UTXO of their',
    'address in the snapshot; BIP-322 proofs of funds and BIP-127 transactions claim exactly the UTXOs they spend.',
    'A UTXO claimed twice counts once and is listed. Reserves are compared with the manifest\'s liabilities per asset,',
    'exactly, never netting across assets; assets other than BTC are reported as "no asset proof".',
    'Exit 0 when the manifest and every proof verify and each asset with proofs is solvent; 1 when a proof fails or an',
    'asset is insolvent; 2 when an input is malformed (the file and line or field are named).',
  ].join('\n'),
  args: [],
  options: {
    manifest: { type: 'string', value: '<manifest.json>', description: 'the signed liabilities manifest (required)' },
    utxos: { type: 'string', value: '<snapshot.csv|.ndjson>', description: 'the UTXO snapshot at the proof height (required)' },
    proofs: { type: 'string', value: '<file|dir>', description: 'the asset proofs: a Keygrade proofs file (JSON), a BIP-127 proof file (protobuf), or a folder of them (*.json, *.proof) (required unless --print-message)' },
    pubkey: { type: 'string', value: '<key>', description: 'the custodian\'s published manifest key: 64 hex digits, or a file with hex or a PEM public key' },
    'print-message': { type: 'boolean', description: 'print the exact message the proofs must sign for this manifest and snapshot, and exit' },
    json: { type: 'boolean', description: 'print the whole report as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    'keygrade por assets --manifest manifest.json --utxos utxos-850000.csv --proofs asset-proofs.json',
    'keygrade por assets --manifest manifest.json --utxos utxos.ndjson --proofs proofs/ --pubkey por-signing-key.pub --json',
    'keygrade por assets --manifest manifest.json --utxos utxos-850000.csv --proofs reserves.proof',
    'keygrade por assets --manifest manifest.json --utxos utxos.csv --print-message',
  ],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  for (const o of ['manifest', 'utxos'] as const) if (values[o] === undefined) throw usage(`--${o} is required. Run \`keygrade por assets --help\` for usage.`);
  if (values['print-message'] && values.attach !== undefined) throw usage('--attach attaches a verification: it cannot go with --print-message, which only prints the message to sign');
  if (values.proofs === undefined && !values['print-message']) throw usage('--proofs <file|dir> is required. Run `keygrade por assets --help` for usage.');
  const manifest = readManifest(io, values.manifest as string);
  const publicKey = values.pubkey === undefined ? undefined : readPublicKey(io, values.pubkey as string);
  if (values['print-message']) {
    const snapshot = await readSnapshot(io, values.utxos as string, () => false);
    out(io, bindingMessage(bindingOf(manifest, snapshot.height)));
    return EXIT.ok;
  }
  const proofs = readProofs(io, values.proofs as string);
  const wanted = wantedBy(proofs);
  const snapshot = await readSnapshot(io, values.utxos as string, (o, s) => wanted.outpoints.has(o) || wanted.scripts.has(s));
  const report = verifyAssets({ manifest, snapshot, proofs, ...(publicKey ? { publicKey } : {}) });
  if (values.json) out(io, JSON.stringify(report, null, 2));
  else print(io, report, manifest.label);
  return attachResult(io, spec, { values, positionals }, report, report.ok ? EXIT.ok : EXIT.checkFailed);
}

/** File names a proofs folder is read for: Keygrade JSON proofs files and BIP-127 proof files. */
const PROOF_FILE = /\.(?:json|proof)$/;

/** Reads the proofs file, or every *.json and *.proof file of a folder in name order. */
function readProofs(io: Io, spec: string): ProofsFile[] {
  const path = resolve(io.cwd, spec);
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    // readBinary reports the missing file
  }
  if (!dir) return [readProofsFile(io, spec)];
  const files = readdirSync(path).filter((f) => PROOF_FILE.test(f)).sort();
  if (files.length === 0) throw usage(`${spec} holds no proofs file (*.json or *.proof)`);
  return files.map((f) => readProofsFile(io, join(spec, f)));
}

/** One proofs file: JSON (first byte `{`) or a BIP-127 protobuf proof file (anything else). */
function readProofsFile(io: Io, file: string): ProofsFile {
  const bytes = readBinary(io, file);
  if (looksLikeBip127File(bytes)) return parseBip127File(bytes, file);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (e) {
    throw new ExitError(EXIT.usage, `${file} is not JSON: ${(e as Error).message}`);
  }
  return parseProofsFile(value, file);
}

/** Streams the snapshot line by line (any size), keeping the rows the proofs name, with a progress bar on stderr. */
async function readSnapshot(io: Io, file: string, keep: (outpoint: string, script: string) => boolean): Promise<UtxoSnapshot> {
  const path = resolve(io.cwd, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new ExitError(EXIT.usage, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const reader = new UtxoSnapshotReader(file, keep);
  const bar = progressBar(io, 'reading UTXOs', size);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let read = 0;
  stream.on('data', (c) => {
    read += c.length;
    bar.update(read, size);
  });
  let n = 0;
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) reader.line(line, ++n);
  } finally {
    bar.done();
    stream.destroy();
  }
  const snapshot = reader.finish();
  if (size > 64 << 20) err(io, `read ${snapshot.rows.toLocaleString('en-US')} UTXOs from ${file}, kept ${snapshot.byOutpoint.size.toLocaleString('en-US')}`);
  return snapshot;
}

function print(io: Io, r: AssetsReport, label: string | undefined): void {
  out(io, `${r.ok ? 'VALID' : 'INVALID'}: proof of assets for snapshot ${r.manifest.snapshotId.slice(0, 16)}…${label ? ` (${label})` : ''} at block ${r.snapshot.height} (${r.snapshot.blockHash.slice(0, 16)}…)`);
  out(io, `Message: ${r.message}`);
  out(io, r.manifest.failure ? `Manifest: ${r.manifest.failure.code}: ${r.manifest.failure.message}` : `Manifest: signed by ${r.manifest.signers.map((s) => s.fingerprint).join(', ')}`);
  out(io, `Proofs (${r.proofs.length}):`);
  for (const p of r.proofs) {
    const what = [`${p.file}#${p.index}`, p.variant ? `${p.type}/${p.variant}` : p.type, p.address, p.label ? `"${p.label}"` : undefined].filter(Boolean).join(' ');
    if (p.valid) {
      const used = p.utxos.filter((u) => u.counted).length;
      const skipped = p.utxos.filter((u) => !u.counted).map((u) => `${u.outpoint} (${u.note})`);
      out(io, `  ok    ${what}: ${formatAmount(BigInt(p.amount), 8)} BTC from ${used} UTXO${used === 1 ? '' : 's'}${skipped.length ? `; not counted: ${skipped.join(', ')}` : ''}`);
    } else out(io, `  ${p.state === 'inconclusive' ? 'incon' : 'FAIL '} ${what}: ${p.failure!.code}: ${p.failure!.message}`);
  }
  for (const d of r.duplicates) out(io, `Claimed more than once (counted once): ${d.outpoint} by ${d.proofs.join(', ')}`);
  out(io, 'Solvency per asset (never netted across assets):');
  const w = Math.max(...r.assets.map((a) => a.symbol.length));
  for (const a of r.assets) {
    const liab = formatAmount(BigInt(a.liabilities), a.decimals);
    if (a.status !== 'proved') out(io, `  ${a.symbol.padEnd(w)}  no asset proof (liabilities ${liab})`);
    else out(io, `  ${a.symbol.padEnd(w)}  reserves ${formatAmount(BigInt(a.reserves!), a.decimals)} / liabilities ${liab} = ${a.ratio ?? '∞'}  ${a.solvent ? 'solvent' : 'INSOLVENT'}`);
  }
}
