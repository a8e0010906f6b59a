/**
 * The spend policy file (YAML): destination whitelist, per-transaction and rolling-window limits,
 * approver quorums, a time window and fee limits. The YAML is read with the failsafe schema, so
 * every scalar arrives as the text the author wrote and amounts are parsed exactly (no floats);
 * zod validates the shape and every problem is reported as `file:line: field.path: message`.
 * Format reference: docs/guide/spend-policy.md.
 */
import type { Problem } from '@keygrade/errors';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { toHex } from '../bytes.js';
import { KeyDeriver, outputScript, type Network } from '../descriptor/derive.js';
import { isRanged } from '../descriptor/addresses.js';
import { parseDescriptor, pickNode } from '../descriptor/parse.js';
import { WalletError } from '../errors.js';
import { addressScript } from './address.js';
import { parseAmount, parseDecimal } from './amount.js';
import { PsbtError } from './errors.js';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** Default number of child indices derived per whitelisted descriptor (and per multipath branch). */
export const DEFAULT_WHITELIST_RANGE = 1000;
const MAX_WHITELIST_RANGE = 100_000;
/** Child indices derived for all whitelisted descriptors together, at most, unless the caller sets another bound. */
export const MAX_WHITELIST_INDICES = 1_000_000;

const text = z.string({ error: 'must be text' });
const amount = text.transform((s, ctx) => {
  const r = parseAmount(s, 'btc');
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  }
  return r.sats;
});
const count = (min: number, max: number) =>
  text.transform((s, ctx) => {
    if (!/^\d{1,7}$/.test(s) || Number(s) < min || Number(s) > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return Number(s);
  });
const decimal = (what: string) =>
  text.transform((s, ctx) => {
    const d = parseDecimal(s);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: `must be a non-negative decimal number (${what})` });
      return z.NEVER;
    }
    return d;
  });
const duration = text.transform((s, ctx) => {
  const m = /^(\d{1,5})\s*(m|min|h|d)$/.exec(s);
  if (!m || Number(m[1]) === 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30m, 24h or 7d' });
    return z.NEVER;
  }
  return { text: s, ms: Number(m[1]) * (m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000) };
});
const hhmm = (s: string) => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s) ?? (s === '24:00' ? ['', '24', '00'] : null);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
};

const WhitelistEntry = z
  .object({
    label: text.min(1),
    address: text.optional(),
    descriptor: text.optional(),
    range: count(1, MAX_WHITELIST_RANGE).optional(),
  })
  .strict()
  .refine((e) => (e.address === undefined) !== (e.descriptor === undefined), { message: 'give exactly one of address or descriptor' });

const Schema = z
  .object({
    version: z.literal('1', { error: 'must be 1' }),
    network: z.enum(['mainnet', 'testnet', 'regtest']).default('mainnet'),
    whitelist: z.array(WhitelistEntry).default([]),
    limits: z
      .object({
        BTC: z
          .object({
            per_transaction: amount.optional(),
            rolling: z.array(z.object({ window: duration, max: amount }).strict()).default([]),
          })
          .strict(),
      })
      .strict()
      .optional(),
    approvals: z
      .object({
        approvers: z
          .array(
            z
              .object({
                name: text.regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits or . _ @ -'),
                fingerprint: text.regex(/^[0-9a-fA-F]{8}$/, 'must be a master key fingerprint (8 hex digits)').transform((s) => s.toLowerCase()).optional(),
                xpub: text.regex(/^[xt]pub[1-9A-HJ-NP-Za-km-z]{100,112}$/, 'must be an xpub or tpub').optional(),
              })
              .strict(),
          )
          .min(1),
        rules: z.array(z.object({ above: amount, require: count(1, 100), of: z.array(text).min(1) }).strict()).min(1),
      })
      .strict()
      .optional(),
    time_window: z
      .object({
        timezone: text.default('UTC'),
        days: z.array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` })).min(1).default([...WEEKDAYS]),
        hours: text.default('00:00-24:00'),
      })
      .strict()
      .optional(),
    fees: z
      .object({
        max_absolute: amount.optional(),
        max_feerate: decimal('sat/vB').optional(),
        max_percent: decimal('percent of the amount sent').optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A whitelisted destination with the output scripts it stands for (hex). */
export interface WhitelistDestination {
  label: string;
  kind: 'address' | 'descriptor';
  text: string;
  scripts: Set<string>;
}

export interface Approver {
  name: string;
  fingerprint: string | undefined;
  xpub: string | undefined;
}

export interface ApprovalRule {
  above: bigint;
  require: number;
  of: string[];
}

export interface SpendPolicy {
  network: Network;
  whitelist: WhitelistDestination[];
  perTransaction: bigint | undefined;
  rolling: { window: string; ms: number; max: bigint }[];
  approvers: Approver[];
  approvalRules: ApprovalRule[];
  timeWindow: { timezone: string; days: Set<number>; from: number; to: number; text: string } | undefined;
  fees: { maxAbsolute: bigint | undefined; maxFeerate: { num: bigint; den: bigint } | undefined; maxPercent: { num: bigint; den: bigint } | undefined } | undefined;
}

function fail(file: string, problems: Problem[]): never {
  throw new PsbtError('SPEND_POLICY_INVALID', `${file}: the spend policy does not validate (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
}

/** Options of {@link parseSpendPolicy}. */
export interface SpendPolicyOptions {
  /**
   * Addresses the whitelisted descriptors may ask for in all: each its `range` (default 1,000)
   * times its multipath branches (`<0;1>` derives the range twice). Default {@link MAX_WHITELIST_INDICES}.
   * Checked on the parsed entries, before any address is derived.
   */
  maxWhitelistIndices?: number;
  /** Appended to the message when that bound is passed (say where the bound comes from and what to do). */
  boundHint?: string;
}

/**
 * Parses and validates a spend policy. `file` only names the source in errors.
 * @example parseSpendPolicy('version: 1\nlimits:\n  BTC:\n    per_transaction: "1.5"\n', 'policy.yaml')
 */
export function parseSpendPolicy(textIn: string, file: string, options: SpendPolicyOptions = {}): SpendPolicy {
  const lc = new LineCounter();
  const doc = parseDocument(textIn, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, schema: 'failsafe' });
  if (doc.errors.length > 0) fail(file, doc.errors.map((e) => ({ file, line: lc.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! })));
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const problem = (path: (string | number)[], message: string): Problem => {
    const line = lineOf(path);
    return { file, ...(line !== undefined ? { line } : {}), path: path.join('.'), message };
  };
  const r = Schema.safeParse(doc.toJS() ?? {});
  if (!r.success) fail(file, r.error.issues.map((i) => problem(i.path.filter((p): p is string | number => typeof p !== 'symbol'), i.message)));
  const p = r.data;
  const problems: Problem[] = [];
  const network = p.network;
  // Deriving costs about as much per index as a signature check: bound the work before doing it.
  const bound = options.maxWhitelistIndices ?? MAX_WHITELIST_INDICES;
  const indices = p.whitelist.reduce((n, e) => n + (e.descriptor === undefined ? 0 : (e.range ?? DEFAULT_WHITELIST_RANGE) * multipathBranches(e.descriptor)), 0);
  if (indices > bound) fail(file, [problem(['whitelist'], `the descriptors ask for ${indices} derived addresses in all; at most ${bound} are checked${options.boundHint ? ` ${options.boundHint}` : ''}; lower their range`)]);

  const whitelist: WhitelistDestination[] = [];
  p.whitelist.forEach((e, i) => {
    try {
      if (e.address !== undefined) {
        const script = addressScript(e.address, network);
        if (script) whitelist.push({ label: e.label, kind: 'address', text: e.address, scripts: new Set([toHex(script)]) });
        else problems.push(problem(['whitelist', i, 'address'], `${JSON.stringify(e.address)} is not a ${network} address`));
      } else whitelist.push({ label: e.label, kind: 'descriptor', text: e.descriptor!, scripts: descriptorScripts(e.descriptor!, e.range ?? DEFAULT_WHITELIST_RANGE, network) });
    } catch (err) {
      if (!(err instanceof WalletError)) throw err;
      problems.push(problem(['whitelist', i, e.address !== undefined ? 'address' : 'descriptor'], err.message.replace(/ \(at position 1\)$/, '')));
    }
  });

  const approvers: Approver[] = (p.approvals?.approvers ?? []).map((a) => ({ name: a.name, fingerprint: a.fingerprint, xpub: a.xpub }));
  const names = new Set<string>();
  approvers.forEach((a, i) => {
    if (names.has(a.name)) problems.push(problem(['approvals', 'approvers', i, 'name'], `duplicate approver ${JSON.stringify(a.name)}`));
    names.add(a.name);
  });
  (p.approvals?.rules ?? []).forEach((rule, i) => {
    rule.of.forEach((n, j) => {
      if (!names.has(n)) problems.push(problem(['approvals', 'rules', i, 'of', j], `unknown approver ${JSON.stringify(n)} (list it under approvals.approvers)`));
    });
    if (new Set(rule.of).size !== rule.of.length) problems.push(problem(['approvals', 'rules', i, 'of'], 'names an approver twice'));
    if (rule.require > rule.of.length) problems.push(problem(['approvals', 'rules', i, 'require'], `requires ${rule.require} approvers but names only ${rule.of.length}`));
  });

  let timeWindow: SpendPolicy['timeWindow'];
  if (p.time_window) {
    const tw = p.time_window;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tw.timezone });
    } catch {
      problems.push(problem(['time_window', 'timezone'], `unknown time zone ${JSON.stringify(tw.timezone)} (use an IANA name such as Europe/Zurich, or UTC)`));
    }
    const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(tw.hours);
    const from = m ? hhmm(m[1]!) : undefined;
    const to = m ? hhmm(m[2]!) : undefined;
    if (from === undefined || to === undefined || from === to || from === 1440) problems.push(problem(['time_window', 'hours'], 'must be a range such as 08:00-18:00 (24-hour clock; 22:00-06:00 spans midnight)'));
    else timeWindow = { timezone: tw.timezone, days: new Set(tw.days.map((d) => WEEKDAYS.indexOf(d))), from, to, text: `${tw.days.join(',')} ${tw.hours} ${tw.timezone}` };
  }
  if (problems.length > 0) fail(file, problems);
  return {
    network,
    whitelist,
    perTransaction: p.limits?.BTC.per_transaction,
    rolling: (p.limits?.BTC.rolling ?? []).map((w) => ({ window: w.window.text, ms: w.window.ms, max: w.max })),
    approvers,
    approvalRules: (p.approvals?.rules ?? []).map((x) => ({ above: x.above, require: x.require, of: x.of })),
    timeWindow,
    fees: p.fees ? { maxAbsolute: p.fees.max_absolute, maxFeerate: p.fees.max_feerate, maxPercent: p.fees.max_percent } : undefined,
  };
}

/**
 * How many branches a descriptor derives on (BIP 389): the most elements of any `<a;b;…>` group,
 * 1 without one. Read from the text before parsing, so the bound holds for any descriptor;
 * a malformed group still counts (the parse then refuses the descriptor).
 */
export function multipathBranches(descriptor: string): number {
  let most = 1;
  for (const m of descriptor.matchAll(/<([^<>]*)>/g)) most = Math.max(most, m[1]!.split(';').length);
  return most;
}

/** Every output script of a descriptor over `range` indices of each multipath branch. */
function descriptorScripts(textIn: string, range: number, network: Network): Set<string> {
  const d = parseDescriptor(textIn);
  const out = new Set<string>();
  const count = isRanged(d) ? range : 1;
  for (let b = 0; b < d.paths; b++) {
    const node = pickNode(d.root, b);
    const deriver = new KeyDeriver();
    for (let i = 0; i < count; i++) out.add(toHex(outputScript(node, deriver, i, network)));
  }
  return out;
}

/** Whether `at` falls inside the time window (weekday and minute of day in its time zone). */
export function inTimeWindow(w: NonNullable<SpendPolicy['timeWindow']>, at: Date): { ok: boolean; local: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: w.timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  const day = WEEKDAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]);
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  // A window that spans midnight (22:00-06:00) belongs to the day it starts on.
  const inHours = w.from < w.to ? minute >= w.from && minute < w.to : minute >= w.from || minute < w.to;
  const startDay = w.from > w.to && minute < w.to ? (day + 6) % 7 : day;
  return { ok: inHours && w.days.has(startDay), local: `${get('weekday')} ${get('hour')}:${get('minute')} ${w.timezone}` };
}
