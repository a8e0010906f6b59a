/**
 * MFA recovery codes: 10 codes of 10 base32 characters (50 bits each), shown once, stored as
 * SHA-256 hashes (high-entropy values need no slow hash), each usable once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export const RECOVERY_CODE_COUNT = 10;
// Crockford's base32 alphabet (no i, l, o, u: nothing to misread when typing a code from paper).
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const SHAPE = /^[a-z0-9]{5}-?[a-z0-9]{5}$/;

/** True when the text looks like a recovery code (`xxxxx-xxxxx`), as opposed to a TOTP code. */
export function isRecoveryCodeShape(text: string): boolean {
  return SHAPE.test(text.trim().toLowerCase());
}

function normalise(code: string): string {
  return code.trim().toLowerCase().replace('-', '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalise(code), 'utf8').digest('hex');
}

/** Fresh codes `xxxxx-xxxxx`. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const b = randomBytes(10);
    const s = [...b].map((x) => ALPHABET[x & 31]).join('');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

/** Replaces the user's recovery codes with fresh ones and returns them (plain, to show once). */
export async function replaceRecoveryCodes(k: Kysely<Database>, userId: string, now: Date): Promise<string[]> {
  const codes = generateRecoveryCodes();
  await k.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
  await k
    .insertInto('recovery_code')
    .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c), created_at: now.toISOString(), used_at: null })))
    .execute();
  return codes;
}

/** Uses up a recovery code; true when it was valid and unused (a conditional update, so two concurrent uses cannot both succeed). */
export async function consumeRecoveryCode(k: Kysely<Database>, userId: string, code: string, now: Date): Promise<boolean> {
  if (!isRecoveryCodeShape(code)) return false;
  const r = await k.updateTable('recovery_code').set({ used_at: now.toISOString() }).where('user_id', '=', userId).where('code_hash', '=', hashRecoveryCode(code)).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function remainingRecoveryCodes(k: Kysely<Database>, userId: string): Promise<number> {
  const r = await k.selectFrom('recovery_code').select((e) => e.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(r.n);
}
