/**
 * `--attach` end to end for the commands wired after the first ones (attach.test.ts): kcp sweep,
 * signer check, rng dice, rng cards, cert verify, wallet prove-control status, and the refusals of por assets --print-message
 * and wallet prove-control challenge. The same set-up: a real Keygrade server on a local port (in
 * this process), the CLI through the test harness, the evidence checked on the server — it is the
 * command's --json output, linked to the requirements of the edition, and no secret input (a test
 * seed, dice rolls, a deck's order) reaches the server in the content or the recorded parameters.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ed25519Signer, issueCertificate, trustedKeyJson, type CertificatePredicate } from '@keygrade/attest';
import { MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { openCatalog } from '@keygrade/catalog/node';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HDKey } from '@scure/bip32';
import type { App } from '../../server/src/app.js';
import { EvidenceStore } from '../../server/src/domain/evidence-store.js';
import { as, bearer, call, signUp, testApp, type SignedIn } from '../../server/src/testing.js';
import { keygrade, tempDir, write } from './test/harness.js';

const master = MasterKey.generate();
const catalog = openCatalog();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const kcpExamples = fileURLToPath(new URL('../../../examples/kcp/', import.meta.url));

// signer check: RFC 6979 signatures over a test seed.
const utf8 = (s: string) => new TextEncoder().encode(s);
const signerSeed = bytesToHex(sha256(utf8('keygrade attach signer seed')));
const signerPath = "m/84'/1'/0'/0/3";
const signerKey = HDKey.fromMasterSeed(sha256(utf8('keygrade attach signer seed'))).derive(signerPath).privateKey!;
const der = (compact: Uint8Array) => bytesToHex(secp256k1.Signature.fromBytes(compact).toBytes('der'));
const signerCsv = `id,digest,signature\n${Array.from({ length: 6 }, (_, i) => {
  const z = sha256(utf8(`attach digest ${i}`));
  return `s${i},${bytesToHex(z)},${der(secp256k1.sign(z, signerKey, { prehash: false }))}`;
}).join('\n')}\n`;

// cert verify: a certificate signed by an auditor and a peer reviewer, and the trust file.
const auditor = ed25519Signer(new Uint8Array(32).fill(11));
const reviewer = ed25519Signer(new Uint8Array(32).fill(12));
const predicate: CertificatePredicate = {
  certificateId: 'KG-2026-0042',
  organization: { name: 'Acme Custody', id: 'acme' },
  system: { name: 'Cold storage', id: 'cold' },
  edition: 'ccss-v9',
  level: 2,
  aspectLevels: { '1.01': 2 },
  period: { start: '2026-01-01', end: '2026-06-30' },
  auditor: { name: 'Ada Auditor', keyid: auditor.keyid },
  peerReviewer: { name: 'Rita Reviewer', keyid: reviewer.keyid },
  issuedAt: '2026-07-15T12:00:00Z',
  validUntil: '2027-07-15T12:00:00Z',
};
const trust = { keys: [trustedKeyJson('Ada Auditor', 'auditor', auditor.publicKey), trustedKeyJson('Rita Reviewer', 'peer-reviewer', reviewer.publicKey)], threshold: 2, requiredRoles: ['auditor', 'peer-reviewer'] };

/** Deterministic d6 rolls (SHA-256 bytes, rejection sampling). */
function rolls(n: number): string {
  const out: number[] = [];
  for (let i = 0; out.length < n; i++) for (const b of createHash('sha256').update(`dice ${i}`).digest()) if (b < 252 && out.length < n) out.push((b % 6) + 1);
  return out.join('');
}

interface Evidence {
  id: string;
  sha256: string;
  title: string;
  tool: string;
  parameters: string;
}
interface Recorded {
  parameters: string[];
  inputs: { name: string; sha256: string; size: number }[];
}

for (const backend of testBackends()) {
  describe(`keygrade … --attach (kcp sweep, signer check, rng dice/cards, cert verify) on ${backend.name}`, () => {
    let db: TestDb;
    let app: App;
    let server: string;
    let owner: SignedIn;
    let token: string;
    let evidenceDir: string;
    before(async () => {
      db = await backend.open();
      evidenceDir = mkdtempSync(join(tmpdir(), 'kg-attach-more-'));
      app = await testApp(db, master, { evidence: new EvidenceStore(evidenceDir, 10 * 1024 * 1024), catalog });
      await app.listen({ host: '127.0.0.1', port: 0 });
      server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      owner = await signUp(app);
      token = await bearer(app, { orgId: owner.orgId, scopes: ['org:read', 'answer:write'] });
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
    const library = async () => (await call(app, { url: `/api/orgs/${owner.orgId}/evidence`, headers: as(owner) })).body.evidence as Evidence[];
    const content = async (id: string) => (await app.inject({ url: `/api/evidence/${id}/content`, headers: as(owner) })).body;
    const env = () => ({ KEYGRADE_SERVER: server, KEYGRADE_TOKEN: token, KEYGRADE_SOURCE_SYSTEM: 'ci runner 8' });
    /** The one evidence of this tool in the assessment's links, its stored content and recorded parameters. */
    const evidenceOf = async (assessmentId: string, tool: string) => {
      const all = (await library()).filter((e) => e.tool === `keygrade ${tool} 0.1.0`);
      const linked = new Set([...(await links(assessmentId)).values()].flat());
      const mine = all.filter((e) => linked.has(e.id));
      assert.equal(mine.length, 1, `one ${tool} evidence in the assessment`);
      const ev = mine[0]!;
      return { ev, stored: await content(ev.id), recorded: JSON.parse(ev.parameters) as Recorded };
    };

    test('kcp sweep --json --attach: the sweep result (with the unsigned PSBT) is rehearsal evidence (2021 1.5.2, v9 2.04.2.1)', async () => {
      const dir = tempDir();
      for (const f of ['compromised.txt', 'utxos.csv', 'new-wallet.txt']) copyFileSync(join(kcpExamples, f), join(dir, f));
      const args = ['kcp', 'sweep', '--from', 'compromised.txt', '--utxos', 'utxos.csv', '--to', 'new-wallet.txt', '--feerate', '12'];

      const v9 = await newAssessment('ccss-v9');
      const r = await keygrade([...args, '--json', '--attach', v9], { cwd: dir, env: env() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`attached to assessment ${v9} \\(ccss-v9\\): evidence [0-9a-f-]{36} \\(sha256 [0-9a-f]{64}\\), linked to 2\\.04\\.2\\.1$`, 'm'));
      const { ev, stored, recorded } = await evidenceOf(v9, 'kcp sweep');
      assert.equal(stored, r.stdout, 'the evidence is the --json output, byte for byte');
      assert.equal(ev.sha256, sha(r.stdout));
      assert.match(ev.title, /^keygrade kcp sweep \(compromised\.txt, utxos\.csv, new-wallet\.txt\): ok$/);
      assert.deepEqual([...(await links(v9)).keys()], ['2.04.2.1']);
      assert.deepEqual(recorded.inputs.map((i) => [i.name, i.sha256]), ['compromised.txt', 'utxos.csv', 'new-wallet.txt'].map((f) => [f, sha(readFileSync(join(dir, f)))]));
      assert.ok(recorded.parameters.includes('--feerate') && recorded.parameters.includes('12'));

      // The text output: the same JSON object is stored; a control id becomes its level cells in 2021.
      const y2021 = await newAssessment('ccss-2021');
      const t = await keygrade([...args, '--attach', y2021], { cwd: dir, env: env() });
      assert.equal(t.code, 0, t.stderr);
      assert.match(t.stdout, /^Sweep of 3 UTXOs/);
      assert.deepEqual([...(await links(y2021)).keys()], ['1.5.2.L3']);
      const text = await evidenceOf(y2021, 'kcp sweep');
      assert.equal(text.stored, r.stdout, 'the text run stores the --json form');
    });

    test('signer check --attach: nonce evidence; the test seed given with --seed is neither recorded nor sent', async () => {
      const dir = tempDir();
      write(dir, 'sigs.csv', signerCsv);
      const assessmentId = await newAssessment('ccss-2020');
      const args = ['signer', 'check', 'sigs.csv', '--seed', signerSeed, '--path', signerPath];
      const json = await keygrade([...args, '--json'], { cwd: dir });
      assert.equal(json.code, 0, json.stderr);
      const r = await keygrade([...args, '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^OK: /);
      assert.match(r.stderr, /\(ccss-2020\): evidence .* linked to 1\.4\.8\.L1, 1\.4\.8\.L2, 1\.4\.8\.L3$/m);
      const { stored, recorded } = await evidenceOf(assessmentId, 'signer check');
      assert.equal(stored, json.stdout, 'the evidence is the --json output');
      assert.deepEqual([...(await links(assessmentId)).keys()].sort(), ['1.4.8.L1', '1.4.8.L2', '1.4.8.L3']);
      assert.deepEqual(recorded.parameters.slice(0, 3), [`sigs.csv (sha256:${sha(signerCsv)})`, '--seed', '(given inline, secret: not recorded)']);
      assert.ok(recorded.parameters.includes(signerPath));
      const everything = JSON.stringify(await library()) + stored;
      assert.ok(!everything.includes(signerSeed), 'the seed never reaches the server');
      assert.ok(!everything.includes(bytesToHex(signerKey)), 'nor the key derived from it');
    });

    test('rng dice --attach: entropy-source evidence (v9 1.01.2.1, 1.01.4.1); the rolls are neither recorded nor hashed', async () => {
      const dir = tempDir();
      const d = rolls(120);
      write(dir, 'rolls.txt', `${d}\n`);
      const assessmentId = await newAssessment('ccss-v9');
      const plain = await keygrade(['rng', 'dice', 'rolls.txt', '--json'], { cwd: dir });
      const r = await keygrade(['rng', 'dice', 'rolls.txt', '--json', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(r.code, plain.code, 'the command\'s own exit code');
      assert.match(r.stderr, /linked to 1\.01\.2\.1, 1\.01\.4\.1$/m);
      assert.deepEqual([...(await links(assessmentId)).keys()].sort(), ['1.01.2.1', '1.01.4.1']);
      const file = await evidenceOf(assessmentId, 'rng dice');
      assert.equal(file.stored, r.stdout, 'the evidence is the --json output (counts, not the rolls)');
      assert.equal((JSON.parse(file.stored) as { rolls: number }).rolls, 120);
      assert.deepEqual(file.recorded.inputs, [], 'the rolls file is not hashed: few rolls could be brute-forced from a hash');
      assert.deepEqual(file.recorded.parameters.slice(0, 1), ['rolls.txt (secret: not recorded)']);
      assert.ok(!JSON.stringify(file.ev).includes(sha(`${d}\n`)));

      // Rolls typed inline: not recorded either.
      const other = await newAssessment('ccss-v9');
      const inline = await keygrade(['rng', 'dice', d.slice(0, 60), '--bits', '128', '--attach', other], { cwd: dir, env: env() });
      assert.equal(inline.code, 0, inline.stderr);
      const given = await evidenceOf(other, 'rng dice');
      assert.deepEqual(given.recorded.parameters.slice(0, 1), ['(given inline, secret: not recorded)']);
      assert.ok(!(JSON.stringify(given.ev) + given.stored).includes(d.slice(0, 60)), 'the rolls never reach the server');
    });

    test('rng cards --attach: the deck\'s order (and the cards not given) are redacted in the evidence', async () => {
      const dir = tempDir();
      const deck = ['AS', '7D', 'KC', 'TH', '2S', 'QD', '9C', '3H', 'JS', '5D', '8C', '4H', '6S', 'AD', 'KH', '2C', 'TS', '7H', 'QC', '3D', '9S', 'JH', '5C', '8D', '4S', '6H', 'AC', 'KD', '2H', 'TC', '7S', 'QH', '3C', '9D', 'JC', '5H'];
      write(dir, 'deck.txt', `${deck.join(' ')}\n`);
      const assessmentId = await newAssessment('ccss-2021');
      const r = await keygrade(['rng', 'cards', 'deck.txt', '--bits', '128', '--json', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /redacted/);
      const printed = JSON.parse(r.stdout) as { order: string[]; missing: string[] };
      assert.equal(printed.order.length, 36, 'the user still sees the order locally');
      const { stored, recorded } = await evidenceOf(assessmentId, 'rng cards');
      const kept = JSON.parse(stored) as Record<string, unknown>;
      assert.deepEqual(kept, { ...(JSON.parse(r.stdout) as Record<string, unknown>), order: '[redacted]', missing: '[redacted]' });
      assert.ok(!stored.includes('"AS"') && !stored.includes('KC'));
      assert.deepEqual(recorded.inputs, []);
      assert.deepEqual([...(await links(assessmentId)).keys()].sort(), ['1.1.2.L1', '1.1.2.L2', '1.1.2.L3', '1.1.4.L1', '1.1.4.L2', '1.1.4.L3']);
    });

    test('cert verify --attach: evidence of nothing by default (exit 2, nothing stored); with --attach-requirements it is attached', async () => {
      const dir = tempDir();
      write(dir, 'cert.dsse.json', issueCertificate(predicate, 'cd'.repeat(32), [auditor, reviewer]));
      write(dir, 'trust.json', JSON.stringify(trust));
      const assessmentId = await newAssessment('ccss-v9');
      const count = (await library()).length;
      const args = ['cert', 'verify', 'cert.dsse.json', '--trust', 'trust.json', '--json'];

      const none = await keygrade([...args, '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(none.code, 2);
      assert.equal((JSON.parse(none.stdout) as { verified: boolean }).verified, true, 'the result was printed first');
      assert.match(none.stderr, /keygrade cert verify is evidence for no requirement of ccss-v9 by default; name them with --attach-requirements <ids>/);
      assert.equal((await library()).length, count, 'nothing stored');

      const r = await keygrade([...args, '--attach', assessmentId, '--attach-requirements', '1.01.1,1.05.10.1'], { cwd: dir, env: env() });
      assert.equal(r.code, 0, r.stderr);
      const { ev, stored, recorded } = await evidenceOf(assessmentId, 'cert verify');
      assert.equal(stored, r.stdout);
      assert.equal(ev.sha256, sha(r.stdout));
      assert.match(r.stderr, /linked to 1\.01\.1\.1, 1\.01\.1\.2, 1\.01\.1\.3, 1\.05\.10\.1$/m);
      assert.deepEqual([...(await links(assessmentId)).keys()].sort(), ['1.01.1.1', '1.01.1.2', '1.01.1.3', '1.05.10.1'], 'the control 1.01.1 stands for its requirements');
      assert.deepEqual(recorded.inputs.map((i) => i.name), ['cert.dsse.json', 'trust.json']);
    });

    test('wallet prove-control status --attach --attach-requirements: the status is stored; the key ids are recorded (not secret)', async () => {
      const dir = tempDir();
      const assessmentId = await newAssessment('ccss-v9');
      const json = await keygrade(['wallet', 'prove-control', 'status', '--key', 'k1,k2', '--overdue', '90', '--json'], { cwd: dir });
      assert.equal(json.code, 1, 'never checked: overdue');
      const r = await keygrade(['wallet', 'prove-control', 'status', '--key', 'k1,k2', '--overdue', '90', '--attach', assessmentId, '--attach-requirements', '1.02.3'], { cwd: dir, env: env() });
      assert.equal(r.code, 1, 'the command\'s own exit code');
      assert.match(r.stdout, /^OVERDUE: 2 of 2 keys/);
      const { stored, recorded } = await evidenceOf(assessmentId, 'wallet prove-control');
      assert.equal(stored, json.stdout);
      assert.deepEqual([...(await links(assessmentId)).keys()], ['1.02.3.1']);
      assert.deepEqual(recorded.parameters.slice(0, 3), ['status', '--log', 'proof-of-control.json']);
      assert.ok(recorded.parameters.includes('k1,k2'));
    });

    test('--attach where a run has no result: por assets --print-message and wallet prove-control challenge refuse it (exit 2)', async () => {
      const dir = tempDir();
      const assessmentId = await newAssessment('ccss-v9');
      const count = (await library()).length;
      const por = await keygrade(['por', 'assets', '--manifest', 'm.json', '--utxos', 'u.csv', '--print-message', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(por.code, 2);
      assert.match(por.stderr, /--attach attaches a verification: it cannot go with --print-message/);
      const challenge = await keygrade(['wallet', 'prove-control', 'challenge', '--key', 'k1', '--address', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', '--attach', assessmentId], { cwd: dir, env: env() });
      assert.equal(challenge.code, 2);
      assert.match(challenge.stderr, /--attach goes with verify and status/);
      assert.equal((await library()).length, count);
    });
  });
}
