/**
 * Witnesses of a log: registration (name + cosignature verifier key), accepting the cosigned
 * checkpoints they submit (only for checkpoints this log really signed), and their status (last
 * cosigned size, how far behind the log they are, and since when).
 */
import type { Kysely } from 'kysely';
import { parseCheckpoint, parseWitnessVerifierKey, verifyCosignature, type WitnessVerifier } from '@keygrade/tlog';
import { DbError } from '../errors.js';
import type { Database } from '../schema.js';
import { getLog } from './logs.js';

export interface WitnessStatus {
  name: string;
  publicKey: string;
  cosignedSize: number | null;
  cosignedAt: string | null;
  /** Entries the log has beyond the witness's last cosigned checkpoint. */
  lagEntries: number | null;
  /** Seconds since the witness last cosigned. */
  lagSeconds: number | null;
  status: 'ok' | 'lagging' | 'never';
}

/** A witness is "lagging" when it is behind and has not cosigned for this long. */
export const WITNESS_LAG_SECONDS = 60;

/** The cosigned checkpoint's text and its signature lines. */
export function splitCosigned(note: string): { body: string; lines: string[] } {
  const cut = note.indexOf('\n\n');
  if (cut < 0) return { body: '', lines: [] };
  return { body: note.slice(0, cut + 1), lines: note.slice(cut + 2).split('\n').filter((l) => l.length > 0) };
}

/** Which of `witnesses` cosigned the note's checkpoint, and when (unix seconds); undefined if none did. */
export function cosignatureBy(note: string, witnesses: readonly WitnessVerifier[]): { name: string; timestamp: number } | undefined {
  const { body, lines } = splitCosigned(note);
  if (!body) return undefined;
  for (const w of witnesses) {
    for (const line of lines) {
      try {
        return { name: w.name, timestamp: verifyCosignature(body, line, w) };
      } catch {
        /* not this witness's line, or not valid */
      }
    }
  }
  return undefined;
}

export async function addWitness(k: Kysely<Database>, log: string, publicKey: string, now: Date): Promise<{ name: string }> {
  await getLog(k, log);
  const v = parseWitnessVerifierKey(publicKey);
  await k
    .insertInto('log_witness')
    .values({ log, name: v.name, public_key: publicKey, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['log', 'name']).doUpdateSet({ public_key: publicKey }))
    .execute();
  return { name: v.name };
}

/**
 * Stores a witness's cosigned checkpoint after checking that a registered witness signed it and
 * that it cosigns a checkpoint this log signed. Returns whether it was new.
 */
export async function acceptCosignature(k: Kysely<Database>, log: string, note: string, now: Date): Promise<{ witness: string; size: number; stored: boolean }> {
  const info = await getLog(k, log);
  const { body } = splitCosigned(note);
  if (body.length === 0) throw new DbError('LOG_BATCH_INVALID', 'the cosignature is not a signed note (no blank line before the signatures)');
  const cp = parseCheckpoint(body);
  if (cp.origin !== info.origin) throw new DbError('LOG_BATCH_INVALID', `the cosigned checkpoint is for "${cp.origin}", not for this log (${info.origin})`);
  const ours = await k.selectFrom('log_checkpoint').select(['root', 'note']).where('log', '=', log).where('size', '=', cp.size).executeTakeFirst();
  if (!ours || !Buffer.from(ours.root).equals(Buffer.from(cp.root)) || !ours.note.startsWith(body)) {
    throw new DbError('LOG_BATCH_INVALID', `this log never signed a checkpoint of size ${cp.size} with that root`);
  }
  const witnesses = await k.selectFrom('log_witness').selectAll().where('log', '=', log).execute();
  for (const w of witnesses) {
    const by = cosignatureBy(note, [parseWitnessVerifierKey(w.public_key)]);
    if (!by) continue;
    const time = by.timestamp;
    const res = await k
      .insertInto('log_cosignature')
      .values({ log, witness: w.name, size: cp.size, note, cosigned_at: new Date(time * 1000).toISOString(), received_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['log', 'witness', 'size']).doNothing())
      .executeTakeFirst();
    return { witness: w.name, size: cp.size, stored: Number(res.numInsertedOrUpdatedRows ?? 0) > 0 };
  }
  throw new DbError('LOG_BATCH_INVALID', 'no registered witness of this log made that cosignature');
}

export async function witnessStatus(k: Kysely<Database>, log: string, now: Date): Promise<WitnessStatus[]> {
  const head = await k.selectFrom('log_head').select(['size']).where('log', '=', log).executeTakeFirst();
  const size = Number(head?.size ?? 0);
  const witnesses = await k.selectFrom('log_witness').selectAll().where('log', '=', log).orderBy('name').execute();
  const out: WitnessStatus[] = [];
  for (const w of witnesses) {
    const last = await k.selectFrom('log_cosignature').select(['size', 'cosigned_at']).where('log', '=', log).where('witness', '=', w.name).orderBy('size', 'desc').limit(1).executeTakeFirst();
    if (!last) {
      out.push({ name: w.name, publicKey: w.public_key, cosignedSize: null, cosignedAt: null, lagEntries: size, lagSeconds: null, status: 'never' });
      continue;
    }
    const lagEntries = size - Number(last.size);
    const lagSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(last.cosigned_at)) / 1000));
    out.push({ name: w.name, publicKey: w.public_key, cosignedSize: Number(last.size), cosignedAt: last.cosigned_at, lagEntries, lagSeconds, status: lagEntries > 0 && lagSeconds > WITNESS_LAG_SECONDS ? 'lagging' : 'ok' });
  }
  return out;
}
