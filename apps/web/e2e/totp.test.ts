// The suite's own TOTP generator against the RFC 6238 Appendix B vectors (SHA-1, 8 digits) and
// the RFC 4226 Appendix D HOTP values, so the MFA steps of the browser suite rest on a checked base.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, hotp, totp } from './harness.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const SEED_B32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC6238 = [
  { t: 59, code: '94287082' },
  { t: 1111111109, code: '07081804' },
  { t: 1111111111, code: '14050471' },
  { t: 1234567890, code: '89005924' },
  { t: 2000000000, code: '69279037' },
  { t: 20000000000, code: '65353130' },
];
RFC6238.forEach((v, i) => {
  test(`RFC 6238 vector ${i} (T=${v.t})`, () => {
    assert.equal(totp(SEED_B32, v.t * 1000, 8), v.code);
  });
});

// RFC 4226 Appendix D: HOTP values for counters 0..9 with the same seed.
const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
RFC4226.forEach((code, counter) => {
  test(`RFC 4226 vector ${counter}`, () => {
    assert.equal(hotp(new TextEncoder().encode('12345678901234567890'), counter), code);
  });
});

test('base32 decodes the RFC 4648 §10 vectors', () => {
  const d = (s: string) => new TextDecoder().decode(base32Decode(s));
  assert.equal(d('MZXW6YTBOI======'), 'foobar');
  assert.equal(d('MY======'), 'f');
  assert.throws(() => base32Decode('0'));
});
