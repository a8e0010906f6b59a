import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeSecret, encodeSecret, hotp, otpauthUrl, totp, totpStep, verifyTotp, type TotpAlgorithm } from './totp.js';

const read = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const rfc6238 = read('rfc6238.json') as { seeds: Record<TotpAlgorithm, string>; vectors: ({ time: number; step: string } & Record<TotpAlgorithm, string>)[] };
const rfc4226 = read('rfc4226.json') as { secret: string; hotp: string[] };
const ascii = (s: string) => new TextEncoder().encode(s);

describe('HOTP (RFC 4226 Appendix D)', () => {
  rfc4226.hotp.forEach((code, i) => test(`vector ${i}: counter ${i} → ${code}`, () => assert.equal(hotp(ascii(rfc4226.secret), i), code)));
});

describe('TOTP (RFC 6238 Appendix B)', () => {
  rfc6238.vectors.forEach((v, i) => {
    for (const alg of ['SHA1', 'SHA256', 'SHA512'] as const) {
      test(`vector ${i}: T=${v.time} ${alg} → ${v[alg]}`, () => {
        const at = new Date(v.time * 1000);
        assert.equal(totpStep(at), parseInt(v.step, 16));
        assert.equal(totp(ascii(rfc6238.seeds[alg]), at, { algorithm: alg, digits: 8 }), v[alg]);
        assert.equal(verifyTotp(ascii(rfc6238.seeds[alg]), v[alg], at, null, { algorithm: alg, digits: 8 }), parseInt(v.step, 16));
      });
    }
  });
});

describe('verifyTotp', () => {
  const key = ascii(rfc4226.secret);
  test('accepts exactly the steps T-1, T and T+1 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 2 ** 31 }), fc.integer({ min: -6, max: 6 }), (step, offset) => {
        const at = new Date(step * 30_000 + 7_000);
        const code = hotp(key, step + offset);
        const got = verifyTotp(key, code, at, null);
        // A code of another step may collide with one in the window (1 in 10^6): then it matches that step.
        if (Math.abs(offset) <= 1) return got === step + offset || (got !== null && Math.abs(got - step) <= 1);
        return got === null || hotp(key, got) === code;
      }),
    );
  });
  test('never accepts a step at or before the last used one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 2 ** 31 }), fc.integer({ min: -1, max: 1 }), (step, offset) => {
        const at = new Date(step * 30_000);
        const code = hotp(key, step + offset);
        return verifyTotp(key, code, at, step + offset) === null && verifyTotp(key, code, at, step + 1) === null;
      }),
    );
  });
  test('refuses malformed codes', () => {
    const at = new Date(1_700_000_000_000);
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456', '12345a']) assert.equal(verifyTotp(key, bad, at, null), null, bad);
  });
  test('base32 secrets round-trip and the otpauth URL carries the parameters', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 10, maxLength: 64 }), (b) => Buffer.from(decodeSecret(encodeSecret(b))).equals(Buffer.from(b))));
    assert.equal(encodeSecret(ascii('12345678901234567890')), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    const url = otpauthUrl(key, 'ada@example.com');
    assert.match(url, /^otpauth:\/\/totp\/Keygrade%3Aada%40example\.com\?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Keygrade&algorithm=SHA1&digits=6&period=30$/);
  });
});
