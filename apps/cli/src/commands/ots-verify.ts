import { createHash } from 'node:crypto';
import { fromHex, HeadersFileSource, parseTimestampFile, verifyTimestampFile, type BitcoinNetwork, type TimestampFile, type TimestampVerification } from '@keygrade/attest';
import type { CommandSpec, OptionSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readBinary } from '../files.js';
import { out, type Io } from '../io.js';

export const NETWORK_OPTION: OptionSpec = { type: 'string', value: '<network>', description: 'whose proof-of-work limit applies to the headers', choices: ['mainnet', 'testnet', 'signet', 'regtest'], default: 'mainnet' };

export const spec: CommandSpec = {
  name: 'ots verify',
  summary: 'Verify an OpenTimestamps proof (.ots) offline against block headers from a file.',
  description: [
    'Replays the proof\'s operations from the digest to each attestation. At a Bitcoin attestation it takes the header at',
    'that height from --headers, checks its proof of work (hash <= target from nBits, target within the network\'s limit)',
    'and that the commitment is the header\'s merkle root. Give --file or --digest to check the proof is for your data.',
    'Headers file: JSON {"<height>": "<80-byte header hex>"}, a JSON array or NDJSON of {"height", "header"}.',
    'Exit 0 verified, 1 not verified (invalid, pending or unverifiable), 2 unreadable input.',
  ].join('\n'),
  args: ['<file.ots>'],
  options: {
    headers: { type: 'string', value: '<file>', description: 'block headers by height (required)' },
    digest: { type: 'string', value: '<hex>', description: 'the digest the proof must be for' },
    file: { type: 'string', value: '<path>', description: 'the stamped file: its digest must be the proof\'s' },
    network: NETWORK_OPTION,
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['keygrade ots verify hello-world.txt.ots --headers headers.json --file hello-world.txt', 'keygrade ots verify checkpoint.ots --headers headers.ndjson --digest 03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340 --json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  if (values.headers === undefined) throw usage('--headers <file> is required: the block headers to verify against (no network is used)');
  if (values.digest !== undefined && values.file !== undefined) throw usage('give --digest or --file, not both');
  const file = readOts(io, positionals[0]!);
  const source = readHeaders(io, values.headers as string);
  let digest: Uint8Array | undefined;
  if (values.digest !== undefined) {
    digest = fromHex(values.digest as string);
    if (digest === undefined || digest.length !== file.digest.length) throw usage(`--digest must be ${file.digest.length * 2} hex digits (a ${file.hashOp} digest)`);
  } else if (values.file !== undefined) {
    if (file.hashOp !== 'sha256') throw usage(`this proof uses ${file.hashOp} as its file hash; give --digest instead of --file`);
    digest = new Uint8Array(createHash('sha256').update(readBinary(io, values.file as string)).digest());
  }
  const v = await verifyTimestampFile(file, source, { ...(digest ? { digest } : {}), network: values.network as BitcoinNetwork });
  if (values.json) out(io, JSON.stringify(v, null, 2));
  else for (const line of describeVerification(v, positionals[0]!)) out(io, line);
  return v.result === 'verified' ? EXIT.ok : EXIT.checkFailed;
}

/** Reads and parses an .ots file (malformed: exit 2 through the error's code). */
export function readOts(io: Io, path: string): TimestampFile {
  return parseTimestampFile(new Uint8Array(readBinary(io, path)));
}

/** Reads a headers file into a source. */
export function readHeaders(io: Io, path: string): HeadersFileSource {
  return HeadersFileSource.parse(new Uint8Array(readBinary(io, path)), `headers file ${path}`);
}

/** The text report of an OpenTimestamps verification: verdict, what was checked and what was not. */
export function describeVerification(v: TimestampVerification, name: string): string[] {
  const lines: string[] = [];
  const when = v.attested ? new Date(v.attested.time * 1000).toISOString().replace('.000Z', 'Z') : '';
  if (v.result === 'verified') lines.push(`VERIFIED: ${name} — the ${v.hashOp} digest ${v.digest} existed before ${when} (Bitcoin block ${v.attested!.height}, ${v.attested!.blockHash})`);
  else lines.push(`${v.result === 'pending' ? 'PENDING' : v.result === 'invalid' ? 'INVALID' : 'NOT VERIFIED'} (${v.failure!.code}): ${v.failure!.message}`);
  lines.push(v.digestChecked ? '  digest: matches the data you gave' : '  digest: not checked against your data (give --file or --digest)');
  for (const a of v.attestations) {
    const o = a.outcome;
    const status = o.status === 'verified' ? 'verified: header proof of work and merkle root' : o.status === 'failed' || o.status === 'unchecked' ? `${o.status === 'failed' ? 'FAILED' : 'not checked'} (${o.code}): ${o.message}` : o.status === 'pending' ? 'pending: not yet in a block; upgrade the proof when the calendar has anchored it' : 'not checked: unknown attestation kind';
    lines.push(`  ${a.description}: ${status}`);
  }
  return lines;
}
