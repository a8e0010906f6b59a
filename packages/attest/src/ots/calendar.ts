/**
 * Stamping and upgrading, behind an interface: a calendar server (OpenTimestamps calendar
 * protocol) takes a commitment and answers with a timestamp that ends in a pending attestation;
 * later it answers with the path to a Bitcoin block. The HTTP implementation lives in
 * `../external/`; `OfflineCalendar` answers "no network" so everything here runs offline.
 *
 * Stamping a digest (as the reference client does): append a 16-byte random nonce, so the
 * calendar learns nothing about the digest, SHA-256, and submit that commitment.
 */
import { AttestError } from '../errors.js';
import { applyOp, type HashOpKind, type Op } from './ops.js';
import { type Attestation, type Branch, type Timestamp, type TimestampFile } from './timestamp.js';

/** A calendar server. */
export interface Calendar {
  readonly uri: string;
  /** Submits a commitment; resolves to the calendar's timestamp for it (usually ending in a pending attestation). */
  submit(commitment: Uint8Array): Promise<Timestamp>;
  /** Asks for the current timestamp of a pending commitment; undefined when the calendar has nothing newer. */
  upgrade(commitment: Uint8Array): Promise<Timestamp | undefined>;
}

/** A calendar that is never reached: every call fails with OTS_CALENDAR_UNAVAILABLE ("no network"). */
export class OfflineCalendar implements Calendar {
  constructor(readonly uri: string) {}

  async submit(): Promise<Timestamp> {
    throw new AttestError('OTS_CALENDAR_UNAVAILABLE', `no network: calendar ${this.uri} was not contacted`);
  }

  async upgrade(): Promise<Timestamp | undefined> {
    throw new AttestError('OTS_CALENDAR_UNAVAILABLE', `no network: calendar ${this.uri} was not contacted`);
  }
}

export const NONCE_SIZE = 16;

/**
 * A pending `.ots` for a digest: append(nonce), sha256, then one pending attestation per calendar
 * URI. It records which calendars the stamp is meant for; `submitToCalendars` replaces each
 * pending attestation with that calendar's answer.
 */
export function createPendingTimestampFile(digest: Uint8Array, options: { nonce: Uint8Array; calendars: readonly string[]; hashOp?: HashOpKind }): TimestampFile {
  if (options.nonce.length !== NONCE_SIZE) throw new AttestError('OTS_MALFORMED', `the nonce is ${NONCE_SIZE} random bytes`);
  if (options.calendars.length === 0) throw new AttestError('OTS_MALFORMED', 'name at least one calendar');
  const attestations: Branch[] = options.calendars.map((uri) => ({ kind: 'attestation', attestation: { kind: 'pending', uri } }));
  const timestamp: Timestamp = { branches: [{ kind: 'op', op: { kind: 'append', arg: options.nonce.slice() }, next: { branches: [{ kind: 'op', op: { kind: 'sha256' }, next: { branches: attestations } }] } }] };
  return { hashOp: options.hashOp ?? 'sha256', digest: digest.slice(), timestamp };
}

/** What happened to one pending attestation. */
export interface CalendarOutcome {
  readonly uri: string;
  readonly status: 'submitted' | 'upgraded' | 'still-pending' | 'unavailable' | 'no-calendar';
  readonly message?: string;
}

/** Submits each pending attestation's commitment to its calendar and grafts the answer in its place. */
export function submitToCalendars(file: TimestampFile, calendars: readonly Calendar[]): Promise<{ file: TimestampFile; outcomes: CalendarOutcome[] }> {
  return graftPending(file, calendars, async (c, commitment) => ({ stamp: await c.submit(commitment), status: 'submitted' }));
}

/**
 * Asks each pending attestation's calendar for an upgrade; an answer that reaches a Bitcoin
 * attestation replaces the pending attestation, anything else leaves it as it was.
 */
export function upgradeTimestampFile(file: TimestampFile, calendars: readonly Calendar[]): Promise<{ file: TimestampFile; outcomes: CalendarOutcome[] }> {
  return graftPending(file, calendars, async (c, commitment) => {
    const stamp = await c.upgrade(commitment);
    return stamp && hasBitcoin(stamp) ? { stamp, status: 'upgraded' } : { status: 'still-pending' };
  });
}

type Ask = (c: Calendar, commitment: Uint8Array) => Promise<{ stamp?: Timestamp; status: CalendarOutcome['status'] }>;

async function graftPending(file: TimestampFile, calendars: readonly Calendar[], ask: Ask): Promise<{ file: TimestampFile; outcomes: CalendarOutcome[] }> {
  const outcomes: CalendarOutcome[] = [];
  const walk = async (t: Timestamp, msg: Uint8Array): Promise<Timestamp> => {
    const branches: Branch[] = [];
    for (const b of t.branches) {
      if (b.kind === 'op') {
        branches.push({ ...b, next: await walk(b.next, applyOp(b.op, msg)) });
        continue;
      }
      const a: Attestation = b.attestation;
      if (a.kind !== 'pending') {
        branches.push(b);
        continue;
      }
      const calendar = calendars.find((c) => c.uri === a.uri);
      if (!calendar) {
        outcomes.push({ uri: a.uri, status: 'no-calendar', message: 'no calendar configured for this URI' });
        branches.push(b);
        continue;
      }
      try {
        const r = await ask(calendar, msg);
        outcomes.push({ uri: a.uri, status: r.status });
        if (r.stamp) branches.push(...r.stamp.branches);
        else branches.push(b);
      } catch (e) {
        if (!(e instanceof AttestError)) throw e;
        outcomes.push({ uri: a.uri, status: 'unavailable', message: e.message });
        branches.push(b);
      }
    }
    return { branches };
  };
  return { file: { ...file, timestamp: await walk(file.timestamp, file.digest) }, outcomes };
}

function hasBitcoin(t: Timestamp): boolean {
  return t.branches.some((b) => (b.kind === 'attestation' ? b.attestation.kind === 'bitcoin' : hasBitcoin(b.next)));
}

/** Operations as a chain (helper for building timestamps by hand): ops applied in order, ending in the attestations. */
export function chain(ops: readonly Op[], end: readonly Attestation[]): Timestamp {
  let t: Timestamp = { branches: end.map((attestation) => ({ kind: 'attestation', attestation })) };
  for (let i = ops.length - 1; i >= 0; i--) t = { branches: [{ kind: 'op', op: ops[i]!, next: t }] };
  return t;
}
