import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { certificateLogEntry, chain, checkpointDigest, ed25519Signer, issueCertificate, serializeTimestampFile, toHex, trustedKeyJson, verifyCertificate, parseTrustPolicy, type CertificatePredicate } from '@keygrade/attest';
import { mineBlockCommittingTo } from '@keygrade/attest/testing';
import { addSignatureLines, cosignCheckpoint, formatCheckpoint, formatTlogProof, generateSigner, generateWitnessKey, leafHash, MemoryTree, parseSignerKey, parseWitnessSignerKey, signCheckpoint } from '@keygrade/tlog';
import { keygrade, read, tempDir, write } from '../test/harness.js';

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const auditor = ed25519Signer(seed(1));
const reviewer = ed25519Signer(seed(2));
const log = generateSigner('registry.example', seed(5));
const witness = generateWitnessKey('witness.example', seed(6));

const predicate: CertificatePredicate = {
  certificateId: 'KG-2026-0001',
  organization: { name: 'Acme Custody', id: 'acme' },
  system: { name: 'Cold storage', id: 'cold' },
  edition: 'ccss-v9',
  level: 2,
  aspectLevels: { '1.01': 2, '1.02': 3 },
  period: { start: '2026-01-01', end: '2026-06-30' },
  auditor: { name: 'Ada Auditor', keyid: auditor.keyid },
  peerReviewer: { name: 'Rita Reviewer', keyid: reviewer.keyid },
  issuedAt: '2026-07-15T12:00:00Z',
  validUntil: '2027-07-15T12:00:00Z',
};
const trust = {
  keys: [trustedKeyJson('Ada Auditor', 'auditor', auditor.publicKey), trustedKeyJson('Rita Reviewer', 'peer-reviewer', reviewer.publicKey)],
  threshold: 2,
  requiredRoles: ['auditor', 'peer-reviewer'],
  log: { vkey: log.vkey, witnesses: [witness.vkey], witnessQuorum: 1 },
};

/** A certificate, its registry proof (entry 1 of 3, cosigned), an .ots of the checkpoint in a regtest block, the headers. */
function registry(): string {
  const dir = tempDir();
  const cert = issueCertificate(predicate, 'ab'.repeat(32), [auditor, reviewer]);
  write(dir, 'cert.dsse.json', cert);
  write(dir, 'trust.json', JSON.stringify(trust));
  const sha = verifyCertificate(cert, parseTrustPolicy(trust), { at: new Date('2026-08-01T00:00:00Z') }).certificateSha256!;
  const tree = new MemoryTree();
  for (const e of [new TextEncoder().encode('{"v":1}'), certificateLogEntry(predicate.certificateId, sha), new TextEncoder().encode('{"v":2}')]) tree.append(leafHash(e));
  const cp = { origin: 'registry.example', size: tree.size, root: tree.root() };
  const signed = signCheckpoint(cp, [parseSignerKey(log.skey)]);
  const cosigned = addSignatureLines(signed, [cosignCheckpoint(formatCheckpoint(cp), parseWitnessSignerKey(witness.skey), 1_790_000_000)]);
  write(dir, 'cert.tlog-proof', formatTlogProof({ index: 1, proof: tree.inclusionProof(1), checkpoint: cosigned }));
  const digest = checkpointDigest(cosigned);
  const block = mineBlockCommittingTo(digest, 300, 1_790_000_100);
  writeFileSync(join(dir, 'checkpoint.ots'), serializeTimestampFile({ hashOp: 'sha256', digest, timestamp: chain(block.path, [{ kind: 'bitcoin', height: 300 }]) }));
  write(dir, 'headers.json', JSON.stringify({ 300: toHex(block.header) }));
  return dir;
}

const ALL = ['cert', 'verify', 'cert.dsse.json', '--trust', 'trust.json', '--proof', 'cert.tlog-proof', '--ots', 'checkpoint.ots', '--headers', 'headers.json', '--network', 'regtest'];

describe('keygrade cert verify', () => {
  it('verifies signatures, statement, signers, validity, log inclusion and the timestamp (exit 0)', async () => {
    const dir = registry();
    const r = await keygrade(ALL, { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^Certificate KG-2026-0001: Acme Custody \/ Cold storage, ccss-v9 level 2/);
    for (const c of ['signatures', 'statement', 'signers', 'validity', 'log inclusion', 'timestamp']) assert.match(r.stdout, new RegExp(`verified {4}${c}:`), c);
    assert.match(r.stdout, /log inclusion: entry 1 of registry.example \(tree size 3\), cosigned by witness.example/);
    assert.match(r.stdout, /timestamp: the log checkpoint that includes the certificate existed before/);
    assert.match(r.stdout, /not checked revocation/);
    const j = await keygrade([...ALL, '--json'], { cwd: dir });
    const out = JSON.parse(j.stdout) as { verified: boolean; checks: { check: string; status: string }[] };
    assert.equal(out.verified, true);
    assert.deepEqual(out.checks.map((c) => c.status), ['verified', 'verified', 'verified', 'verified', 'verified', 'verified', 'not-checked']);
  });
  it('only the certificate: says what was not checked (exit 0)', async () => {
    const r = await keygrade(['cert', 'verify', 'cert.dsse.json', '--trust', 'trust.json'], { cwd: registry() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /not checked log inclusion: no --proof given/);
    assert.match(r.stdout, /not checked timestamp: no --ots given/);
  });
  it('expired at --at, and a tampered signature (exit 1)', async () => {
    const dir = registry();
    const late = await keygrade(['cert', 'verify', 'cert.dsse.json', '--trust', 'trust.json', '--at', '2028-01-01T00:00:00Z'], { cwd: dir });
    assert.equal(late.code, 1);
    assert.match(late.stdout, /FAILED +validity: \(CERT_EXPIRED\)/);
    const env = JSON.parse(read(dir, 'cert.dsse.json')) as { signatures: { sig: string }[] };
    const sig = env.signatures[1]!.sig;
    write(dir, 'cert.dsse.json', read(dir, 'cert.dsse.json').replace(sig, `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`));
    const bad = await keygrade(['cert', 'verify', 'cert.dsse.json', '--trust', 'trust.json'], { cwd: dir });
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /FAILED +signatures: \(DSSE_BAD_SIGNATURE\)/);
  });
  it('a proof for another entry and a timestamp of something else fail (exit 1)', async () => {
    const dir = registry();
    const other = registry();
    write(other, 'trust.json', JSON.stringify(trust));
    const proof = read(dir, 'cert.tlog-proof').replace('index 1', 'index 0');
    write(dir, 'cert.tlog-proof', proof);
    const r = await keygrade([...ALL, '--json'], { cwd: dir });
    assert.equal(r.code, 1);
    const checks = (JSON.parse(r.stdout) as { checks: { check: string; status: string; code?: string }[] }).checks;
    assert.equal(checks.find((c) => c.check === 'log inclusion')!.status, 'failed');
    assert.equal(checks.find((c) => c.check === 'timestamp')!.code, 'OTS_DIGEST_MISMATCH');
  });
  it('malformed inputs exit 2', async () => {
    const dir = registry();
    write(dir, 'junk.json', '{"payload": 1}');
    assert.equal((await keygrade(['cert', 'verify', 'junk.json', '--trust', 'trust.json'], { cwd: dir })).code, 2);
    write(dir, 'pretty.json', JSON.stringify(JSON.parse(readFileSync(join(dir, 'cert.dsse.json'), 'utf8')), null, 2));
    assert.equal((await keygrade(['cert', 'verify', 'pretty.json', '--trust', 'trust.json'], { cwd: dir })).code, 2);
    write(dir, 'bad-trust.json', '{"keys": []}');
    assert.equal((await keygrade(['cert', 'verify', 'cert.dsse.json', '--trust', 'bad-trust.json'], { cwd: dir })).code, 2);
    assert.equal((await keygrade(['cert', 'verify', 'cert.dsse.json'], { cwd: dir })).code, 2);
    assert.equal((await keygrade(['cert', 'verify', 'cert.dsse.json', '--trust', 'trust.json', '--ots', 'checkpoint.ots'], { cwd: dir })).code, 2);
  });
});
