/**
 * The instance master key and sealing of secrets stored in the database (log signing keys).
 * Secrets are sealed with AES-256-GCM; the associated data binds each sealed value to what it
 * is (e.g. "log-signing-key:audit"), so a sealed value cannot be moved to another row.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DbError } from './errors.js';

const VERSION = 1;

/** A 32-byte key that seals secrets at rest. Keep it out of the database and out of backups of it. */
export class MasterKey {
  readonly #key: Uint8Array;
  private constructor(key: Uint8Array) {
    this.#key = key;
  }

  /** From 32 bytes given as 64 hex digits or base64. */
  static fromString(text: string, where = 'master key'): MasterKey {
    const t = text.trim();
    const bytes = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
    if (bytes.length !== 32) throw new DbError('DB_SECRET_INVALID', `${where}: expected 32 bytes as 64 hex digits or base64, got ${bytes.length} bytes`);
    return new MasterKey(new Uint8Array(bytes));
  }

  static generate(): MasterKey {
    return new MasterKey(new Uint8Array(randomBytes(32)));
  }

  /** Reads the key file, creating it (mode 0600) with a fresh key when it does not exist. */
  static fromFile(path: string): MasterKey {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Buffer.from(randomBytes(32)).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    }
    chmodSync(path, 0o600);
    return MasterKey.fromString(readFileSync(path, 'utf8'), path);
  }

  seal(plaintext: Uint8Array, context: string): Uint8Array {
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, nonce);
    c.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([c.update(plaintext), c.final()]);
    return new Uint8Array(Buffer.concat([Buffer.of(VERSION), nonce, body, c.getAuthTag()]));
  }

  open(sealed: Uint8Array, context: string): Uint8Array {
    const b = Buffer.from(sealed);
    if (b.length < 1 + 12 + 16 || b[0] !== VERSION) throw new DbError('DB_SECRET_INVALID', `sealed ${context} has an unknown format`);
    const d = createDecipheriv('aes-256-gcm', this.#key, b.subarray(1, 13));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(b.subarray(b.length - 16));
    try {
      return new Uint8Array(Buffer.concat([d.update(b.subarray(13, b.length - 16)), d.final()]));
    } catch {
      throw new DbError('DB_SECRET_INVALID', `cannot open the sealed ${context}: wrong master key, or the value was altered`);
    }
  }
}
