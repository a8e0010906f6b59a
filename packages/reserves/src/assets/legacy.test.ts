import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p2pkh } from '@scure/btc-signer';
import { fromBase64, toBase64 } from './encoding.js';
import { verifyLegacy } from './legacy.js';
import { key, pay, signLegacy } from './test-fixtures.js';

const k = key('legacy');
const MSG = 'keygrade-por-v1 test';

describe('legacy signed messages (signmessage)', () => {
  const cases = [
    ['P2PKH compressed (31-34)', pay.pkh(k).script, 4],
    ['P2PKH uncompressed (27-30)', p2pkh(secp256k1.getPublicKey(k, false)).script, 0],
    ['P2WPKH, BIP 137 (39-42)', pay.wpkh(k).script, 12],
    ['P2WPKH, Electrum style (31-34)', pay.wpkh(k).script, 4],
    ['P2SH-P2WPKH, BIP 137 (35-38)', pay.shwpkh(k).script, 8],
  ] as const;
  for (const [name, script, flag] of cases) {
    it(`${name} verifies; another message or key does not`, () => {
      assert.equal(verifyLegacy(script, MSG, signLegacy(k, MSG, flag)), undefined);
      assert.equal(verifyLegacy(script, `${MSG}!`, signLegacy(k, MSG, flag))?.code, 'BAD_SIGNATURE');
      assert.equal(verifyLegacy(script, MSG, signLegacy(key('other'), MSG, flag))?.code, 'BAD_SIGNATURE');
    });
  }

  it('refuses a header for another address type, bad lengths, and unsupported scripts', () => {
    assert.equal(verifyLegacy(pay.pkh(k).script, MSG, signLegacy(k, MSG, 12))?.code, 'WRONG_ADDRESS');
    assert.equal(verifyLegacy(pay.pkh(k).script, MSG, 'AAAA')?.code, 'BAD_ENCODING');
    assert.equal(verifyLegacy(pay.tr(k).script, MSG, signLegacy(k, MSG, 4))?.code, 'UNSUPPORTED_SCRIPT');
  });

  it('property: any bit flip in the signature fails', () => {
    const sig = fromBase64(signLegacy(k, MSG, 4))!;
    const script = pay.pkh(k).script;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sig.length * 8 - 1 }), (bit) => {
        const b = Uint8Array.from(sig);
        b[bit >> 3]! ^= 1 << (bit & 7);
        return verifyLegacy(script, MSG, toBase64(b)) !== undefined;
      }),
      { numRuns: 200 },
    );
  });
});
