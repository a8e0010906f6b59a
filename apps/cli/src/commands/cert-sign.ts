import { IN_TOTO_PAYLOAD_TYPE, ed25519Signer, fromHex, pae, parseStatement, toBase64, toHex } from '@keygrade/attest';
import { canonicalJsonBytes } from '@keygrade/tlog';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readInput } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'cert sign',
  summary: "Sign a certificate statement with your auditor key (offline): prints the signature to add on the platform.",
  description: [
    'The input is the statement of a prepared certificate: the JSON the platform shows (GET /api/engagements/<id>/certificate, or "Download statement" in the web app), either that whole answer or the statement alone. It is read as RFC 8785 canonical JSON, so re-formatting the file does not change what is signed.',
    'The signature is a DSSE v1 signature (Ed25519 over the pre-authentication encoding of the in-toto statement). Paste the printed JSON into the platform, or POST it to /api/engagements/<id>/certificate/signatures.',
    'Before signing, the command prints what you attest (organization, system, level, period, auditor, reviewer): read it.',
  ].join('\n'),
  args: ['<statement.json>'],
  options: {
    key: { type: 'string', value: '<file>', description: 'your key file from keygrade cert keygen (64 hex digits)' },
    json: { type: 'boolean', description: 'print only the signature JSON' },
  },
  examples: ['keygrade cert sign statement.json --key ~/keys/alice-2027.key'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  if (typeof values.key !== 'string') throw usage('--key <file> is required: your signing key from keygrade cert keygen');
  let doc: unknown;
  try {
    doc = JSON.parse(readInput(io, file));
  } catch (e) {
    throw usage(`${file} is not JSON: ${(e as Error).message}`);
  }
  const wrapped = (doc as { certificate?: { statement?: unknown } } | null)?.certificate?.statement;
  const statementValue = typeof wrapped === 'string' ? (JSON.parse(wrapped) as unknown) : (wrapped ?? doc);
  const bytes = canonicalJsonBytes(statementValue);
  const statement = parseStatement(bytes);
  const seed = fromHex(readInput(io, values.key).trim());
  if (!seed || seed.length !== 32) throw usage(`${values.key} is not a key file (64 hex digits of an Ed25519 seed)`);
  const signer = ed25519Signer(seed);
  seed.fill(0);
  const p = statement.predicate;
  const role = p.auditor.keyid === signer.keyid ? 'auditor' : p.peerReviewer.keyid === signer.keyid ? 'peer reviewer' : undefined;
  if (!role) throw usage(`this key (${signer.keyid.slice(0, 16)}…) is neither the auditor's nor the peer reviewer's key named in the statement`);
  const sig = { keyid: signer.keyid, sig: toBase64(signer.sign(pae(IN_TOTO_PAYLOAD_TYPE, bytes))) };
  if (values.json) {
    out(io, JSON.stringify(sig));
    return EXIT.ok;
  }
  out(io, `You sign as the ${role}, attesting:`);
  out(io, `  ${p.organization.name} — ${p.system.name}: CCSS level ${p.level} (${p.edition}), audit period ${p.period.start} to ${p.period.end}`);
  out(io, `  auditor ${p.auditor.name}${p.auditor.firm ? ` (${p.auditor.firm})` : ''}, peer reviewer ${p.peerReviewer.name}${p.peerReviewer.firm ? ` (${p.peerReviewer.firm})` : ''}`);
  out(io, `  certificate ${p.certificateId}, valid ${p.issuedAt} to ${p.validUntil}; audit report SHA-256 ${statement.subject[0]!.digest.sha256}`);
  out(io, `  statement SHA-256 ${toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))}`);
  out(io, 'Signature (add it on the platform):');
  out(io, JSON.stringify(sig));
  return EXIT.ok;
}
