import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WalletError } from '../errors.js';
import { testXpub } from '../test-keys.js';
import { deriveAddresses } from './addresses.js';
import { caravanToDescriptor } from './caravan.js';
import { descriptorChecksum } from './checksum.js';
import { parseDescriptor } from './parse.js';
import { canSpend, walletPolicy } from './policy.js';

const [a, b, c] = [testXpub(1), testXpub(2), testXpub(3)];
const key = (k: { xpub: string; fingerprint: string }) => `[${k.fingerprint}/48h/0h/0h/2h]${k.xpub}/<0;1>/*`;
const wsh = `wsh(sortedmulti(2,${key(a)},${key(b)},${key(c)}))`;

function errorAt(text: string): { code: string; position: number | undefined; message: string } {
  try {
    parseDescriptor(text);
  } catch (e) {
    assert.ok(e instanceof WalletError, String(e));
    return { code: e.code, position: e.position, message: e.message };
  }
  assert.fail(`expected ${text} to be rejected`);
}

describe('parseDescriptor errors name the position', () => {
  it('syntax', () => {
    assert.deepEqual(errorAt('wsh(multi(2,02aa))').position, 12);
    assert.equal(errorAt('wsh(multi(3,' + `${a.xpub}/*,${b.xpub}/*))`).position, 10);
    const e = errorAt(`wsh(sortedmulti(2,${a.xpub}/*,${b.xpub}/*)`);
    assert.match(e.message, /unexpected end, expected "\)"/);
    assert.match(errorAt('wpkh(02)x').message, /at position 6/);
  });
  it('checksum', () => {
    const sum = descriptorChecksum(wsh);
    assert.equal(parseDescriptor(`${wsh}#${sum}`).checksum, sum);
    const bad = errorAt(`${wsh}#${sum.slice(0, 7)}${sum[7] === 'q' ? 'p' : 'q'}`);
    assert.equal(bad.code, 'DESCRIPTOR_CHECKSUM');
    assert.equal(bad.position, wsh.length + 1);
  });
  it('miniscript beyond multi is "not supported" at its position', () => {
    const e = errorAt(`wsh(or_d(pk(${a.xpub}/*),and_v(v:pk(${b.xpub}/*),older(144))))`);
    assert.equal(e.code, 'DESCRIPTOR_UNSUPPORTED');
    assert.equal(e.position, 4);
    assert.match(e.message, /miniscript fragment "or_d" is not supported/);
  });
  it('context rules', () => {
    assert.match(errorAt(`wsh(wpkh(${a.xpub}))`).message, /wpkh\(\) is only allowed/);
    assert.match(errorAt(`tr(${a.xpub},multi(1,${b.xpub}))`).message, /use multi_a/);
    assert.match(errorAt(`wsh(multi_a(1,${b.xpub}))`).message, /only allowed in a tr\(\) script tree/);
  });
});

describe('deriveAddresses', () => {
  it('receive and change paths on three networks, cross-checked', () => {
    for (const network of ['mainnet', 'testnet', 'regtest'] as const) {
      const r = deriveAddresses(wsh, { network, count: 5 });
      assert.equal(r.length, 10);
      assert.ok(r.every((x) => x.crossCheck === 'agree'));
      const prefix = { mainnet: 'bc1q', testnet: 'tb1q', regtest: 'bcrt1q' }[network];
      assert.ok(r.every((x) => x.address!.startsWith(prefix)), network);
      assert.equal(new Set(r.map((x) => x.address)).size, 10);
    }
    const sh = deriveAddresses(`sh(wsh(sortedmulti(2,${key(a)},${key(b)})))`, { count: 2 });
    assert.ok(sh.every((x) => x.address!.startsWith('3') && x.crossCheck === 'agree'));
    const tr = deriveAddresses(`tr(${key(a)},{sortedmulti_a(2,${key(b)},${key(c)}),pk(${key(c)})})`, { network: 'testnet', count: 3 });
    assert.ok(tr.every((x) => x.address!.startsWith('tb1p') && x.crossCheck === 'agree'));
  });
  it('sortedmulti ignores key order; multi does not', () => {
    const s1 = deriveAddresses(`wsh(sortedmulti(2,${key(a)},${key(b)}))`)[0]!.address;
    const s2 = deriveAddresses(`wsh(sortedmulti(2,${key(b)},${key(a)}))`)[0]!.address;
    const m2 = deriveAddresses(`wsh(multi(2,${key(b)},${key(a)}))`)[0]!.address;
    const m1 = deriveAddresses(`wsh(multi(2,${key(a)},${key(b)}))`)[0]!.address;
    assert.equal(s1, s2);
    assert.notEqual(m1, m2);
  });
  it('hardened step from an xpub is a DESCRIPTOR_DERIVE error', () => {
    assert.throws(() => deriveAddresses(`wpkh(${a.xpub}/1h/*)`), (e: unknown) => e instanceof WalletError && e.code === 'DESCRIPTOR_DERIVE');
  });
});

describe('walletPolicy', () => {
  it('2-of-3 wsh and tr with a key path', () => {
    const p = walletPolicy(parseDescriptor(wsh));
    assert.equal(p.keys.length, 3);
    assert.deepEqual(p.spendPaths.map((s) => [s.threshold, s.keys.length]), [[2, 3]]);
    assert.equal(canSpend(p, (k) => k !== 0), true);
    assert.equal(canSpend(p, (k) => k === 0), false);
    const t = walletPolicy(parseDescriptor(`tr(${key(a)},sortedmulti_a(2,${key(b)},${key(c)}))`));
    assert.deepEqual(t.spendPaths.map((s) => [s.label, s.threshold, s.keys]), [['key path', 1, [0]], ['script leaf 0', 2, [1, 2]]]);
  });
});

describe('caravanToDescriptor', () => {
  const config = {
    name: 'Treasury',
    addressType: 'P2WSH',
    network: 'mainnet',
    quorum: { requiredSigners: 2, totalSigners: 3 },
    extendedPublicKeys: [a, b, c].map((k, i) => ({ name: `key ${i}`, bip32Path: "m/48'/0'/0'/2'", xpub: k.xpub, xfp: k.fingerprint })),
    startingAddressIndex: 0,
  };
  it('becomes a checksummed multipath wsh(sortedmulti) deriving the same addresses', () => {
    const w = caravanToDescriptor(JSON.stringify(config));
    assert.equal(w.descriptor, `${wsh}#${descriptorChecksum(wsh)}`);
    assert.deepEqual(deriveAddresses(w.descriptor, { count: 3 }), deriveAddresses(wsh, { count: 3 }));
    assert.match(caravanToDescriptor({ ...config, addressType: 'P2SH-P2WSH' }).descriptor, /^sh\(wsh\(sortedmulti\(2,/);
  });
  it('rejects inconsistent configs with the field', () => {
    assert.throws(() => caravanToDescriptor({ ...config, quorum: { requiredSigners: 2, totalSigners: 4 } }), /totalSigners is 4/);
    assert.throws(() => caravanToDescriptor({ ...config, extendedPublicKeys: [{ xpub: 'ypub123' }] }), (e: unknown) => e instanceof WalletError && e.code === 'CARAVAN_INVALID' && e.describe().includes('extendedPublicKeys.0.xpub'));
  });
});

describe('addressToScript (addr() descriptors, whitelists)', () => {
  it('decodes the BIP 173 and BIP 350 example addresses to their scriptPubKeys', async () => {
    const { addressToScript } = await import('./derive.js');
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    // BIP 173: P2WPKH of the generator point's key; BIP 350: a v1 (taproot) address.
    assert.equal(hex(addressToScript('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'mainnet', 0)), '0014751e76e8199196d454941c45d1b3a323f1433bd6');
    assert.equal(hex(addressToScript('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'mainnet', 0)), '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    assert.throws(() => addressToScript('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'mainnet', 7), /not a mainnet address/, 'a bad checksum');
    assert.throws(() => addressToScript('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'mainnet', 0), /not a mainnet address/, 'another network');
  });
});
