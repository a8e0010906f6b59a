/**
 * Monitoring rules on log entries (CCSS v9 2.02.3): alerts when a pattern shows up. Three kinds:
 * - burst:          at least `threshold` matching entries within `windowSeconds` (e.g. failed sign-ins);
 * - outside-hours:  a matching entry whose time falls outside permitted hours and weekdays (e.g. key usage at night);
 * - heartbeat-gap:  no matching entry for longer than `maxGapSeconds` (e.g. a silent system).
 * Rules match on top-level fields of the entry's JSON (`type`, `action`, `actor`, `result`, …);
 * a value ending in `*` matches by prefix. The monitor reads each log once, from a cursor, so it
 * scales with new entries only; alerts are stored (for the UI) and handed to a notifier (webhook).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { DbError } from '../errors.js';
import type { Database } from '../schema.js';

const Match = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'match needs at least one field');
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM (24 h)');

export const RuleDefinition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('burst'), match: Match, threshold: z.number().int().min(2).max(1_000_000), windowSeconds: z.number().int().min(1).max(86_400 * 7) }).strict(),
  z
    .object({
      kind: z.literal('outside-hours'),
      match: Match,
      from: HHMM,
      to: HHMM,
      /** ISO weekdays when the activity is permitted: 1 = Monday … 7 = Sunday (default all). */
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
      /** Minutes east of UTC of the permitted hours (default 0 = UTC). */
      utcOffsetMinutes: z.number().int().min(-720).max(840).default(0),
    })
    .strict(),
  z.object({ kind: z.literal('heartbeat-gap'), match: Match, maxGapSeconds: z.number().int().min(1).max(86_400 * 30) }).strict(),
]);
export type RuleDefinition = z.infer<typeof RuleDefinition>;

export interface Rule {
  id: string;
  log: string;
  name: string;
  definition: RuleDefinition;
  enabled: boolean;
}

export interface Alert {
  id: number;
  ruleId: string;
  log: string;
  raisedAt: string;
  message: string;
  firstIndex: number | null;
  lastIndex: number | null;
  acknowledgedAt: string | null;
}

export function parseRule(input: unknown): RuleDefinition {
  const r = RuleDefinition.safeParse(input, { reportInput: true });
  if (!r.success) {
    throw new DbError('LOG_BATCH_INVALID', 'the monitoring rule is not valid', { problems: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  return r.data;
}

export async function addRule(k: Kysely<Database>, log: string, name: string, definition: unknown, now: Date): Promise<Rule> {
  const def = parseRule(definition);
  const exists = await k.selectFrom('log').select('name').where('name', '=', log).executeTakeFirst();
  if (!exists) throw new DbError('LOG_UNKNOWN', `there is no log named "${log}"`);
  const id = randomUUID();
  await k.insertInto('alert_rule').values({ id, log, name, definition: JSON.stringify(def), enabled: 1, created_at: now.toISOString() }).execute();
  return { id, log, name, definition: def, enabled: true };
}

export async function listRules(k: Kysely<Database>, log?: string): Promise<Rule[]> {
  let q = k.selectFrom('alert_rule').selectAll();
  if (log !== undefined) q = q.where('log', '=', log);
  return (await q.orderBy('created_at').execute()).map((r) => ({ id: r.id, log: r.log, name: r.name, definition: JSON.parse(r.definition) as RuleDefinition, enabled: r.enabled === 1 }));
}

export async function listAlerts(k: Kysely<Database>, log?: string, limit = 100): Promise<Alert[]> {
  let q = k.selectFrom('alert').selectAll();
  if (log !== undefined) q = q.where('log', '=', log);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), ruleId: r.rule_id, log: r.log, raisedAt: r.raised_at, message: r.message, firstIndex: r.first_index === null ? null : Number(r.first_index), lastIndex: r.last_index === null ? null : Number(r.last_index), acknowledgedAt: r.acknowledged_at }));
}

/** Marks an alert as seen; false when there is no such alert or it was acknowledged already. */
export async function acknowledgeAlert(k: Kysely<Database>, id: number, now: Date): Promise<boolean> {
  const r = await k.updateTable('alert').set({ acknowledged_at: now.toISOString() }).where('id', '=', id).where('acknowledged_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

function matches(entry: Record<string, unknown>, match: Record<string, string>): boolean {
  return Object.entries(match).every(([k, want]) => {
    const v = entry[k];
    if (typeof v !== 'string') return false;
    return want.endsWith('*') ? v.startsWith(want.slice(0, -1)) : v === want;
  });
}

function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Is `ts` outside the permitted window? Windows may cross midnight (from 22:00 to 06:00). */
export function outsideHours(ts: Date, rule: Extract<RuleDefinition, { kind: 'outside-hours' }>): boolean {
  const local = new Date(ts.getTime() + rule.utcOffsetMinutes * 60_000);
  const day = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  if (rule.days && !rule.days.includes(day)) return true;
  const t = local.getUTCHours() * 60 + local.getUTCMinutes();
  const from = minutesOfDay(rule.from);
  const to = minutesOfDay(rule.to);
  const inside = from <= to ? t >= from && t < to : t >= from || t < to;
  return !inside;
}

export type Notifier = (alert: Alert & { ruleName: string }) => void | Promise<void>;

interface RuleState {
  recent: { index: number; t: number }[];
  lastSeen: number | null;
  gapAlerted: boolean;
  burstAlertedUntil: number;
}

/** Evaluates the rules of every log on new entries; call `run()` periodically (the server does every second). */
export class Monitor {
  readonly #k: Kysely<Database>;
  readonly #notify: Notifier | undefined;
  readonly #state = new Map<string, RuleState>();
  readonly #started: number;

  constructor(k: Kysely<Database>, opts: { notify?: Notifier; now?: Date } = {}) {
    this.#k = k;
    this.#notify = opts.notify;
    this.#started = (opts.now ?? new Date()).getTime();
  }

  #st(id: string): RuleState {
    let s = this.#state.get(id);
    if (!s) this.#state.set(id, (s = { recent: [], lastSeen: null, gapAlerted: false, burstAlertedUntil: -Infinity }));
    return s;
  }

  async #raise(rule: Rule, now: Date, message: string, first: number | null, last: number | null): Promise<void> {
    const row = await this.#k
      .insertInto('alert')
      .values({ rule_id: rule.id, log: rule.log, raised_at: now.toISOString(), message, first_index: first, last_index: last, acknowledged_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.#notify?.({ id: Number(row.id), ruleId: rule.id, ruleName: rule.name, log: rule.log, raisedAt: now.toISOString(), message, firstIndex: first, lastIndex: last, acknowledgedAt: null });
  }

  /** Reads entries appended since the last run and evaluates every enabled rule. Returns the number of alerts raised. */
  async run(now: Date): Promise<number> {
    const rules = (await listRules(this.#k)).filter((r) => r.enabled);
    const byLog = new Map<string, Rule[]>();
    for (const r of rules) byLog.set(r.log, [...(byLog.get(r.log) ?? []), r]);
    let raised = 0;
    for (const [log, logRules] of byLog) {
      const cursor = await this.#k.selectFrom('monitor_cursor').select('next_index').where('log', '=', log).executeTakeFirst();
      let next = Number(cursor?.next_index ?? 0);
      for (;;) {
        const rows = await this.#k.selectFrom('log_entry').select(['idx', 'data', 'received_at']).where('log', '=', log).where('idx', '>=', next).orderBy('idx').limit(5000).execute();
        for (const row of rows) {
          let entry: Record<string, unknown>;
          try {
            entry = JSON.parse(Buffer.from(row.data).toString('utf8')) as Record<string, unknown>;
          } catch {
            continue;
          }
          const idx = Number(row.idx);
          const t = Date.parse(typeof entry.ts === 'string' ? entry.ts : row.received_at);
          for (const rule of logRules) {
            const d = rule.definition;
            if (!matches(entry, d.match)) continue;
            const s = this.#st(rule.id);
            s.lastSeen = Math.max(s.lastSeen ?? t, t);
            s.gapAlerted = false;
            if (d.kind === 'outside-hours' && outsideHours(new Date(t), d)) {
              await this.#raise(rule, now, `${rule.name}: entry ${idx} at ${new Date(t).toISOString()} is outside the permitted hours ${d.from}-${d.to}${d.days ? ` on days ${d.days.join(',')}` : ''}`, idx, idx);
              raised++;
            }
            if (d.kind === 'burst') {
              s.recent.push({ index: idx, t });
              const since = t - d.windowSeconds * 1000;
              while (s.recent.length > 0 && s.recent[0]!.t < since) s.recent.shift();
              if (s.recent.length >= d.threshold && t > s.burstAlertedUntil) {
                await this.#raise(rule, now, `${rule.name}: ${s.recent.length} matching entries within ${d.windowSeconds} s (threshold ${d.threshold})`, s.recent[0]!.index, idx);
                s.burstAlertedUntil = t + d.windowSeconds * 1000;
                raised++;
              }
            }
          }
        }
        if (rows.length > 0) {
          next = Number(rows.at(-1)!.idx) + 1;
          await this.#k.insertInto('monitor_cursor').values({ log, next_index: next }).onConflict((oc) => oc.column('log').doUpdateSet({ next_index: next })).execute();
        }
        if (rows.length < 5000) break;
      }
      for (const rule of logRules) {
        const d = rule.definition;
        if (d.kind !== 'heartbeat-gap') continue;
        const s = this.#st(rule.id);
        const last = s.lastSeen ?? this.#started;
        if (!s.gapAlerted && now.getTime() - last > d.maxGapSeconds * 1000) {
          await this.#raise(rule, now, `${rule.name}: no matching entry for ${Math.round((now.getTime() - last) / 1000)} s (allowed ${d.maxGapSeconds} s)`, null, null);
          s.gapAlerted = true;
          raised++;
        }
      }
    }
    return raised;
  }
}
