/**
 * Password hashing with scrypt (RFC 7914) from node:crypto, stored as a PHC-style string
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64 without padding) so the cost can be raised later:
 * `needsRehash` tells the login path to re-hash with the current parameters.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AccountError } from './errors.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** Current cost: N = 2^15, r = 8, p = 1 (OWASP's scrypt minimum is N=2^17 with r=8,p=1 or equivalent memory; 2^15 keeps login under ~100 ms on 2 cores). */
export const SCRYPT_PARAMS = { ln: 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;
const SALT_LEN = 16;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

interface Params {
  ln: number;
  r: number;
  p: number;
}

function scrypt(password: string, salt: Uint8Array, prm: Params, len: number): Promise<Buffer> {
  const N = 2 ** prm.ln;
  const opts: ScryptOptions = { N, r: prm.r, p: prm.p, maxmem: 256 * N * prm.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, len, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64').replace(/=+$/, '');

/** Hashes a password with a fresh salt. */
export async function hashPassword(password: string, params: Params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await scrypt(password, salt, params, KEY_LEN);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;

function parse(stored: string): { params: Params; salt: Buffer; key: Buffer } {
  const m = PHC.exec(stored);
  if (!m) throw new AccountError('PASSWORD_HASH_INVALID', 'the stored password hash has an unknown format');
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds on the stored parameters: a tampered row must not make the server allocate gigabytes.
  if (params.ln < 10 || params.ln > 22 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) throw new AccountError('PASSWORD_HASH_INVALID', 'the stored password hash has out-of-range parameters');
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/** True when `password` matches the stored hash (constant-time comparison of the derived keys). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parse(stored);
  const got = await scrypt(password, salt, params, key.length);
  return got.length === key.length && timingSafeEqual(got, key);
}

/** True when the stored hash uses weaker parameters than the current ones. */
export function needsRehash(stored: string): boolean {
  const { params } = parse(stored);
  return params.ln < SCRYPT_PARAMS.ln || params.r < SCRYPT_PARAMS.r || params.p < SCRYPT_PARAMS.p;
}

let dummy: Promise<string> | undefined;
/** A hash of a random password, checked for unknown emails so a login takes the same time either way. */
export function dummyPasswordHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}

/** Problems with a new password (empty when it is acceptable): length, common passwords, the email itself. */
export function passwordProblems(password: string, email?: string): string[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push(`at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1*$/.test(password) || /^(0123456789|1234567890|abcdefghij|qwertyuiop)/.test(lower)) problems.push('too common or too easy to guess');
  if (email && lower.includes(email.toLowerCase().split('@')[0]!) && email.split('@')[0]!.length >= 4) problems.push('must not contain your email address');
  return problems;
}

/** Throws PASSWORD_WEAK naming what is wrong. */
export function assertPasswordAcceptable(password: string, email: string | undefined, path = 'password'): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) throw new AccountError('PASSWORD_WEAK', `the password is not acceptable: ${problems.join('; ')}`, { problems: problems.map((message) => ({ path, message })) });
}
