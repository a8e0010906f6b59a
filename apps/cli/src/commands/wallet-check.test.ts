import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// Test-only keys of the wallet package, derived at run time from fixed seeds.
import { testWallet } from '../../../../packages/wallet/src/test-keys.js';
import { keygrade, tempDir, write } from '../test/harness.js';

const { keys: K, descriptor: desc, inventory } = testWallet();

describe('keygrade wallet check', () => {
  it('has help with examples', async () => {
    const r = await keygrade(['wallet', 'check', '--help'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ keygrade wallet check/);
  });

  it('a distributed 2-of-3: exit 1 while backups are missing, 0 once they exist', async () => {
    const dir = tempDir();
    write(dir, 'inv.yaml', inventory);
    const r = await keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'inv.yaml'], { cwd: dir });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /quorum 2-of-3, 3 keys/);
    assert.match(r.stdout, /pass {2}site-loss +1\.2\.4/);
    assert.match(r.stdout, /FAIL {2}backups-exist +1\.3\.2 +0 keys have a backup away from the primary/);
    assert.match(r.stdout, /n\/d {3}backup-seals/);
    write(dir, 'backups.csv', 'key,medium,site,encrypted,access_control,environmental,seals\nk1,steel,fra,yes,bank vault,fire|flood,S1@2026-10-01=intact:S1\nk2,steel,nyc,yes,bank vault,fire|flood,S2@2026-10-02=intact:S2\n');
    const ok = await keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'inv.yaml,backups.csv'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /13 pass, 0 fail, 1 not determinable/);
    write(dir, 'bad.yaml', inventory.replace('site: fra', 'site: zrh'));
    const bad = await keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'bad.yaml', '--edition', 'ccss-v9', '--json'], { cwd: dir });
    assert.equal(bad.code, 1);
    const j = JSON.parse(bad.stdout) as { findings: { rule: string; status: string; requirements: string[] }[] };
    const geo = j.findings.find((f) => f.rule === 'geographic-distribution')!;
    assert.deepEqual([geo.status, geo.requirements], ['fail', ['1.02.3.1']]);
  });

  it('reads Caravan JSON and derives cross-checked addresses', async () => {
    const dir = tempDir();
    write(dir, 'caravan.json', JSON.stringify({ name: 'T', addressType: 'P2WSH', network: 'testnet', quorum: { requiredSigners: 2, totalSigners: 3 }, extendedPublicKeys: K.map((k) => ({ xpub: k.xpub, xfp: k.fingerprint, bip32Path: "m/48'/0'/0'/2'" })) }));
    const r = await keygrade(['wallet', 'check', '--descriptor', 'caravan.json', '--addresses', '2', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { addresses: { address: string; crossCheck: string }[] };
    assert.equal(j.addresses.length, 4);
    assert.ok(j.addresses.every((a) => a.address.startsWith('tb1q') && a.crossCheck === 'agree'));
  });

  it('exit 2 naming the position of a descriptor error', async () => {
    const r = await keygrade(['wallet', 'check', '--descriptor', desc.replace('sortedmulti(2', 'sortedmulti(x')], { cwd: tempDir() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /threshold "x" is not a positive decimal number \(at position 17\)\n {2}wsh\(sortedmulti\(x,.*\n {18}\^/);
    const inv = tempDir();
    write(inv, 'i.yaml', inventory.replace('country: DE', 'country: Germany'));
    const e = await keygrade(['wallet', 'check', '--descriptor', desc, '--inventory', 'i.yaml'], { cwd: inv });
    assert.equal(e.code, 2);
    assert.match(e.stderr, /i\.yaml:3: sites\.1\.country/);
  });
});
