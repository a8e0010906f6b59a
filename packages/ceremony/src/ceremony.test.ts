import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCards } from '@keygrade/randomness';
import { accountPath, parseMnemonic, publicKeyOf, wif } from './bip.js';
import { fromHex, toHex, utf8 } from './bytes.js';
import { runCeremony } from './ceremony.js';
import { commitSource, diceData, glacierKey, keygradeCombine, keygradeEntropyInput } from './constructions.js';
import { CeremonyError } from './errors.js';
import { checkMnemonic, checkSourceOpening } from './rederive.js';
import { baseInputs, CEREMONY_ID, DICE_100, fakeRandom, unsignedTranscript } from './test-fixtures.js';

const code = (c: string) => (e: unknown) => e instanceof CeremonyError && e.code === c;

describe('keygrade construction (HMAC_DRBG over all sources)', () => {
  it('encodes each source as u32be(len kind)||kind||u32be(len data)||data, in order', () => {
    const e = keygradeEntropyInput([{ kind: 'os', data: Uint8Array.of(0xaa, 0xbb) }, { kind: 'dice', data: utf8('16') }]);
    assert.equal(toHex(e), '000000026f7300000002aabb0000000464696365000000023136');
  });
  it('is deterministic in its inputs and depends on every source, the order and the ceremony id', () => {
    const os = { kind: 'os' as const, data: fakeRandom('a')(64) };
    const dice = { kind: 'dice' as const, data: diceData(DICE_100) };
    const k = toHex(keygradeCombine([os, dice], CEREMONY_ID, 256));
    assert.equal(toHex(keygradeCombine([os, dice], CEREMONY_ID, 256)), k);
    assert.notEqual(toHex(keygradeCombine([dice, os], CEREMONY_ID, 256)), k);
    assert.notEqual(toHex(keygradeCombine([os, dice], CEREMONY_ID.replace('0b', '0c'), 256)), k);
    assert.notEqual(toHex(keygradeCombine([os, { kind: 'dice', data: diceData([...DICE_100.slice(0, 99), 1]) }], CEREMONY_ID, 256)), k);
    assert.equal(keygradeCombine([os, dice], CEREMONY_ID, 128).length, 16);
  });
  it('property: changing any one byte of any source changes the output', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 64 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (a, b, at, delta) => {
        const s = [{ kind: 'os' as const, data: a }, { kind: 'file' as const, data: b }];
        const before = toHex(keygradeCombine(s, CEREMONY_ID, 256));
        const b2 = b.slice();
        b2[at % b2.length] = (b2[at % b2.length]! + delta) & 0xff;
        return toHex(keygradeCombine([s[0]!, { kind: 'file', data: b2 }], CEREMONY_ID, 256)) !== before;
      }),
      { numRuns: 200 },
    );
  });
  it('refuses a single source', () => {
    assert.throws(() => keygradeCombine([{ kind: 'os', data: new Uint8Array(64) }], CEREMONY_ID, 256), code('CEREMONY_SOURCES'));
    assert.throws(() => runCeremony(baseInputs({ dice: undefined })), code('CEREMONY_SOURCES'));
  });
});

describe('runCeremony', () => {
  it('derives a 24-word mnemonic and BIP 48 account keys, with commitments that open', () => {
    const o = runCeremony(baseInputs({ scripts: ['p2wsh-multi', 'p2wpkh', 'p2tr'] }));
    assert.equal(o.mnemonic.split(' ').length, 24);
    assert.deepEqual(o.construction.order, ['os', 'dice']);
    assert.deepEqual(o.result.accounts.map((a) => a.path), ["m/48'/0'/0'/2'", "m/84'/0'/0'", "m/86'/0'/0'"]);
    assert.match(o.result.accounts[0]!.xpub, /^xpub/);
    assert.match(o.result.accounts[0]!.slip132!, /^Zpub/);
    assert.match(o.result.accounts[0]!.descriptorKey, new RegExp(`^\\[${o.result.masterFingerprint}/48h/0h/0h/2h\\]xpub`));
    assert.match(o.result.accounts[1]!.firstAddress!, /^bc1q/);
    const dice = o.sources.find((s) => s.kind === 'dice')!;
    assert.equal(toHex(commitSource({ kind: 'dice', data: diceData(DICE_100) }, fromHex(dice.salt))), dice.commitment);
    assert.ok(o.sources.every((s) => s.passed));
    assert.equal(o.entropySummary.creditedBits, Number((512 + 100 * Math.log2(6)).toFixed(6)));
  });
  it('testnet uses coin type 1 and tpub', () => {
    const o = runCeremony(baseInputs({ network: 'test', account: 3 }));
    assert.equal(o.result.accounts[0]!.path, "m/48'/1'/3'/2'");
    assert.match(o.result.accounts[0]!.xpub, /^tpub/);
    assert.match(o.result.accounts[0]!.slip132!, /^Vpub/);
    assert.equal(accountPath('p2sh-p2wsh-multi', 'main', 7), "m/48'/0'/7'/1'");
  });
  it('12 words in keygrade mode with --words 12', () => {
    assert.equal(runCeremony(baseInputs({ words: 12 })).mnemonic.split(' ').length, 12);
  });
  it('combines cards and a hardware file too, warning when the physical sources fall short', () => {
    const deck = parseCards('AS 2S 3S 4S 5S 6S 7S 8S 9S TS JS QS KS AH 2H 3H 4H 5H 6H 7H 8H 9H TH JH QH KH');
    const o = runCeremony(baseInputs({ dice: undefined, cards: deck, file: { bytes: fakeRandom('hw')(100), minEntropyPerByte: 1 } }));
    assert.deepEqual(o.construction.order, ['os', 'cards', 'file']);
    assert.equal(o.sources[2]!.entropyBits, 100);
    assert.match(o.warnings.join('\n'), /physical sources carry/);
  });
  it('refuses when a health test fails: a stuck OS generator, a loaded die', () => {
    assert.throws(() => runCeremony(baseInputs({ os: new Uint8Array(64) })), (e: unknown) => code('CEREMONY_HEALTH')(e) && /repetition count/.test((e as CeremonyError).describe()));
    const loaded = [...DICE_100.slice(0, 50), ...new Array<number>(50).fill(6)];
    assert.throws(() => runCeremony(baseInputs({ dice: loaded })), code('CEREMONY_HEALTH'));
  });
  it('refuses too little entropy for the key', () => {
    assert.throws(() => runCeremony(baseInputs({ mode: 'glacier', os: undefined, dice: DICE_100.slice(0, 62), file: { bytes: utf8('747b13db1e4f380bf4c2a5b204133772f817b9d2'), minEntropyPerByte: 2 } })), code('CEREMONY_ENTROPY'));
  });
  it('seedsigner mode: exactly 50 or 99 rolls, dice only, reproduces SeedSigner', () => {
    const rolls = [...'65515223131652132161133154444123616466443112153441'].map(Number);
    const o = runCeremony(baseInputs({ mode: 'seedsigner', os: undefined, dice: rolls, scripts: ['p2wpkh'] }));
    assert.equal(o.mnemonic, 'hole luggage safe present express tragic orbit shed switch metal identify path');
    assert.equal(o.result.masterFingerprint, '8d9cced8');
    assert.match(o.warnings[0]!, /single source/);
    assert.throws(() => runCeremony(baseInputs({ mode: 'seedsigner', os: undefined, dice: DICE_100 })), code('CEREMONY_DICE'));
    assert.throws(() => runCeremony(baseInputs({ mode: 'seedsigner', dice: rolls })), code('CEREMONY_SOURCES'));
  });
  it('glacier mode: SHA-256(dice) XOR SHA-256(hex text), as Glacier; its own test dice fail the RCT', () => {
    const hexText = '747b 13db 1e4f 380b f4c2 a5b2 0413 3772 f817 b9d2\n';
    const file = { bytes: utf8(hexText), minEntropyPerByte: 8 };
    const dice = DICE_100.slice(0, 62);
    const o = runCeremony(baseInputs({ mode: 'glacier', os: undefined, dice, file, network: 'test' }));
    assert.equal(toHex(o.entropy), toHex(glacierKey(dice, hexText)));
    assert.equal(o.glacierWif, wif(o.entropy, 'test'));
    assert.equal(o.result.glacierPublicKey, toHex(publicKeyOf(o.entropy)));
    assert.equal(o.mnemonic.split(' ').length, 24);
    // Glacier's golden-test dice (runs of ten equal rolls) are a fixture, not randomness: refused.
    const golden = [...'11111111112222222222333333333344444444445555555555666666666611'].map(Number);
    assert.throws(() => runCeremony(baseInputs({ mode: 'glacier', os: undefined, dice: golden, file })), code('CEREMONY_HEALTH'));
    assert.throws(() => runCeremony(baseInputs({ mode: 'glacier', os: undefined, dice, file: { bytes: utf8('747b13db1e4f380bf4c2a5b2g4133772f817b9d2'), minEntropyPerByte: 8 } })), (e: unknown) => code('CEREMONY_SOURCES')(e) && /character 25 \("g"\)/.test((e as Error).message));
  });
});

describe('re-derivation', () => {
  it('the mnemonic re-derives the transcript; a different one is named', () => {
    const t = unsignedTranscript();
    const o = runCeremony(baseInputs());
    assert.deepEqual(checkMnemonic(t.transcript, o.mnemonic.toUpperCase().replaceAll(' ', '   ')), []);
    const other = runCeremony(baseInputs({ os: fakeRandom('other')(64) })).mnemonic;
    assert.match(checkMnemonic(t.transcript, other).join('\n'), /master fingerprint/);
  });
  it('dice open their commitment; other dice do not', () => {
    const t = unsignedTranscript();
    assert.deepEqual(checkSourceOpening(t.transcript, { kind: 'dice', data: diceData(DICE_100) }), []);
    assert.equal(checkSourceOpening(t.transcript, { kind: 'dice', data: diceData([...DICE_100.slice(1), 3]) }).length, 1);
    assert.equal(checkSourceOpening(t.transcript, { kind: 'cards', data: utf8('AS') }).length, 1);
  });
  it('a mnemonic with a bad word names its position', () => {
    assert.throws(() => parseMnemonic('abandon abandon zzz'), (e: unknown) => code('CEREMONY_DERIVATION')(e) && /word 3 \("zzz"\)/.test((e as Error).message));
  });
});
