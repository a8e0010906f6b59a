import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IN_TOTO_PAYLOAD_TYPE, buildStatement, ed25519Signer, ed25519VerifyStrict, fromHex, keyIdOf, pae, statementBytes, type CertificatePredicate } from '@keygrade/attest';
import { keygrade, tempDir } from '../test/harness.js';

function predicate(auditorKeyid: string, reviewerKeyid: string): CertificatePredicate {
  return {
    certificateId: 'KG-2027-TEST',
    organization: { id: 'o1', name: 'Acme Custody' },
    system: { id: 's1', name: 'Cold vault' },
    edition: 'ccss-2020',
    level: 2,
    aspectLevels: { '1.01': 2 },
    period: { start: '2026-01-01', end: '2026-12-31' },
    auditor: { name: 'Alice Auditor', firm: 'F1', keyid: auditorKeyid },
    peerReviewer: { name: 'Rita Reviewer', firm: 'F2', keyid: reviewerKeyid },
    issuedAt: '2027-01-15T10:00:00Z',
    validUntil: '2028-01-15T10:00:00Z',
  };
}

describe('keygrade cert keygen and cert sign', () => {
  it('creates a private key file (0600) and signs a statement the platform shows, as the role the statement names', async () => {
    const dir = tempDir();
    const k = await keygrade(['cert', 'keygen', 'alice', '--json'], { cwd: dir });
    assert.equal(k.code, 0, k.stderr);
    const made = JSON.parse(k.stdout) as { keyFile: string; publicKey: string; keyid: string };
    assert.equal(statSync(made.keyFile).mode & 0o777, 0o600);
    assert.equal(keyIdOf(fromHex(made.publicKey)!), made.keyid);
    assert.equal((await keygrade(['cert', 'keygen', 'alice'], { cwd: dir })).code, 2, 'never overwrites a key');

    const reviewer = ed25519Signer(new Uint8Array(32).fill(9));
    const statement = new TextDecoder().decode(statementBytes(buildStatement(predicate(made.keyid, reviewer.keyid), 'ab'.repeat(32))));
    // The API answer as downloaded, pretty-printed: what is signed is the canonical statement.
    writeFileSync(join(dir, 'answer.json'), JSON.stringify({ certificate: { id: 'KG-2027-TEST', statement } }, null, 2));
    const r = await keygrade(['cert', 'sign', 'answer.json', '--key', 'alice.key'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /You sign as the auditor, attesting:\n {2}Acme Custody — Cold vault: CCSS level 2/);
    const sig = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { keyid: string; sig: string };
    assert.equal(sig.keyid, made.keyid);
    assert.ok(ed25519VerifyStrict(fromHex(made.publicKey)!, pae(IN_TOTO_PAYLOAD_TYPE, new TextEncoder().encode(statement)), Buffer.from(sig.sig, 'base64')));

    writeFileSync(join(dir, 'statement.json'), JSON.stringify(JSON.parse(statement), null, 4));
    const alone = await keygrade(['cert', 'sign', 'statement.json', '--key', 'alice.key', '--json'], { cwd: dir });
    assert.deepEqual(JSON.parse(alone.stdout), sig, 'the statement alone, re-formatted, gives the same signature');
    assert.doesNotMatch(readFileSync(join(dir, 'alice.key'), 'utf8'), /^$/);
  });

  it('refuses a key the statement does not name, and a file that is not a key', async () => {
    const dir = tempDir();
    const a = ed25519Signer(new Uint8Array(32).fill(1));
    const b = ed25519Signer(new Uint8Array(32).fill(2));
    writeFileSync(join(dir, 's.json'), new TextDecoder().decode(statementBytes(buildStatement(predicate(a.keyid, b.keyid), 'cd'.repeat(32)))));
    writeFileSync(join(dir, 'other.key'), `${'03'.repeat(32)}\n`);
    const r = await keygrade(['cert', 'sign', 's.json', '--key', 'other.key'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /neither the auditor's nor the peer reviewer's key/);
    writeFileSync(join(dir, 'bad.key'), 'not a key\n');
    assert.match((await keygrade(['cert', 'sign', 's.json', '--key', 'bad.key'], { cwd: dir })).stderr, /is not a key file/);
  });
});
