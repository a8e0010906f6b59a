/**
 * Key inventory, wallet check and PSBT check on the platform (routes/wallets.ts, issue 8), on
 * SQLite and PostgreSQL: inventory versions from YAML and CSV (409 on a stale version, export
 * readable by @keygrade/wallet), refusal of private keys and seeds with nothing stored, located
 * problems for bad inventories, the wallet check of a real descriptor, the PSBT decision, evidence
 * attached to an assessment with hashed inputs and the requirement ids of its edition,
 * authorization, and the append-only table.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { HDKey } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { sql } from 'kysely';
import { AUDIT_LOG, MasterKey } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { openCatalog } from '@keygrade/catalog/node';
import { parseYamlInventory } from '@keygrade/wallet';
// Test-only keys of the wallet package, derived at run time from fixed seeds (never real keys).
import { testWallet } from '../../../packages/wallet/src/test-keys.js';
import type { App } from './app.js';
import { as, bearer, call, signUp, testApp, type SignedIn } from './testing.js';

const master = MasterKey.generate();
const catalog = openCatalog();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = (f: string) => readFileSync(`${root}examples/psbt/${f}`, 'utf8');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const TUESDAY = '2026-11-24T09:00:00Z';

const { keys: K, descriptor: DESCRIPTOR, inventory: INVENTORY } = testWallet();
const BACKUPS_CSV = 'key,medium,site,encrypted,access_control,environmental,seals\nk1,steel,fra,yes,bank vault,fire|flood,S1@2026-10-01=intact:S1\nk2,steel,nyc,yes,bank vault,fire|flood,S2@2026-10-02=intact:S2\n';
const KEYS_CSV = `id,fingerprint,holder,organization,site,country,region\nk1,${K[0]!.fingerprint},A,Acme,zrh,CH,ZH\nk2,${K[1]!.fingerprint},B,Partner,fra,DE,HE\nk3,${K[2]!.fingerprint},C,Law LLP,nyc,US,NY\n`;

// Private material of the test seeds, to prove the server refuses it.
const seed21 = HDKey.fromMasterSeed(new Uint8Array(32).fill(21));
const XPRV = seed21.privateExtendedKey;
const WIF = createBase58check(sha256).encode(Uint8Array.from([0x80, ...seed21.privateKey!, 0x01]));
const MNEMONIC = 'abandon ability able about above absent absorb abstract absurd abuse access accident';

type Finding = { rule: string; status: string; requirements: string[]; reason: string };
type Problem = { path: string; message: string; file?: string; line?: number; field?: string };

for (const backend of testBackends()) {
  describe(`wallet routes on ${backend.name}`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });
    const setup = async () => {
      const db = await backend.open();
      cleanup.push(() => db.close());
      const app: App = await testApp(db, master, { catalog, now: () => new Date('2026-11-24T09:00:00Z') });
      cleanup.push(() => app.close());
      const owner = await signUp(app);
      const sys = await call(app, { method: 'POST', url: `/api/orgs/${owner.orgId}/systems`, headers: as(owner), payload: { name: 'Treasury' } });
      assert.equal(sys.status, 201, sys.res.body);
      const systemId = (sys.body.system as { id: string }).id;
      const assessment = async (edition: string) => {
        const r = await call(app, { method: 'POST', url: `/api/systems/${systemId}/assessments`, headers: as(owner), payload: { edition } });
        assert.equal(r.status, 201, r.res.body);
        return (r.body.assessment as { id: string }).id;
      };
      return { db, app, owner, systemId, assessment };
    };
    const importInv = (app: App, u: SignedIn | Record<string, string>, systemId: string, files: { name: string; content: string }[], extra: Record<string, unknown> = {}) =>
      call(app, { method: 'POST', url: `/api/systems/${systemId}/wallet-inventory`, headers: 'cookie' in u && 'csrf' in u ? as(u as SignedIn) : (u as Record<string, string>), payload: { files, ...extra } });
    const rows = (db: TestDb) => db.kysely.selectFrom('wallet_inventory' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow() as Promise<{ n: number | string }>;
    const audit = async (db: TestDb, action: string) =>
      (await db.kysely.selectFrom('log_entry').select(['data']).where('log', '=', AUDIT_LOG).orderBy('idx').execute()).map((r) => JSON.parse(Buffer.from(r.data).toString()) as Record<string, unknown>).filter((e) => e.action === action);

    test('YAML and CSV imports are versions; a stale expectedVersion is 409; the export reads back', async () => {
      const { db, app, owner, systemId } = await setup();
      const empty = await call(app, { url: `/api/systems/${systemId}/wallet-inventory`, headers: as(owner) });
      assert.equal(empty.status, 200);
      assert.deepEqual([empty.body.current, empty.body.versions], [null, []]);

      const v1 = await importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }], { expectedVersion: 0, note: 'first' });
      assert.equal(v1.status, 201, v1.res.body);
      const c1 = v1.body.current as { version: number; counts: Record<string, number>; files: { name: string; format: string; sha256: string }[] };
      assert.equal(c1.version, 1);
      assert.deepEqual(c1.counts, { sites: 3, devices: 0, keys: 3, backups: 0 });
      assert.deepEqual(c1.files.map((f) => [f.name, f.format, f.sha256]), [['keys.yaml', 'yaml', sha(INVENTORY)]]);

      // Keys as CSV plus backups as CSV: merged into one version.
      const v2 = await importInv(app, owner, systemId, [{ name: 'keys.csv', content: KEYS_CSV }, { name: 'backups.csv', content: BACKUPS_CSV }], { expectedVersion: 1 });
      assert.equal(v2.status, 201, v2.res.body);
      const c2 = v2.body.current as { version: number; counts: Record<string, number>; inventory: { backups: { key: string; seals: { serial: string }[] }[] } };
      assert.equal(c2.version, 2);
      assert.deepEqual(c2.counts, { sites: 3, devices: 0, keys: 3, backups: 2 });
      assert.deepEqual(c2.inventory.backups.map((b) => [b.key, b.seals[0]!.serial]), [['k1', 'S1'], ['k2', 'S2']]);

      // Someone who last saw version 1 imports: 409 with the current version, nothing appended.
      const stale = await importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }], { expectedVersion: 1 });
      assert.equal(stale.status, 409, stale.res.body);
      assert.equal(stale.body.error, 'VERSION_CONFLICT');
      assert.deepEqual(stale.body.current, { version: 2 });
      assert.equal(Number((await rows(db)).n), 2);

      // Concurrent imports never fail with a 500: each gets its own version or a 409.
      const racing = await Promise.all([0, 1, 2, 3].map(() => importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }])));
      assert.ok(racing.every((r) => r.status === 201 || r.status === 409), racing.map((r) => `${r.status} ${r.res.body.slice(0, 120)}`).join('\n'));
      const won = racing.filter((r) => r.status === 201).map((r) => (r.body.current as { version: number }).version);
      assert.ok(won.length >= 1);
      assert.equal(new Set(won).size, won.length, 'no version twice');
      assert.equal(Number((await rows(db)).n), 2 + won.length);
      // A new version with the CSV files again, so the checks below see version 2's content as current.
      const again = await importInv(app, owner, systemId, [{ name: 'keys.csv', content: KEYS_CSV }, { name: 'backups.csv', content: BACKUPS_CSV }]);
      assert.equal(again.status, 201, again.res.body);
      const top = (again.body.current as { version: number }).version;

      const list = await call(app, { url: `/api/systems/${systemId}/wallet-inventory`, headers: as(owner) });
      const listed = (list.body.versions as { version: number; note: string | null }[]).map((v) => [v.version, v.note]);
      assert.deepEqual(listed.slice(-2), [[2, null], [1, 'first']]);
      assert.deepEqual(listed.map(([v]) => v), Array.from({ length: top }, (_, i) => top - i), 'every version, newest first');
      assert.equal((list.body.current as { version: number }).version, top);
      assert.equal((await audit(db, 'wallet.inventory.import')).length, top);

      // Export: YAML that @keygrade/wallet reads back to the same inventory; the uploaded file as it was; older versions.
      const yaml = await app.inject({ url: `/api/systems/${systemId}/wallet-inventory/export`, headers: as(owner) });
      assert.equal(yaml.statusCode, 200);
      assert.match(String(yaml.headers['content-disposition']), new RegExp(`key-inventory-v${top}\\.yaml`));
      assert.deepEqual(parseYamlInventory(yaml.body, 'export.yaml'), c2.inventory);
      const file = await app.inject({ url: `/api/systems/${systemId}/wallet-inventory/export?version=2&format=file&file=1`, headers: as(owner) });
      assert.equal(file.statusCode, 200);
      assert.equal(file.body, BACKUPS_CSV);
      assert.match(String(file.headers['content-type']), /^text\/csv/);
      const old = await app.inject({ url: `/api/systems/${systemId}/wallet-inventory/export?version=1&format=json`, headers: as(owner) });
      assert.equal((JSON.parse(old.body) as { backups: unknown[] }).backups.length, 0);
      const none = await call(app, { url: `/api/systems/${systemId}/wallet-inventory/export?version=999`, headers: as(owner) });
      assert.equal(none.status, 404);
    });

    test('private keys, WIF keys and seed phrases are refused with their file and line; nothing is stored or echoed', async () => {
      const { db, app, owner, systemId } = await setup();
      const before = (await audit(db, 'wallet.inventory.import')).length;
      const cases: [string, string, number, RegExp][] = [
        ['keys.yaml', INVENTORY.replace(`fingerprint: "${K[0]!.fingerprint}"`, `xpub: ${XPRV}`), 6, /extended private key/],
        ['keys.yaml', `${INVENTORY}# k4 ${WIF}\n`, 9, /WIF/],
        ['keys.yaml', `${INVENTORY}notes:\n  mnemonic: redacted\n`, 10, /seed or private key/],
        ['backups.csv', `key,medium,site,encrypted,seed_phrase\nk1,paper,fra,no,${MNEMONIC.replaceAll(' ', ';')}\n`, 1, /seed_phrase/],
        ['keys.yaml', `${INVENTORY}# ${MNEMONIC}\n`, 9, /mnemonic seed phrase/],
      ];
      for (const [name, content, line, message] of cases) {
        const r = await importInv(app, owner, systemId, [{ name: 'ok.yaml', content: INVENTORY }, { name, content }]);
        assert.equal(r.status, 400, `${name}:${line}: ${r.res.body}`);
        assert.equal(r.body.error, 'PRIVATE_KEY_REFUSED');
        const problems = r.body.problems as Problem[];
        assert.ok(problems.some((p) => p.file === name && p.line === line && message.test(p.message)), `${name}:${line} ${message}: ${JSON.stringify(problems)}`);
        assert.ok(!problems.some((p) => p.file === 'ok.yaml'), 'the clean file has no problem');
        for (const secret of [XPRV, WIF, MNEMONIC, 'abandon ability']) assert.ok(!r.res.body.includes(secret), 'the secret is not echoed');
      }
      const inNote = await importInv(app, owner, systemId, [{ name: 'ok.yaml', content: INVENTORY }], { note: `seed: ${MNEMONIC}` });
      assert.equal(inNote.status, 400, inNote.res.body);
      assert.deepEqual((inNote.body.problems as Problem[]).map((p) => p.file), ['note']);
      assert.equal(Number((await rows(db)).n), 0, 'nothing stored');
      assert.equal((await audit(db, 'wallet.inventory.import')).length, before);
      // The checks refuse private descriptors too.
      const priv = await call(app, { method: 'POST', url: `/api/systems/${systemId}/wallet-check`, headers: as(owner), payload: { descriptor: DESCRIPTOR.replace(K[0]!.xpub, XPRV) } });
      assert.equal(priv.status, 400, priv.res.body);
      assert.equal(priv.body.error, 'PRIVATE_KEY_REFUSED');
      assert.ok(!priv.res.body.includes(XPRV));
    });

    test('a bad inventory is 400 with every problem by file and line; nothing is stored', async () => {
      const { db, app, owner, systemId } = await setup();
      const bad = await importInv(app, owner, systemId, [
        { name: 'keys.yaml', content: INVENTORY.replace('country: DE', 'country: Germany') },
        { name: 'more.csv', content: 'id,fingerprint,holder,organization,site,country\nk9,zz,A,Acme,zrh,CH\nk10,1234abcd,A\n' },
      ]);
      assert.equal(bad.status, 400, bad.res.body);
      assert.equal(bad.body.error, 'INVENTORY_INVALID');
      const problems = bad.body.problems as Problem[];
      assert.ok(problems.some((p) => p.file === 'keys.yaml' && p.line === 3 && /sites\.1\.country/.test(p.path) && /ISO 3166-1/.test(p.message)), JSON.stringify(problems));
      assert.ok(problems.some((p) => p.file === 'more.csv' && p.line === 3 && /3 cells, the header has 6/.test(p.message)), JSON.stringify(problems));
      // Files valid alone but not together: a backup of a key no file lists.
      const cross = await importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }, { name: 'backups.csv', content: `${BACKUPS_CSV}k7,paper,zrh,no,,,\n` }]);
      assert.equal(cross.status, 400, cross.res.body);
      assert.deepEqual((cross.body.problems as Problem[]).map((p) => [p.file, p.field, p.message]), [['backups.csv', 'backups.2.key', 'unknown key "k7"']]);
      const empty = await importInv(app, owner, systemId, []);
      assert.equal(empty.status, 400);
      const nothing = await importInv(app, owner, systemId, [{ name: 'empty.yaml', content: '# nothing yet\n' }]);
      assert.equal(nothing.status, 400, nothing.res.body);
      assert.match(String(nothing.body.message), /no sites, devices, keys or backups/);
      // An alias bomb: refused as unreadable input, not a crash.
      const level = (n: number, from: string) => `l${n}: &l${n} [${Array(9).fill(`*${from}`).join(',')}]`;
      const bomb = ['l0: &l0 [x,x,x,x,x,x,x,x,x]', ...[1, 2, 3, 4, 5].map((n) => level(n, `l${n - 1}`))].join('\n');
      const b = await importInv(app, owner, systemId, [{ name: 'bomb.yaml', content: bomb }]);
      assert.equal(b.status, 400, b.res.body);
      assert.ok((b.body.problems as Problem[]).some((p) => p.file === 'bomb.yaml' && /cannot be read: .*alias/i.test(p.message)), b.res.body);
      assert.equal(Number((await rows(db)).n), 0);
    });

    test('wallet check of a real descriptor: pass, fail and not determinable with requirement ids; derived addresses', async () => {
      const { app, owner, systemId } = await setup();
      const check = (payload: Record<string, unknown>) => call(app, { method: 'POST', url: `/api/systems/${systemId}/wallet-check`, headers: as(owner), payload });
      const noInv = await check({ descriptor: DESCRIPTOR });
      assert.equal(noInv.status, 200, noInv.res.body);
      assert.equal((noInv.body.findings as Finding[]).find((f) => f.rule === 'site-loss')!.status, 'not-determinable');
      assert.equal(noInv.body.inventory, null);

      await importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }]);
      const r = await check({ descriptor: `# treasury\n${DESCRIPTOR}\n`, edition: 'ccss-v9', addresses: 2 });
      assert.equal(r.status, 200, r.res.body);
      const findings = r.body.findings as Finding[];
      const by = (rule: string) => findings.find((f) => f.rule === rule)!;
      assert.equal(r.body.quorum, '2-of-3');
      assert.deepEqual([by('min-signatures').status, by('min-signatures').requirements], ['pass', ['1.02.1.1']]);
      assert.deepEqual([by('site-loss').status, by('site-loss').requirements], ['pass', ['1.02.3.1']]);
      assert.deepEqual([by('backups-exist').status, by('backups-exist').requirements], ['fail', ['1.03.2.1', '1.03.2.2']]);
      assert.match(by('backups-exist').reason, /0 keys have a backup away from the primary/);
      assert.equal(by('backup-seals').status, 'not-determinable');
      assert.deepEqual(r.body.inventory && (r.body.inventory as { version: number }).version, 1);
      const addrs = r.body.addresses as { address: string; crossCheck: string }[];
      assert.equal(addrs.length, 4);
      assert.ok(addrs.every((a) => a.address.startsWith('bc1q') && a.crossCheck === 'agree'), JSON.stringify(addrs));

      // Caravan config in 2021 numbering.
      const caravan = JSON.stringify({ name: 'T', addressType: 'P2WSH', network: 'testnet', quorum: { requiredSigners: 2, totalSigners: 3 }, extendedPublicKeys: K.map((k) => ({ xpub: k.xpub, xfp: k.fingerprint, bip32Path: "m/48'/0'/0'/2'" })) });
      const c = await check({ caravan, edition: 'ccss-2021', addresses: 1 });
      assert.equal(c.status, 200, c.res.body);
      assert.deepEqual((c.body.findings as Finding[]).find((f) => f.rule === 'site-loss')!.requirements, ['1.2.4']);
      assert.ok((c.body.addresses as { address: string }[]).every((a) => a.address.startsWith('tb1q')));

      // Bad descriptors: 400 with the position, never a 500.
      const bad = await check({ descriptor: DESCRIPTOR.replace('sortedmulti(2', 'sortedmulti(x') });
      assert.equal(bad.status, 400, bad.res.body);
      assert.match(String(bad.body.message), /descriptor: threshold "x" is not a positive decimal number \(at position 17\)/);
      assert.match((bad.body.problems as Problem[])[0]!.message, /\n {16}\^$/);
      const both = await check({ descriptor: DESCRIPTOR, caravan });
      assert.equal(both.status, 400);
      const garbage = await check({ caravan: '{"quorum": 3' });
      assert.equal(garbage.status, 400, garbage.res.body);
    });

    test('PSBT check: allow, needs-approval and deny with reasons and the spend paths', async () => {
      const { app, owner, systemId } = await setup();
      const psbt = (file: string, extra: Record<string, unknown> = {}) =>
        call(app, { method: 'POST', url: `/api/systems/${systemId}/psbt-check`, headers: as(owner), payload: { psbt: example(file), policy: example('policy.yaml'), descriptor: example('wallet.txt'), at: TUESDAY, ...extra } });
      const allow = await psbt('payout.psbt');
      assert.equal(allow.status, 200, allow.res.body);
      assert.equal(allow.body.decision, 'allow');
      const paths = (allow.body.governance as { paths: { status: string; threshold: number }[] }).paths;
      assert.ok(paths.length > 0 && paths.every((p) => ['governed', 'ungoverned', 'weaker-than-quorum'].includes(p.status)));
      const approval = await psbt('large-payout.psbt');
      assert.equal(approval.body.decision, 'needs-approval');
      const deny = await psbt('unknown-destination.psbt');
      assert.equal(deny.body.decision, 'deny');
      assert.deepEqual((deny.body.reasons as { rule: string; outcome: string; output?: number }[]).filter((x) => x.outcome === 'deny').map((x) => [x.rule, x.output]), [['whitelist', 0]]);
      const rolling = await psbt('large-payout.psbt', { history: example('history.csv') });
      assert.equal(rolling.body.decision, 'deny');
      assert.ok((rolling.body.reasons as { rule: string; outcome: string }[]).some((x) => x.rule === 'limit.rolling' && x.outcome === 'deny'));
      const cut = await psbt('payout.psbt', { psbt: Buffer.from(example('payout.psbt').trim(), 'base64').subarray(0, 60).toString('base64') });
      assert.equal(cut.status, 400, cut.res.body);
      assert.match(String(cut.body.message), /at byte 7/);
      for (const garbage of ['x', 'cHNidP8=', '00'.repeat(10), 'cHNidP8B' + 'A'.repeat(200)]) {
        const g = await psbt('payout.psbt', { psbt: garbage });
        assert.equal(g.status, 400, `${garbage.slice(0, 12)}: ${g.res.body}`);
        assert.match(String(g.body.error), /^PSBT_/);
      }
      // The server derives at most 10,000 whitelist indices, counted on the parsed policy, whatever its YAML style.
      const wide = (n: number) => `version: 1\nwhitelist: [${Array.from({ length: n }, (_, i) => `{label: d${i}, descriptor: "wpkh(${K[0]!.xpub}/0/*)", range: "5000"}`).join(', ')}]\n`;
      const tooWide = await psbt('payout.psbt', { policy: wide(3) });
      assert.equal(tooWide.status, 400, tooWide.res.body);
      assert.equal(tooWide.body.error, 'SPEND_POLICY_INVALID');
      assert.deepEqual((tooWide.body.problems as Problem[]).map((p) => [p.path, p.message]), [['policy.yaml:2 whitelist', 'the descriptors ask for 15000 derived addresses in all; at most 10000 are checked by the web app, 1000000 by keygrade psbt check on your own machine; lower their range']]);
      assert.equal((await psbt('payout.psbt', { policy: wide(2) })).status, 200);
      const pol = await psbt('payout.psbt', { policy: example('policy.yaml').replace('max: "5"', 'max: 5.5.5') });
      assert.equal(pol.status, 400);
      assert.ok((pol.body.problems as Problem[]).some((p) => p.line === 20 && /is not an amount/.test(p.message)), pol.res.body);
    });

    test('attach: evidence on the assessment with hashed inputs and the requirement ids of its edition', async () => {
      const { db, app, owner, systemId, assessment } = await setup();
      await importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }, { name: 'backups.csv', content: BACKUPS_CSV }]);
      const v9 = await assessment('ccss-v9');
      const y21 = await assessment('ccss-2021');
      const reqs = async (assessmentId: string) => {
        const r = await call(app, { url: `/api/assessments/${assessmentId}/checklist`, headers: as(owner) });
        return (r.body.aspects as { controls: { requirements: { id: string; answer: { evidence: { id: string }[] } | null }[] }[] }[]).flatMap((a) => a.controls.flatMap((c) => c.requirements));
      };
      const withEvidence = async (assessmentId: string, id: string) => (await reqs(assessmentId)).filter((q) => q.answer?.evidence.some((e) => e.id === id)).map((q) => q.id).sort();

      const w = await call(app, { method: 'POST', url: `/api/assessments/${v9}/wallet-evidence`, headers: as(owner), payload: { descriptor: DESCRIPTOR, addresses: 1 } });
      assert.equal(w.status, 201, w.res.body);
      const ev = w.body.evidence as { id: string; parameters: string; title: string; tool: string };
      assert.equal((w.body.result as { edition: string }).edition, 'ccss-v9');
      // Every decided rule's requirement; backup-seals passes with the seals above, so all are decided.
      assert.deepEqual(await withEvidence(v9, ev.id), ['1.02.1.1', '1.02.2.1', '1.02.3.1', '1.02.4.1', '1.03.2.1', '1.03.2.2', '1.03.3.1', '1.03.4.1', '1.03.5.1', '1.03.6.1']);
      assert.match(ev.tool, /^keygrade wallet check/);
      const params = JSON.parse(ev.parameters) as { inputs: { name: string; sha256: string }[]; parameters: string[] };
      assert.deepEqual(params.inputs.map((i) => [i.name, i.sha256]), [['descriptor.txt', sha(DESCRIPTOR)], ['keys.yaml', sha(INVENTORY)], ['backups.csv', sha(BACKUPS_CSV)]]);
      assert.ok(params.parameters.includes('ccss-v9'));
      const content = await app.inject({ url: `/api/evidence/${ev.id}/content`, headers: as(owner) });
      assert.deepEqual((JSON.parse(content.body) as { findings: Finding[] }).findings, (w.body.result as { findings: Finding[] }).findings, 'the stored evidence is what the server computed');

      // The same check in 2021: its grade-level cells; a different edition than the assessment's is refused.
      const w21 = await call(app, { method: 'POST', url: `/api/assessments/${y21}/wallet-evidence`, headers: as(owner), payload: { descriptor: DESCRIPTOR } });
      assert.equal(w21.status, 201, w21.res.body);
      const ids21 = await withEvidence(y21, (w21.body.evidence as { id: string }).id);
      assert.ok(ids21.includes('1.2.4.L2') && ids21.includes('1.2.4.L3') && ids21.includes('1.3.2.L2'), ids21.join(','));
      assert.ok(ids21.every((id) => /^1\.[23]\./.test(id)));
      const mismatch = await call(app, { method: 'POST', url: `/api/assessments/${y21}/wallet-evidence`, headers: as(owner), payload: { descriptor: DESCRIPTOR, edition: 'ccss-v9' } });
      assert.equal(mismatch.status, 400);

      // PSBT check evidence: spend verification.
      const payload = { psbt: example('payout.psbt'), policy: example('policy.yaml'), descriptor: example('wallet.txt'), at: TUESDAY };
      const p = await call(app, { method: 'POST', url: `/api/assessments/${v9}/psbt-evidence`, headers: as(owner), payload });
      assert.equal(p.status, 201, p.res.body);
      assert.equal((p.body.result as { decision: string }).decision, 'allow');
      const pev = p.body.evidence as { id: string; parameters: string };
      assert.deepEqual(await withEvidence(v9, pev.id), ['1.05.8.1']);
      assert.deepEqual((JSON.parse(pev.parameters) as { inputs: { name: string; sha256: string }[] }).inputs.map((i) => [i.name, i.sha256]), [['psbt', sha(example('payout.psbt').trim())], ['policy.yaml', sha(example('policy.yaml'))], ['descriptor.txt', sha(example('wallet.txt'))]]);
      const p21 = await call(app, { method: 'POST', url: `/api/assessments/${y21}/psbt-evidence`, headers: as(owner), payload });
      assert.equal(p21.status, 201, p21.res.body);
      assert.deepEqual(await withEvidence(y21, (p21.body.evidence as { id: string }).id), ['1.4.6.L2', '1.4.6.L3']);
      assert.equal((await audit(db, 'evidence.push')).length, 4);

      // With no inventory nothing is decided beyond the descriptor rules; a token with answer:write may attach.
      const token = { authorization: `Bearer ${await bearer(app, { orgId: owner.orgId, scopes: ['answer:write', 'org:read'] })}` };
      const t = await call(app, { method: 'POST', url: `/api/assessments/${v9}/psbt-evidence`, headers: token, payload: { ...payload, psbt: example('unknown-destination.psbt') } });
      assert.equal(t.status, 201, t.res.body);
      assert.equal((t.body.result as { decision: string }).decision, 'deny');
    });

    test('authorization: a viewer reads and checks but cannot import or attach; another organization gets 404', async () => {
      const { db, app, owner, systemId, assessment } = await setup();
      const v9 = await assessment('ccss-v9');
      await importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }]);
      const viewer = await signUp(app, { role: 'viewer', orgId: owner.orgId });
      const denied = await importInv(app, viewer, systemId, [{ name: 'keys.yaml', content: INVENTORY }]);
      assert.equal(denied.status, 403, denied.res.body);
      assert.equal(denied.body.error, 'FORBIDDEN');
      assert.equal((await call(app, { url: `/api/systems/${systemId}/wallet-inventory`, headers: as(viewer) })).status, 200);
      assert.equal((await call(app, { method: 'POST', url: `/api/systems/${systemId}/wallet-check`, headers: as(viewer), payload: { descriptor: DESCRIPTOR } })).status, 200);
      const attach = await call(app, { method: 'POST', url: `/api/assessments/${v9}/wallet-evidence`, headers: as(viewer), payload: { descriptor: DESCRIPTOR } });
      assert.equal(attach.status, 403, attach.res.body);
      const readToken = { authorization: `Bearer ${await bearer(app, { orgId: owner.orgId, scopes: ['org:read'] })}` };
      assert.equal((await importInv(app, readToken, systemId, [{ name: 'keys.yaml', content: INVENTORY }])).status, 403);

      const stranger = await signUp(app);
      const foreign: [string, string, Record<string, unknown> | undefined][] = [
        ['GET', `/api/systems/${systemId}/wallet-inventory`, undefined],
        ['GET', `/api/systems/${systemId}/wallet-inventory/export`, undefined],
        ['POST', `/api/systems/${systemId}/wallet-inventory`, { files: [{ name: 'keys.yaml', content: INVENTORY }] }],
        ['POST', `/api/systems/${systemId}/wallet-check`, { descriptor: DESCRIPTOR }],
        ['POST', `/api/systems/${systemId}/psbt-check`, { psbt: example('payout.psbt'), policy: example('policy.yaml'), descriptor: example('wallet.txt') }],
        ['POST', `/api/assessments/${v9}/wallet-evidence`, { descriptor: DESCRIPTOR }],
        ['POST', `/api/assessments/${v9}/psbt-evidence`, { psbt: example('payout.psbt'), policy: example('policy.yaml'), descriptor: example('wallet.txt') }],
      ];
      for (const [method, url, payload] of foreign) {
        const r = await call(app, { method: method as 'GET' | 'POST', url, headers: as(stranger), ...(payload ? { payload } : {}) });
        assert.equal(r.status, 404, `${method} ${url}: ${r.res.body}`);
      }
      const anon = await call(app, { url: `/api/systems/${systemId}/wallet-inventory` });
      assert.equal(anon.status, 401);
      assert.equal(Number((await rows(db)).n), 1);
    });

    test('the inventory table is append-only', async () => {
      const { db, app, owner, systemId } = await setup();
      await importInv(app, owner, systemId, [{ name: 'keys.yaml', content: INVENTORY }]);
      await assert.rejects(sql`UPDATE wallet_inventory SET note = 'changed'`.execute(db.kysely), /append-only/);
      await assert.rejects(sql`DELETE FROM wallet_inventory`.execute(db.kysely), /append-only/);
      assert.equal(Number((await rows(db)).n), 1);
    });
  });
}
