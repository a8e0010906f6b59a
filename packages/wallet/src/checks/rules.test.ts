import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDescriptor } from '../descriptor/parse.js';
import { walletPolicy } from '../descriptor/policy.js';
import { WalletError } from '../errors.js';
import { parseInventory } from '../inventory/load.js';
import { testXpub } from '../test-keys.js';
import { checkWallet, type Finding } from './rules.js';

const K = [testXpub(11), testXpub(12), testXpub(13)];
const desc = (m: number, keys = K) => `wsh(sortedmulti(${m},${keys.map((k) => `[${k.fingerprint}/48h/0h/0h/2h]${k.xpub}/<0;1>/*`).join(',')}))`;

/** An inventory in YAML; `edit` tweaks the text so each test states only what differs. */
function inventory(edit: (y: string) => string = (y) => y): string {
  return edit(`sites:
  - { id: zurich, country: CH, region: ZH }
  - { id: geneva, country: CH, region: GE }
  - { id: nyc, country: US, region: NY }
devices:
  - { id: cc1, vendor: Coinkite, model: Coldcard Mk4 }
  - { id: tz1, vendor: Trezor, model: Safe 5 }
  - { id: bb1, vendor: Foundation, model: Passport }
keys:
  - { id: alice, fingerprint: "${K[0]!.fingerprint}", holder: Alice, organization: Acme, site: zurich, device: cc1, created: { method: ceremony, by: Alice, ceremony: ceremony-2026-01.json } }
  - { id: bob, xpub: ${K[1]!.xpub}, holder: Bob, organization: Custody Partner AG, site: geneva, device: tz1 }
  - { id: carol, fingerprint: "${K[2]!.fingerprint}", holder: Carol, organization: LawFirm LLP, site: nyc, device: bb1 }
backups:
  - id: b-alice
    key: alice
    medium: steel
    site: geneva
    encrypted: true
    accessControl: bank safe deposit box
    environmental: [fire, flood]
    seals:
      - serial: S-100
        inspections:
          - { date: 2026-06-01, serial: S-100, intact: true }
  - { id: b-bob, key: bob, medium: steel, site: nyc, encrypted: true, accessControl: safe, environmental: [fire, flood], seals: [{ serial: S-200, inspections: [{ date: 2026-07-01, serial: S-200, intact: true }] }] }
`);
}

const now = new Date('2026-11-22T00:00:00Z');
function run(d: string, inv?: string, edition: 'ccss-2020' | 'ccss-2021' | 'ccss-v9' = 'ccss-2021') {
  return checkWallet(walletPolicy(parseDescriptor(d)), { edition, now, ...(inv ? { inventory: parseInventory(inv, 'inv.yaml') } : {}) });
}
const byRule = (fs: Finding[]) => Object.fromEntries(fs.map((f) => [f.rule, f]));

describe('checkWallet', () => {
  it('a well-run 2-of-3 passes every rule, with 2021 requirement ids', () => {
    const r = run(desc(2), inventory());
    assert.deepEqual(r.findings.filter((f) => f.status !== 'pass').map((f) => [f.rule, f.reason]), []);
    const f = byRule(r.findings);
    assert.deepEqual(f['min-signatures']!.requirements, ['1.2.1']);
    assert.deepEqual(f['site-loss']!.requirements, ['1.2.4']);
    assert.match(f['geographic-distribution']!.reason, /3 sites .*2 countries, 3 regions/);
    assert.equal(r.quorum, '2-of-3');
  });

  it('requirement ids follow the edition (v9 has no HD requirement)', () => {
    const f20 = byRule(run(desc(2), inventory(), 'ccss-2020').findings);
    const f9 = byRule(run(desc(2), inventory(), 'ccss-v9').findings);
    assert.deepEqual(f20['deterministic']!.requirements, ['1.2.1', '1.2.4']);
    assert.equal(f9['deterministic'], undefined);
    assert.deepEqual(f9['backups-exist']!.requirements, ['1.03.2.1', '1.03.2.2']);
  });

  it('1-of-1 and 3-of-3 fail signatures and redundancy', () => {
    const one = byRule(run(`wpkh([${K[0]!.fingerprint}/84h/0h/0h]${K[0]!.xpub}/0/*)`, inventory()).findings);
    assert.equal(one['min-signatures']!.status, 'fail');
    const all = byRule(run(desc(3), inventory()).findings);
    assert.equal(all['min-signatures']!.status, 'pass');
    assert.equal(all['redundant-key']!.status, 'fail');
    assert.equal(all['site-loss']!.status, 'fail');
  });

  it('one site or one organization holding a quorum fails distribution', () => {
    const f = byRule(run(desc(2), inventory((y) => y.replace('site: geneva, device', 'site: zurich, device').replace('Custody Partner AG', 'Acme'))).findings);
    assert.equal(f['geographic-distribution']!.status, 'fail');
    assert.match(f['geographic-distribution']!.reason, /site "zurich" holds enough keys/);
    assert.equal(f['site-loss']!.status, 'fail');
    assert.equal(f['organizational-distribution']!.status, 'fail');
    assert.match(f['organizational-distribution']!.reason, /organization "Acme"/);
    assert.equal(f['organization-loss']!.status, 'fail');
  });

  it('duplicate seeds and shared devices fail', () => {
    const dupSeed = byRule(run(desc(2, [K[0]!, K[1]!, { ...K[2]!, fingerprint: K[0]!.fingerprint }]), inventory()).findings);
    assert.equal(dupSeed['distinct-seeds']!.status, 'fail');
    const dev = byRule(run(desc(2), inventory((y) => y.replace('device: tz1', 'device: cc1'))).findings);
    assert.equal(dev['device-separation']!.status, 'fail');
  });

  it('backups: co-located, too few, broken or replaced seals, stale inspections', () => {
    const co = byRule(run(desc(2), inventory((y) => y.replace('site: geneva\n    encrypted', 'site: zurich\n    encrypted'))).findings);
    assert.match(co['backups-exist']!.reason, /b-alice is kept at the same site/);
    const few = byRule(run(desc(2), inventory((y) => y.slice(0, y.indexOf('  - { id: b-bob')))).findings);
    assert.match(few['backups-exist']!.reason, /1 key has a backup .* needs at least 2/);
    const swapped = byRule(run(desc(2), inventory((y) => y.replace('{ date: 2026-06-01, serial: S-100', '{ date: 2026-06-01, serial: S-999'))).findings);
    assert.match(swapped['backup-seals']!.reason, /S-100 read as S-999/);
    const stale = byRule(checkWallet(walletPolicy(parseDescriptor(desc(2))), { inventory: parseInventory(inventory(), 'i.yaml'), now: new Date('2028-01-01') }).findings);
    assert.match(stale['backup-seals']!.reason, /over 365 days ago/);
  });

  it('without an inventory, inventory rules are not determinable with the reason', () => {
    const f = byRule(run(desc(2)).findings);
    assert.equal(f['min-signatures']!.status, 'pass');
    assert.equal(f['site-loss']!.status, 'not-determinable');
    assert.match(f['site-loss']!.reason, /no key inventory was given/);
    const partial = byRule(run(desc(2), inventory((y) => y.replace(/ {2}- \{ id: carol.*\n/, ''))).findings);
    assert.match(partial['site-loss']!.reason, /not in the inventory/);
  });
});

describe('inventory import', () => {
  it('YAML errors name file:line and the field', () => {
    try {
      parseInventory(inventory((y) => y.replace('country: US', 'country: usa')), 'inv.yaml');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof WalletError && e.code === 'INVENTORY_INVALID');
      assert.match(e.describe(), /inv\.yaml:4: sites\.2\.country: must be an ISO 3166-1 alpha-2/);
    }
    assert.throws(() => parseInventory(inventory((y) => y.replace('site: nyc, device', 'site: paris, device')), 'inv.yaml'), (e: unknown) => e instanceof WalletError && /inv\.yaml:12: keys\.2\.site: unknown site "paris"/.test(e.describe()));
  });
  it('CSV keys and backups, errors name file:line', () => {
    const keys = `id,xpub,fingerprint,holder,organization,site,country,region,device,vendor\nalice,,${K[0]!.fingerprint},Alice,Acme,zurich,CH,ZH,cc1,Coinkite\nbob,${K[1]!.xpub},,Bob,Acme,geneva,CH,GE,tz1,Trezor\n`;
    const inv = parseInventory(keys, 'keys.csv');
    assert.deepEqual(inv.keys.map((k) => [k.id, k.site, k.device]), [['alice', 'zurich', 'cc1'], ['bob', 'geneva', 'tz1']]);
    assert.equal(inv.sites.length, 2);
    const backups = 'key,medium,site,encrypted,access_control,environmental,seals\nalice,steel,geneva,yes,safe,fire|flood,S-1@2026-05-01=intact:S-1\n';
    assert.deepEqual(parseInventory(backups, 'b.csv').backups[0]!.seals, [{ serial: 'S-1', inspections: [{ date: '2026-05-01', intact: true, serial: 'S-1' }] }]);
    assert.throws(() => parseInventory(keys.replace(',Acme,geneva', ',,geneva'), 'keys.csv'), (e: unknown) => e instanceof WalletError && /keys\.csv:3: keys\.1\.organization/.test(e.describe()));
    assert.throws(() => parseInventory('key,medium,site,encrypted\nalice,steel,geneva,maybe\n', 'b.csv'), (e: unknown) => e instanceof WalletError && /b\.csv:2: backups\.0\.encrypted/.test(e.describe()));
  });
});
