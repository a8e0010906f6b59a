import { createHash } from 'node:crypto';
import {
  bytesEqual,
  certificateLogEntry,
  checkpointDigest,
  isInstant,
  MALFORMED_CODES,
  parseTrustPolicy,
  toHex,
  verifyCertificate,
  verifyTimestampFile,
  type BitcoinNetwork,
  type CertificateVerification,
} from '@keygrade/attest';
import { parseTlogProof, TlogError, verifyTlogProof } from '@keygrade/tlog';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { readBinary, readInput } from '../files.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';
import { describeVerification, NETWORK_OPTION, readHeaders, readOts } from './ots-verify.js';

export const spec: CommandSpec = {
  name: 'cert verify',
  summary: 'Verify a CCSS certificate offline: signatures, content, validity, and optionally its log proof and blockchain timestamp.',
  description: [
    'Checks, with no network: the DSSE envelope (strict, canonical), the Ed25519 signatures against the keys in --trust',
    '(t of n, required roles), the in-toto statement and Keygrade predicate, that the auditor and peer reviewer named in',
    'the certificate signed it, and that it is valid at --at (default: now). With --proof, its inclusion in the registry',
    'log (log key and witnesses from the trust file). With --ots and --headers, the OpenTimestamps proof of the checkpoint',
    '(or of the certificate file) against the block headers. Revocation and suspension need the registry and are not',
    'checked offline. Exit 0 when everything requested verifies, 1 otherwise, 2 malformed input.',
  ].join('\n'),
  args: ['<cert.dsse.json>'],
  options: {
    trust: { type: 'string', value: '<keys-file>', description: 'trusted keys and policy (JSON; required)' },
    proof: { type: 'string', value: '<file.tlog-proof>', description: 'the certificate\'s registry log proof' },
    ots: { type: 'string', value: '<file.ots>', description: 'an OpenTimestamps proof of the proof\'s checkpoint or of the certificate file' },
    headers: { type: 'string', value: '<file>', description: 'block headers for --ots (JSON or NDJSON, height -> header hex)' },
    network: NETWORK_OPTION,
    at: { type: 'string', value: '<instant>', description: 'check validity as of this RFC 3339 UTC time (default: now)' },
    json: { type: 'boolean', description: 'print { verified, certificate, checks[] } as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    'keygrade cert verify acme-cold.dsse.json --trust registry-keys.json',
    'keygrade cert verify acme-cold.dsse.json --trust registry-keys.json --proof acme-cold.tlog-proof --ots checkpoint.ots --headers headers.json --json',
  ],
};

type Status = 'verified' | 'failed' | 'not-checked';
interface Check {
  check: string;
  status: Status;
  code?: string;
  detail: string;
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  if (values.trust === undefined) throw usage('--trust <keys-file> is required: the public keys you trust to sign certificates');
  if ((values.ots === undefined) !== (values.headers === undefined)) throw usage('--ots and --headers go together: the timestamp is checked against the headers you give');
  const at = values.at === undefined ? io.now() : new Date(values.at as string);
  if (values.at !== undefined && !isInstant(values.at)) throw usage('--at must be an RFC 3339 UTC instant, e.g. 2026-11-22T10:00:00Z');
  const policy = parseTrustPolicy(readJson(io, values.trust as string));
  if (values.proof !== undefined && !policy.log) throw usage('--proof needs the registry log\'s key: add "log": { "vkey", "witnesses", "witnessQuorum" } to the trust file');
  const certBytes = new Uint8Array(readBinary(io, positionals[0]!));
  const otsFile = values.ots === undefined ? undefined : readOts(io, values.ots as string);
  const headers = values.headers === undefined ? undefined : readHeaders(io, values.headers as string);
  const proofText = values.proof === undefined ? undefined : readInput(io, values.proof as string);

  const checks: Check[] = [];
  const cert = verifyCertificate(certBytes, policy, { at });
  if (cert.failure && MALFORMED_CODES.has(cert.failure.code)) throw new ExitError(EXIT.usage, `${positionals[0]}: ${cert.failure.message}`);
  checks.push(...certificateChecks(cert, policy.threshold, policy.keys.length, at));

  // Registry log inclusion: the entry is derived from the verified certificate.
  let checkpointText: string | undefined;
  if (proofText === undefined) checks.push({ check: 'log inclusion', status: 'not-checked', detail: 'no --proof given' });
  else if (!cert.statement || !cert.certificateSha256) checks.push({ check: 'log inclusion', status: 'not-checked', detail: 'the certificate itself did not verify' });
  else {
    const entry = certificateLogEntry(cert.statement.predicate.certificateId, cert.certificateSha256);
    try {
      const r = verifyTlogProof(proofText, entry, { logKey: policy.log!.vkey, witnessKeys: policy.log!.witnesses, witnessQuorum: policy.log!.witnessQuorum });
      checkpointText = parseTlogProof(proofText).checkpoint;
      const cos = r.witnesses.map((w) => w.name).join(', ');
      checks.push({ check: 'log inclusion', status: 'verified', detail: `entry ${r.index} of ${r.checkpoint.origin} (tree size ${r.checkpoint.size})${cos ? `, cosigned by ${cos}` : ''}` });
    } catch (e) {
      if (!(e instanceof TlogError)) throw e;
      if (e.code === 'TLOG_PROOF_MALFORMED' || e.code === 'TLOG_KEY_INVALID') throw new ExitError(EXIT.usage, `${values.proof as string}: ${e.message}`);
      checks.push({ check: 'log inclusion', status: 'failed', code: e.code, detail: e.message });
    }
  }

  // Blockchain timestamp: of the verified checkpoint, or of the certificate file itself.
  let timestamp: unknown;
  if (otsFile === undefined || headers === undefined) checks.push({ check: 'timestamp', status: 'not-checked', detail: 'no --ots given' });
  else {
    const fileDigest = new Uint8Array(createHash('sha256').update(certBytes).digest());
    const cpDigest = checkpointText === undefined ? undefined : checkpointDigest(checkpointText);
    const covers = cpDigest && bytesEqual(otsFile.digest, cpDigest) ? 'the log checkpoint that includes the certificate' : bytesEqual(otsFile.digest, fileDigest) ? 'the certificate file' : undefined;
    const v = await verifyTimestampFile(otsFile, headers, { digest: covers ? otsFile.digest : (cpDigest ?? fileDigest), network: values.network as BitcoinNetwork });
    timestamp = v;
    if (!covers) checks.push({ check: 'timestamp', status: 'failed', code: 'OTS_DIGEST_MISMATCH', detail: `the .ots is for digest ${toHex(otsFile.digest)}: neither the certificate file${values.proof ? ' nor the verified checkpoint' : ' (with --proof: the checkpoint)'}` });
    else if (v.result === 'verified') {
      checks.push({ check: 'timestamp', status: 'verified', detail: `${covers} existed before ${new Date(v.attested!.time * 1000).toISOString().replace('.000Z', 'Z')} (Bitcoin block ${v.attested!.height}, ${v.attested!.blockHash})` });
    } else checks.push({ check: 'timestamp', status: 'failed', code: v.failure!.code, detail: describeVerification(v, values.ots as string)[0]! });
  }
  checks.push({ check: 'revocation', status: 'not-checked', detail: 'revocation and suspension are recorded in the registry; check the registry page or its log' });

  const requested = checks.filter((c) => !(c.status === 'not-checked' && (c.check === 'revocation' || c.detail.startsWith('no '))));
  const verified = requested.every((c) => c.status === 'verified');
  const p = cert.statement?.predicate;
  const result = { verified, certificate: p ? { ...p, certificateSha256: cert.certificateSha256, subject: cert.statement!.subject } : null, checks, ...(timestamp ? { timestamp } : {}) };
  if (values.json) out(io, JSON.stringify(result, null, 2));
  else printText(io, cert, checks, verified);
  return attachResult(io, spec, { values, positionals }, result, verified ? EXIT.ok : EXIT.checkFailed);
}

function certificateChecks(cert: CertificateVerification, threshold: number, n: number, at: Date): Check[] {
  const code = cert.failure?.code ?? '';
  const fail = (check: string): Check => ({ check, status: 'failed', code, detail: cert.failure!.message });
  const skipped = (check: string): Check => ({ check, status: 'not-checked', detail: 'an earlier check failed' });
  const sigs = code.startsWith('DSSE_');
  const signed: Check = sigs ? fail('signatures') : { check: 'signatures', status: 'verified', detail: `${cert.signers.length} trusted signature${cert.signers.length === 1 ? '' : 's'} (policy: ${threshold} of ${n}): ${cert.signers.map((s) => `${s.name} (${s.role})`).join(', ')}${cert.ignored.length ? `; ${cert.ignored.length} by keys you do not trust, ignored` : ''}` };
  if (sigs) return [signed, skipped('statement'), skipped('signers'), skipped('validity')];
  const stmt = code.startsWith('CERT_STATEMENT') || code.startsWith('CERT_PREDICATE');
  if (stmt) return [signed, fail('statement'), skipped('signers'), skipped('validity')];
  const statement: Check = { check: 'statement', status: 'verified', detail: `in-toto Statement v1, predicate ${cert.statement!.predicateType}, subject ${cert.statement!.subject[0]!.name} (report sha256 ${cert.statement!.subject[0]!.digest.sha256})` };
  if (code === 'CERT_SIGNER_MISMATCH') return [signed, statement, fail('signers'), skipped('validity')];
  const p = cert.statement!.predicate;
  const signers: Check = { check: 'signers', status: 'verified', detail: `auditor ${p.auditor.name} and peer reviewer ${p.peerReviewer.name} named in the certificate signed it` };
  const validity: Check = cert.valid ? { check: 'validity', status: 'verified', detail: `valid from ${p.issuedAt} until ${p.validUntil}; checked as of ${at.toISOString().replace('.000Z', 'Z')}` } : fail('validity');
  return [signed, statement, signers, validity];
}

function printText(io: Io, cert: CertificateVerification, checks: Check[], verified: boolean): void {
  const p = cert.statement?.predicate;
  if (p) out(io, `Certificate ${p.certificateId}: ${p.organization.name} / ${p.system.name}, ${p.edition} level ${p.level} (audit period ${p.period.start} to ${p.period.end})`);
  for (const c of checks) out(io, `  ${c.status === 'verified' ? 'verified   ' : c.status === 'failed' ? 'FAILED     ' : 'not checked'} ${c.check}: ${c.code ? `(${c.code}) ` : ''}${c.detail}`);
  out(io, verified ? 'VERIFIED: everything requested verifies (see "not checked" for what was not).' : 'NOT VERIFIED: see the FAILED lines.');
}

function readJson(io: Io, path: string): unknown {
  try {
    return JSON.parse(readInput(io, path)) as unknown;
  } catch (e) {
    if (e instanceof ExitError) throw e;
    throw new ExitError(EXIT.usage, `${path} is not JSON: ${(e as Error).message}`);
  }
}
