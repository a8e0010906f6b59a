import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashPassword, needsRehash, passwordProblems, verifyPassword } from './password.js';
import { generateRecoveryCodes, hashRecoveryCode, isRecoveryCodeShape } from './recovery-codes.js';

describe('password hashing (scrypt, PHC string)', () => {
  test('hashes with the current parameters and verifies', async () => {
    const h = await hashPassword('a long enough passphrase');
    assert.match(h, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await verifyPassword('a long enough passphrase', h), true);
    assert.equal(await verifyPassword('a long enough passphrasE', h), false);
    assert.notEqual(await hashPassword('a long enough passphrase'), h, 'fresh salt each time');
    assert.equal(needsRehash(h), false);
  });
  test('old parameters still verify and ask for a re-hash', async () => {
    const h = await hashPassword('a long enough passphrase', { ln: 12, r: 8, p: 1 });
    assert.equal(await verifyPassword('a long enough passphrase', h), true);
    assert.equal(needsRehash(h), true);
  });
  test('refuses malformed and out-of-range stored hashes', async () => {
    await assert.rejects(verifyPassword('x', '$argon2id$v=19$m=65536,t=3,p=4$abc$def'), { code: 'PASSWORD_HASH_INVALID' });
    await assert.rejects(verifyPassword('x', '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), { code: 'PASSWORD_HASH_INVALID' });
  });
  test('password policy: length, common passwords, the email', () => {
    assert.deepEqual(passwordProblems('short'), ['at least 12 characters']);
    assert.deepEqual(passwordProblems('password1234'), ['too common or too easy to guess']);
    assert.deepEqual(passwordProblems('aaaaaaaaaaaaaaa'), ['too common or too easy to guess']);
    assert.deepEqual(passwordProblems('ada.lovelace-rocks', 'ada.lovelace@example.com'), ['must not contain your email address']);
    assert.deepEqual(passwordProblems('correct horse battery staple 42'), []);
  });
});

describe('recovery codes', () => {
  test('ten distinct codes of the shape xxxxx-xxxxx; hashes ignore case and the dash', () => {
    const codes = generateRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) {
      assert.match(c, /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
      assert.ok(isRecoveryCodeShape(c));
      assert.equal(hashRecoveryCode(c.toUpperCase().replace('-', '')), hashRecoveryCode(c));
    }
    assert.equal(isRecoveryCodeShape('123456'), false);
  });
});
