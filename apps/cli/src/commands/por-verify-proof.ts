import { verifyTimestampFile, type BitcoinNetwork, type TimestampVerification } from '@keygrade/attest';
import { fromHex, parseProof, verifyProof, type VerifyResult } from '@keygrade/reserves';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { out, type Io } from '../io.js';
import { readJson, readManifest, readPublicKey } from './por-common.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';
import { describeVerification, NETWORK_OPTION, readHeaders, readOts } from './ots-verify.js';

export const spec: CommandSpec = {
  name: 'por verify-proof',
  summary: 'Check a customer\'s proof-of-reserves inclusion proof against the exchange\'s signed manifest.',
  description: [
    'Checks, with exact integers: the manifest signature (strict Ed25519; with --pubkey, by that key), the chain to the',
    'previous manifest (with --previous), that the proof is for this snapshot and these assets, that every value is an',
    'unsigned integer below 2^128, that the path has exactly the manifest\'s height, and that the recomputed root and',
    'totals are the manifest\'s. With --ots and --headers it also checks the manifest\'s anchor: the OpenTimestamps proof',
    'must be for the manifest hash and reach a Bitcoin block header (proof of work, merkle root) from the headers file.',
    'Exit 0 valid, 1 invalid (the reason code is printed) or anchor not verified, 2 unreadable input.',
  ].join('\n'),
  args: ['<proof.json>'],
  options: {
    manifest: { type: 'string', value: '<manifest.json>', description: 'the snapshot\'s manifest, as the exchange published it (required)' },
    pubkey: { type: 'string', value: '<key>', description: 'the exchange\'s published public key: 64 hex digits, or a file with hex or a PEM public key' },
    previous: { type: 'string', value: '<manifest.json>', description: 'the previous snapshot\'s manifest: check the chain' },
    ots: { type: 'string', value: '<manifest.ots>', description: 'the OpenTimestamps proof of the manifest hash: check the anchor (needs --headers)' },
    headers: { type: 'string', value: '<file>', description: 'block headers by height, for --ots (as `keygrade ots verify` reads them; no network is used)' },
    network: NETWORK_OPTION,
    json: { type: 'boolean', description: 'print { valid, code, message, account, balances, signers, chain, … } as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    'keygrade por verify-proof my-proof.json --manifest manifest.json --pubkey 8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
    'keygrade por verify-proof my-proof.json --manifest 2026-12.json --previous 2026-11.json --json',
    'keygrade por verify-proof my-proof.json --manifest manifest.json --ots manifest.json.ots --headers headers.json',
  ],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  if (values.manifest === undefined) throw usage('--manifest <manifest.json> is required: the manifest the exchange published for this snapshot');
  const file = positionals[0]!;
  const proof = parseProof(readJson(io, file), file);
  const manifest = readManifest(io, values.manifest as string);
  const previous = values.previous === undefined ? undefined : readManifest(io, values.previous as string);
  const publicKey = values.pubkey === undefined ? undefined : readPublicKey(io, values.pubkey as string);
  if ((values.ots === undefined) !== (values.headers === undefined)) throw usage('--ots and --headers go together: the timestamp proof of the manifest and the block headers to check it against');
  const ots = values.ots === undefined ? undefined : readOts(io, values.ots as string);
  if (ots && ots.hashOp !== 'sha256') throw usage(`${values.ots as string} stamps a ${ots.hashOp} digest; a manifest is stamped by its SHA-256 manifest hash`);
  const headers = values.headers === undefined ? undefined : readHeaders(io, values.headers as string);
  const r = verifyProof(proof, manifest, { ...(publicKey ? { publicKey } : {}), ...(previous ? { previous } : {}) });
  const anchor = ots && headers ? await verifyTimestampFile(ots, headers, { digest: fromHex(r.manifestHash), network: values.network as BitcoinNetwork }) : undefined;
  const json = toJson(r, anchor);
  if (values.json) out(io, JSON.stringify(json, null, 2));
  else {
    printResult(io, r, publicKey !== undefined);
    printAnchor(io, anchor, values.ots as string | undefined);
  }
  const ok = r.valid && (anchor === undefined || anchor.result === 'verified');
  return attachResult(io, spec, { values, positionals }, json, ok ? EXIT.ok : EXIT.checkFailed);
}

function toJson(r: VerifyResult, anchor: TimestampVerification | undefined): Record<string, unknown> {
  const { failure, valid, ...rest } = r;
  return { valid, ...(failure ? { code: failure.code, message: failure.message } : {}), ...rest, anchor: anchor ? anchorJson(anchor) : 'unchecked' };
}

/** The anchor as the JSON report gives it: the verdict, the block when verified, the reason otherwise. */
function anchorJson(v: TimestampVerification): Record<string, unknown> {
  return { result: v.result, ...(v.attested ? { block: v.attested } : {}), ...(v.failure ? { code: v.failure.code, message: v.failure.message } : {}), digest: v.digest, digestMatches: v.digestChecked };
}

function printAnchor(io: Io, v: TimestampVerification | undefined, name: string | undefined): void {
  if (!v) {
    out(io, 'Anchor: not checked (pass --ots <manifest.ots> --headers <file> to check the manifest\'s timestamp)');
    return;
  }
  const [first, ...rest] = describeVerification(v, name!);
  out(io, `Anchor: ${first}`);
  for (const line of rest) out(io, line);
}

function printResult(io: Io, r: VerifyResult, keyGiven: boolean): void {
  if (r.valid) out(io, `VALID: account ${JSON.stringify(r.account)} is included in snapshot ${r.snapshotId.slice(0, 16)}… of ${r.time}${r.label ? ` (${r.label})` : ''}`);
  else out(io, `INVALID (${r.failure!.code}): ${r.failure!.message}`);
  const w = Math.max(...r.balances.map((b) => b.symbol.length));
  for (const b of r.balances) out(io, `  ${b.symbol.padEnd(w)}  ${b.amount}`);
  if (r.signers.length > 0) out(io, `Signed by ${r.signers.map((s) => s.fingerprint).join(', ')}${keyGiven ? ' (the key you gave)' : ': compare with the key the exchange published, or pass --pubkey'}`);
  out(io, r.chain === 'verified' ? 'Chain: follows the previous manifest you gave' : r.chain === 'first' ? 'Chain: the first snapshot of its chain' : 'Chain: not checked (pass --previous <manifest.json> to check it)');
  out(io, `Manifest hash ${r.manifestHash}`);
}
