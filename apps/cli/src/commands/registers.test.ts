import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { createOrg, listComplianceEntries } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { keygrade, read, tempDir, write } from '../test/harness.js';

const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const TESTS_CSV = [
  'id,kind,scope,tester.name,tester.relation,performedOn,report.sha256',
  `PT-2026,penetration_test,wallets,Acme Security,third_party,2026-03-10,${'a'.repeat(64)}`,
  `PT-2025,penetration_test,wallets,Acme Security,third_party,2025-03-10,${'b'.repeat(64)}`,
].join('\n');
const REQUESTS_YAML = `keygrade: compliance-register/v1
register: grantRevoke
entries:
  - id: GR-1
    action: revoke
    person: K-4
    role: signer
    requestedBy: HR lead
    requestedOn: 2026-03-01
    channel: { name: ticket system, authentication: SSO with hardware key }
    performedBy: op-7
    performedOn: 2026-03-02
    checklist: [{ item: remove HSM user of K-4, done: true }]
    attestation: { by: op-7, on: 2026-03-02 }
`;

describe('keygrade registers validate (offline)', () => {
  test('valid files pass; problems are listed with file, line and field; exit 2', async () => {
    const cwd = tempDir();
    write(cwd, 'securityTests.csv', TESTS_CSV);
    write(cwd, 'requests.yaml', REQUESTS_YAML);
    const ok = await keygrade(['registers', 'validate', 'securityTests.csv', 'requests.yaml'], { cwd });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /securityTests\.csv: valid \(securityTests: 2 entries\)/);
    assert.match(ok.stdout, /requests\.yaml: valid \(grantRevoke: 1 entry\)/);

    write(cwd, 'bad.csv', TESTS_CSV.replace('third_party,2026-03-10', 'contractor,2026-13-10'));
    const bad = await keygrade(['registers', 'validate', 'bad.csv', '--register', 'securityTests', '--json'], { cwd });
    assert.equal(bad.code, 2);
    const res = JSON.parse(bad.stdout) as { valid: boolean; files: { problems: { line?: number; path?: string; message: string }[] }[] };
    assert.equal(res.valid, false);
    const problems = res.files[0]!.problems;
    assert.ok(problems.some((p) => p.line === 2 && /tester\.relation/.test(p.path ?? '') && /internal, third_party/.test(p.message)), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.line === 2 && /performedOn/.test(p.path ?? '')), JSON.stringify(problems));
    // A file of every register is cross-checked: a drill participant missing from the people register is a warning.
    write(cwd, 'all.yaml', 'keygrade: compliance-registers/v1\npeople:\n  - { id: K-1, roles: [keyholder] }\ndrills:\n  - { id: D-1, scenario: lost share, performedOn: 2026-02-10, participants: [K-1, K-9] }\n');
    const warned = await keygrade(['registers', 'validate', 'all.yaml'], { cwd });
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stdout, /warning: drills\/D-1 participants\.1: participant K-9 is not in the people register/);
    const unnamed = await keygrade(['registers', 'validate', 'bad.csv'], { cwd });
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.stderr, /say which with --register/);
  });
});

for (const backend of testBackends()) {
  describe(`keygrade registers import/export on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });

    test('import merges and replaces, all or nothing and audited; export reads back unchanged', async () => {
      const db = await backend.open();
      dbs.push(db);
      const k = db.kysely;
      const org = await createOrg(k, { name: 'Acme Custody', ownerId: null }, new Date('2026-01-01T00:00:00Z'));
      const cwd = tempDir();
      const env = { KEYGRADE_MASTER_KEY: randomBytes(32).toString('hex') };
      write(cwd, 'securityTests.csv', TESTS_CSV);
      write(cwd, 'requests.yaml', REQUESTS_YAML);

      const first = await keygrade(['registers', 'import', 'securityTests.csv', '--org', 'Acme Custody', '--db', db.url], { cwd, env });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /into securityTests \(merge\): 2 created, 0 updated, 0 unchanged, 0 retired/);
      assert.equal((await keygrade(['registers', 'import', 'requests.yaml', '--org', org.id, '--db', db.url], { cwd, env })).code, 0);

      // A bad row: nothing is written, the problem is located.
      write(cwd, 'broken.csv', `${TESTS_CSV}\nPT-X,penetration_test,,Acme,third_party,2026-01-01,`);
      const broken = await keygrade(['registers', 'import', 'broken.csv', '--register', 'securityTests', '--org', org.id, '--db', db.url, '--mode', 'replace'], { cwd, env });
      assert.equal(broken.code, 2);
      assert.match(broken.stderr, /broken\.csv:4.*scope/);
      assert.equal((await listComplianceEntries(k, org.id, { register: 'securityTests' })).length, 2);

      // replace retires what the file lacks.
      write(cwd, 'only-2026.csv', TESTS_CSV.split('\n').slice(0, 2).join('\n'));
      const replaced = await keygrade(['registers', 'import', 'only-2026.csv', '--register', 'securityTests', '--org', org.id, '--db', db.url, '--mode', 'replace', '--json'], { cwd, env });
      assert.equal(replaced.code, 0, replaced.stderr);
      assert.deepEqual(JSON.parse(replaced.stdout), { registers: ['securityTests'], mode: 'replace', created: 0, updated: 0, unchanged: 1, retired: 1 });
      const audit = await k.selectFrom('log_entry').select(['type', 'actor']).where('log', '=', 'keygrade-audit').execute();
      assert.equal(audit.filter((e) => e.type === 'compliance.register.import' && e.actor!.startsWith('cli:')).length, 3);

      // Export all, import into another organization, export again: identical.
      assert.equal((await keygrade(['registers', 'export', '--org', org.id, '--db', db.url, '-o', 'all.yaml'], { cwd, env })).code, 0);
      const other = await createOrg(k, { name: 'Other', ownerId: null }, new Date('2026-01-01T00:00:00Z'));
      assert.equal((await keygrade(['registers', 'import', 'all.yaml', '--org', other.id, '--db', db.url], { cwd, env })).code, 0);
      const again = await keygrade(['registers', 'export', '--org', other.id, '--db', db.url], { cwd, env });
      assert.equal(again.stdout, read(cwd, 'all.yaml'));
      const csv = await keygrade(['registers', 'export', '--org', other.id, '--register', 'grantRevoke', '--db', db.url], { cwd, env });
      assert.match(csv.stdout.split('\n')[0]!, /^id,action,person,role/);
      assert.equal((await keygrade(['registers', 'export', '--org', 'nobody', '--db', db.url], { cwd, env })).stderr.trim(), 'keygrade: no organization "nobody" in this database (by id or name)');
    });
  });
}
