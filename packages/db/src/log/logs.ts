/**
 * Creating and describing logs. Each log has its own Ed25519 checkpoint key; the key name is the
 * log's origin, so `keygrade log verify --vkey` and any C2SP client can check its checkpoints.
 * The signing key is sealed with the instance master key before it reaches the database.
 */
import type { Kysely } from 'kysely';
import { emptyRoot, formatCheckpoint, generateSigner, parseSignerKey, signNote, type NoteSigner } from '@keygrade/tlog';
import type { Db } from '../connect.js';
import { DbError } from '../errors.js';
import type { Database } from '../schema.js';
import type { MasterKey } from '../secrets.js';

export const LOG_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export type LogKind = 'audit' | 'custodian' | 'registry' | 'mirror';

export interface LogInfo {
  name: string;
  origin: string;
  kind: LogKind;
  description: string;
  publicKey: string;
  nextIndex: number;
  createdAt: string;
}

function toInfo(r: Database['log']): LogInfo {
  return { name: r.name, origin: r.origin, kind: r.kind as LogKind, description: r.description, publicKey: r.public_key, nextIndex: Number(r.next_index), createdAt: r.created_at };
}

/** The origin line of a log's checkpoints: `<prefix>/log/<name>`. */
export function logOrigin(prefix: string, name: string): string {
  return `${prefix.replace(/\/+$/, '')}/log/${name}`;
}

const sealContext = (name: string) => `log-signing-key:${name}`;

/** Creates a log with a fresh key and its signed empty checkpoint (size 0), in its own transaction. */
export async function createLog(db: Db, master: MasterKey, opts: { name: string; origin: string; kind: LogKind; description?: string }, now: Date): Promise<LogInfo> {
  await db.kysely.transaction().execute((trx) => createLogIn(trx, master, opts, now));
  return getLog(db.kysely, opts.name);
}

/** Creates a log inside the caller's transaction `trx` (so the caller can audit it in the same one). */
export async function createLogIn(
  trx: Kysely<Database>,
  master: MasterKey,
  opts: { name: string; origin: string; kind: LogKind; description?: string },
  now: Date,
): Promise<LogInfo> {
  if (!LOG_NAME.test(opts.name)) throw new DbError('LOG_NAME_INVALID', `log name "${opts.name}" must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit`);
  const { skey, vkey } = generateSigner(opts.origin);
  const signer = parseSignerKey(skey);
  const at = now.toISOString();
  const root = emptyRoot();
  const note = signNote(formatCheckpoint({ origin: opts.origin, size: 0, root }), [signer]);
  {
    const exists = await trx.selectFrom('log').select('name').where((eb) => eb.or([eb('name', '=', opts.name), eb('origin', '=', opts.origin)])).executeTakeFirst();
    if (exists) throw new DbError('LOG_EXISTS', `a log named "${opts.name}" (or with origin ${opts.origin}) already exists`);
    await trx
      .insertInto('log')
      .values({ name: opts.name, origin: opts.origin, kind: opts.kind, description: opts.description ?? '', next_index: 0, public_key: vkey, signing_key: master.seal(new TextEncoder().encode(skey), sealContext(opts.name)), created_at: at })
      .execute();
    await trx.insertInto('log_head').values({ log: opts.name, size: 0, root, checkpoint: note, updated_at: at }).execute();
    await trx.insertInto('log_checkpoint').values({ log: opts.name, size: 0, root, note, created_at: at }).execute();
  }
  return getLog(trx, opts.name);
}

/** Creates the log when it is missing; returns it either way. */
export async function ensureLog(db: Db, master: MasterKey, opts: { name: string; origin: string; kind: LogKind; description?: string }, now: Date): Promise<LogInfo> {
  const found = await findLog(db.kysely, opts.name);
  if (found) return found;
  try {
    return await createLog(db, master, opts, now);
  } catch (e) {
    // Another process may have created it at the same moment.
    const again = await findLog(db.kysely, opts.name);
    if (again) return again;
    throw e;
  }
}

export async function findLog(k: Kysely<Database>, name: string): Promise<LogInfo | undefined> {
  const r = await k.selectFrom('log').selectAll().where('name', '=', name).executeTakeFirst();
  return r ? toInfo(r) : undefined;
}

export async function getLog(k: Kysely<Database>, name: string): Promise<LogInfo> {
  const log = await findLog(k, name);
  if (!log) throw new DbError('LOG_UNKNOWN', `there is no log named "${name}"`);
  return log;
}

export async function listLogs(k: Kysely<Database>): Promise<LogInfo[]> {
  return (await k.selectFrom('log').selectAll().orderBy('name').execute()).map(toInfo);
}

/** The log's checkpoint signer, unsealed with the master key. Never log or return it. */
export async function logSigner(k: Kysely<Database>, master: MasterKey, name: string): Promise<NoteSigner> {
  const r = await k.selectFrom('log').select(['signing_key']).where('name', '=', name).executeTakeFirst();
  if (!r) throw new DbError('LOG_UNKNOWN', `there is no log named "${name}"`);
  return parseSignerKey(new TextDecoder().decode(master.open(r.signing_key, sealContext(name))));
}
