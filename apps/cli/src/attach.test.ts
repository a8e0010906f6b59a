/**
 * `--attach` end to end: a real Keygrade server listening on a local port (in this process), the
 * CLI run through the test harness with KEYGRADE_SERVER / KEYGRADE_TOKEN, and the evidence checked
 * on the server: it exists, is the command's --json output, is linked to the requirements the
 * result maps to in the assessment's edition, records the tool, parameters and input hashes,
 * and no token appears in any output or stored field. Then the failures: missing scope, unknown
 * assessment, unreachable server, plain http to another host. Runs on SQLite (and PostgreSQL
 * when KEYGRADE_TEST_PG_URL is set).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { openCatalog } from '@keygrade/catalog/node';
import { REQUIREMENTS, type RuleId } from '@keygrade/wallet';
import type { App } from '../../server/src/app.js';
import { EvidenceStore } from '../../server/src/domain/evidence-store.js';
import { as, bearer, call, signUp, testApp, type SignedIn } from '../../server/src/testing.js';
// Test-only keys of the wallet package, derived at run time from fixed seeds.
import { testXpub } from '../../../packages/wallet/src/test-keys.js';
import { keygrade, tempDir, write } from './test/harness.js';

const master = MasterKey.generate();
const catalog = openCatalog();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const K = [testXpub(21), testXpub(22), testXpub(23)];
const desc = `wsh(sortedmulti(2,${K.map((k) => `[${k.fingerprint}/48h/0h/0h/2h]${k.xpub}/<0;1>/*`).join(',')}))`;
const inventory = `sites:
  - { id: zrh, country: CH, region: ZH }
  - { id: fra, country: DE, region: HE }
  - { id: nyc, country: US, region: NY }
keys:
  - { id: k1, fingerprint: "${K[0]!.fingerprint}", holder: A, organization: Acme, site: zrh }
  - { id: k2, fingerprint: "${K[1]!.fingerprint}", holder: B, organization: Partner, site: fra }
  - { id: k3, fingerprint: "${K[2]!.fingerprint}", holder: C, organization: Law LLP, site: nyc }
`;
const examples = fileURLToPath(new URL('../../../examples/psbt/', import.meta.url));
const vectorFile = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'secp256k1', 'nonce-reuse-f4c16475.json');

interface Evidence {
  id: string;
  sha256: string;
  title: string;
  tool: string;
  sourceSystem: string;
  parameters: string;
  filename: string;
  createdBy: string;
}

for (const backend of testBackends()) {
  describe(`keygrade … --attach against a running server on ${backend.name}`, () => {
    let db: TestDb;
    let app: App;
    let server: string;
    let owner: SignedIn;
    let token: string;
    let readToken: string;
    let evidenceDir: string;
    before(async () => {
      db = await backend.open();
      evidenceDir = mkdtempSync(join(tmpdir(), 'kg-attach-'));
      app = await testApp(db, master, { evidence: new EvidenceStore(evidenceDir, 10 * 1024 * 1024), catalog });
      await app.listen({ host: '127.0.0.1', port: 0 });
      server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      owner = await signUp(app);
      token = await bearer(app, { orgId: owner.orgId, scopes: ['org:read', 'answer:write'] });
      readToken = await bearer(app, { orgId: owner.orgId, scopes: ['org:read'] });
    });
    after(async () => {
      await app.close();
      await db.close();
      rmSync(evidenceDir, { recursive: true, force: true });
    });

    let systems = 0;
    const newAssessment = async (edition: string) => {
      const s = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: `System ${++systems}` } });
      const a = await call(app, { method: 'POST', url: `/api/systems/${(s.body.system as { id: string }).id}/assessments`, headers: as(owner), payload: { edition } });
      assert.equal(a.status, 201, a.res.body);
      return (a.body.assessment as { id: string }).id;
    };
    /** Requirement id → evidence ids linked to it in the assessment. */
    const links = async (assessmentId: string) => {
      const r = await call(app, { url: `/api/assessments/${assessmentId}/checklist`, headers: as(owner) });
      const reqs = (r.body.aspects as { controls: { requirements: { id: string; answer: { evidence: { id: string }[] } }[] }[] }[]).flatMap((a) => a.controls.flatMap((c) => c.requirements));
      return new Map(reqs.filter((q) => q.answer.evidence.length > 0).map((q) => [q.id, q.answer.evidence.map((e) => e.id)]));
    };
    const library = async () => ((await call(app, { url: `/api/orgs/${owner.orgId}/evidence`, headers: as(owner) })).body.evidence as Evidence[]);
    const content = async (id: string) => (await app.inject({ url: `/api/evidence/${id}/content`, headers: as(owner) })).body;
    const env = (extra: Record<string, string> = {}) => ({ KEYGRADE_SERVER: server, KEYGRADE_TOKEN: token, KEYGRADE_SOURCE_SYSTEM: 'ci runner 7', ...extra });
    const noToken = (...texts: string[]) => {
      for (const t of texts) {
        assert.ok(!t.includes(token), 'the token never appears');
        assert.ok(!t.includes(readToken), 'the token never appears');
        assert.ok(!/kg_[0-9a-f]{16}_/.test(t), `no token-like string in ${t.slice(0, 100)}`);
      }
    };

    test('wallet check --attach: the --json result becomes evidence of the requirements its findings map to (v9)', async () => {
      const assessmentId = await newAssessment('ccss-v9');
      const dir = tempDir();
      write(dir, 'inv.yaml', inventory);
      // The token on the command line this time: it must not be recorded or printed either.
      const r = await keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'inv.yaml', '--json', '--attach', assessmentId, '--token', token], { cwd: dir, env: env({ KEYGRADE_TOKEN: '' }) });
      assert.equal(r.code, 1, 'the command\'s own exit code (a rule fails: no backups) is kept');
      assert.match(r.stderr, new RegExp(`attached to assessment ${assessmentId} \\(ccss-v9\\): evidence [0-9a-f-]{36} \\(sha256 [0-9a-f]{64}\\), linked to `));
      const result = JSON.parse(r.stdout) as { findings: { rule: string; status: string }[] };

      const [ev, ...rest] = await library();
      assert.equal(rest.length, 0);
      assert.equal(await content(ev!.id), r.stdout, 'the evidence is the --json output, byte for byte');
      assert.equal(ev!.sha256, sha(r.stdout));
      assert.equal(ev!.tool, 'keygrade wallet check 0.1.0');
      assert.equal(ev!.sourceSystem, 'ci runner 7');
      assert.match(ev!.title, /^keygrade wallet check \(inv\.yaml\): check failed$/);
      assert.match(ev!.createdBy, /^token:/);
      const params = JSON.parse(ev!.parameters) as { parameters: string[]; inputs: { name: string; sha256: string; size: number }[] };
      assert.deepEqual(params.inputs, [{ name: 'inv.yaml', sha256: sha(inventory), size: Buffer.byteLength(inventory) }]);
      assert.deepEqual(params.parameters.slice(0, 4), ['--descriptor', desc, '--inventory', `inv.yaml (sha256:${sha(inventory)})`]);
      assert.ok(params.parameters.includes('--json'));
      assert.ok(!params.parameters.some((p) => /^--(token|server|attach|insecure)/.test(p)), 'connection options are not recorded');

      // Linked to the v9 requirements of the findings that were decided (pass or fail), nothing else.
      const expected = [...new Set(result.findings.filter((f) => f.status !== 'not-determinable').flatMap((f) => REQUIREMENTS[f.rule as RuleId]['ccss-v9']))].sort();
      assert.ok(expected.includes('1.03.2.1'), 'the failed backup rule is evidence too');
      const linked = await links(assessmentId);
      assert.deepEqual([...linked.keys()].sort(), expected);
      for (const ids of linked.values()) assert.deepEqual(ids, [ev!.id]);
      noToken(r.stdout, r.stderr, JSON.stringify(ev), await content(ev!.id));

      // Again: the same result is already there; nothing new is stored, the exit code stays.
      const again = await keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'inv.yaml', '--json', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already linked to /);
      assert.equal((await library()).length, 1);
    });

    test('psbt check --attach on a ccss-2020 assessment: 1.4.6 becomes its level cells; every input is hashed', async () => {
      const assessmentId = await newAssessment('ccss-2020');
      const dir = tempDir();
      for (const f of ['payout.psbt', 'policy.yaml', 'wallet.txt']) copyFileSync(join(examples, f), join(dir, f));
      const r = await keygrade(['psbt', 'check', 'payout.psbt', '--policy', 'policy.yaml', '--wallet', 'wallet.txt', '--at', '2026-11-24T09:00:00Z', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^Decision: ALLOW/, 'the human-readable result is printed as usual');
      assert.match(r.stderr, /\(ccss-2020\): evidence .* linked to 1\.4\.6\.L2, 1\.4\.6\.L3/);
      const ev = (await library()).find((e) => e.tool === 'keygrade psbt check 0.1.0')!;
      const linked = await links(assessmentId);
      assert.deepEqual([...linked.keys()].sort(), ['1.4.6.L2', '1.4.6.L3']);
      const stored = JSON.parse(await content(ev.id)) as { decision: string };
      assert.equal(stored.decision, 'allow', 'the JSON result is stored even though text was printed');
      const params = JSON.parse(ev.parameters) as { parameters: string[]; inputs: { name: string; sha256: string }[] };
      assert.deepEqual(params.inputs.map((i) => [i.name, i.sha256]), ['payout.psbt', 'policy.yaml', 'wallet.txt'].map((f) => [f, sha(readFileSync(join(dir, f)))]));
      assert.equal(params.parameters[0], `payout.psbt (sha256:${sha(readFileSync(join(dir, 'payout.psbt')))})`);
      assert.ok(params.parameters.includes('2026-11-24T09:00:00Z'));
      noToken(r.stdout, r.stderr, JSON.stringify(ev));
    });

    test('sigs scan --reveal-keys --attach: the recovered private key is redacted in the evidence', { skip: existsSync(vectorFile) ? false : `no vector at ${vectorFile}` }, async () => {
      const v = JSON.parse(readFileSync(vectorFile, 'utf8')) as { raw_tx_hex: string };
      const assessmentId = await newAssessment('ccss-2021');
      const dir = tempDir();
      write(dir, 'history.txt', `${v.raw_tx_hex}\n`);
      const r = await keygrade(['sigs', 'scan', 'history.txt', '--json', '--reveal-keys', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(r.code, 1, r.stderr);
      const printed = JSON.parse(r.stdout) as { findings: { keys: { privateKey?: string }[] }[] };
      const key = printed.findings[0]!.keys[0]!.privateKey!;
      assert.match(key, /^[0-9a-f]{64}$/, 'the user still sees the key locally');
      assert.match(r.stderr, /redacted/);
      const ev = (await library()).find((e) => e.tool === 'keygrade sigs scan 0.1.0')!;
      const stored = await content(ev.id);
      assert.ok(!stored.includes(key), 'the private key never reaches the server');
      assert.match(stored, /"privateKey": "\[redacted\]"/);
      assert.deepEqual([...(await links(assessmentId)).keys()].sort(), ['1.4.8.L1', '1.4.8.L2', '1.4.8.L3']);
    });

    test('rng test --attach: key-generation requirements of the edition; the bits file is hashed, never sent', async () => {
      const assessmentId = await newAssessment('ccss-v9');
      const dir = tempDir();
      // 4096 deterministic pseudo-random bytes (SHA-256 in counter mode).
      const bits = Buffer.concat(Array.from({ length: 128 }, (_, i) => createHash('sha256').update(`attach ${i}`).digest()));
      writeFileSync(join(dir, 'bits.bin'), bits);
      const plain = await keygrade(['rng', 'test', 'bits.bin', '--tests', 'frequency,runs'], { cwd: dir });
      const r = await keygrade(['rng', 'test', 'bits.bin', '--tests', 'frequency,runs', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(r.code, plain.code, 'the exit code is the command\'s own');
      assert.match(r.stderr, /linked to 1\.01\.2\.1, 1\.01\.3\.1, 1\.01\.4\.1/);
      const ev = (await library()).find((e) => e.tool === 'keygrade rng test 0.1.0')!;
      const stored = JSON.parse(await content(ev.id)) as { file: string; tests: { test: string }[] };
      assert.deepEqual(stored.tests.map((t) => t.test), ['frequency', 'runs']);
      assert.ok(!(await content(ev.id)).includes(bits.toString('hex').slice(0, 64)), 'the input itself is not uploaded');
      assert.deepEqual((JSON.parse(ev.parameters) as { inputs: { name: string; sha256: string }[] }).inputs.map((i) => [i.name, i.sha256]), [['bits.bin', sha(bits)]]);
    });

    test('failures: the result is printed, then a clear error and exit 2; the token is never shown', async () => {
      const assessmentId = await newAssessment('ccss-v9');
      const dir = tempDir();
      write(dir, 'inv.yaml', inventory);
      const run = (extra: string[], e: Record<string, string>) => keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'inv.yaml', '--json', ...extra], { cwd: dir, env: e });
      const count = (await library()).length;

      const scope = await run(['--attach', assessmentId], env({ KEYGRADE_TOKEN: readToken }));
      assert.equal(scope.code, 2);
      assert.doesNotThrow(() => JSON.parse(scope.stdout), 'the result was printed first');
      assert.match(scope.stderr, new RegExp(`--attach failed: attaching the result: not allowed \\(FORBIDDEN: the token "[^"]+" has no answer:write:${owner.orgId} scope\\)`));
      noToken(scope.stdout, scope.stderr);

      const missing = await run(['--attach', 'no-such-assessment'], env());
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /assessment no-such-assessment not found on the server/);

      const stranger = await signUp(app);
      const foreign = await run(['--attach', assessmentId], env({ KEYGRADE_TOKEN: await bearer(app, { orgId: stranger.orgId, scopes: ['org:read', 'answer:write'] }) }));
      assert.equal(foreign.code, 2);
      assert.match(foreign.stderr, /not found on the server, or not visible to this token/);

      const bad = await run(['--attach', assessmentId], env({ KEYGRADE_TOKEN: `kg_${'0'.repeat(16)}_${'a'.repeat(43)}` }));
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /the server refused the token \(TOKEN_INVALID/);
      noToken(bad.stderr);

      // A port that was free a moment ago: nothing listens there.
      const probe = createServer();
      await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((ok) => probe.close(ok));
      const unreachable = await run(['--attach', assessmentId], env({ KEYGRADE_SERVER: `http://127.0.0.1:${port}` }));
      assert.equal(unreachable.code, 2);
      assert.match(unreachable.stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`));

      const plain = await run(['--attach', assessmentId, '--server', 'http://keygrade.example.com'], env());
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /refusing to send the API token over plain http to keygrade\.example\.com; use https:\/\/, or pass --insecure/);

      const noServer = await run(['--attach', assessmentId], env({ KEYGRADE_SERVER: '' }));
      assert.equal(noServer.code, 2);
      assert.match(noServer.stderr, /--attach needs the server: --server <url> or KEYGRADE_SERVER/);

      const unknownReq = await run(['--attach', assessmentId, '--attach-requirements', '9.99'], env());
      assert.equal(unknownReq.code, 2);
      assert.match(unknownReq.stderr, /9\.99 is neither a control nor a requirement of ccss-v9/);

      assert.equal((await library()).length, count, 'nothing was stored by any failure');
      assert.equal((await links(assessmentId)).size, 0);
    });

    test('without --attach nothing is sent, and the connection options alone change nothing', async () => {
      const dir = tempDir();
      write(dir, 'inv.yaml', inventory);
      const count = (await library()).length;
      const r = await keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'inv.yaml'], { cwd: dir, env: env() });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, '');
      assert.equal((await library()).length, count);
    });
  });
}
