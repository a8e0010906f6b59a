/**
 * Continuous compliance on the platform (issue 10): the registers of an organization (security
 * tests, sanitization, policies, people, service providers, KCP drills) with CSV/YAML import and
 * export, validity settings, evidence links, OSCAL import into an assessment, the evaluation of an
 * assessment on any day (which evidence keeps each requirement true and until when), and the monitor
 * that re-evaluates every assessment, records level changes with their reasons, writes them to the
 * audit log, notifies owners and security leads in the app and POSTs a signed webhook.
 *
 * The rules are @keygrade/compliance's; this file only loads, authorises, stores and delivers.
 * Every route is authorised on the server (`config.permission` + requireOrg); resources of another
 * organization answer 404. Every change is written with its audit-log entry in one transaction.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { indexEdition, roman, type Catalog, type LevelOrZero } from '@keygrade/catalog';
import {
  changeEvents,
  crossCheckRegisters,
  ComplianceError,
  createEvaluator,
  entryProblems,
  entryRef,
  entryValidity,
  evidenceLinkSchema,
  importOscalAssessmentResults,
  isIsoDate,
  PEOPLE_FACETS,
  GRANT_REVOKE_FACETS,
  parseRegisterFile,
  registersFromYaml,
  REGISTER_KINDS,
  resolveValidity,
  zodProblems,
  type ChangeEvent,
  type LevelEvent,
  type Evaluation,
  type EvidenceLink,
  type RegisterEntries,
  type RegisterKind,
  type ServiceProvider,
  type Registers,
  dayNumber,
  diffEntries,
} from '@keygrade/compliance';
import {
  addComplianceEvents,
  addComplianceLink,
  addNotifications,
  assessmentsToMonitor,
  audited,
  complianceEntryHistory,
  createComplianceEntry,
  deleteComplianceLink,
  deleteWebhook,
  DomainError,
  getAnswer,
  getAnswers,
  getAssessment,
  getComplianceEntry,
  getComplianceSettings,
  getComplianceState,
  getWebhook,
  levelPoints,
  linkedEvidence,
  listComplianceEntries,
  listComplianceEvents,
  listComplianceLinks,
  listNotifications,
  markNotificationsRead,
  membersWithRoles,
  putAnswer,
  putComplianceSettings,
  putComplianceState,
  putWebhook,
  recordAction,
  recordLevel,
  recordWebhookDelivery,
  retireComplianceEntry,
  updateComplianceEntry,
  type AssessmentRecord,
  type Database,
  type Db,
  type MasterKey,
} from '@keygrade/db';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../app.js';
import { BaseError } from '@keygrade/errors';
import { ApiError, requireOrg, requireUser, type Permission } from '../authz.js';
import { answersForScoring, scorecardOf } from '../domain/assessment-view.js';
import { checkProviderCertificates, toProviderCheck, type ProviderRegistryCheck } from '../domain/provider-certificates.js';
import { exportRegisters, importRegisterFiles, loadRegisters } from '../domain/register-io.js';

/** A request the routes refuse with field problems (400 INVALID_REQUEST, problems kept in the answer). */
class InvalidRequest extends BaseError<'INVALID_REQUEST'> {}

// ---- evaluation inputs -------------------------------------------------------------------------


/** The references a link may name today: active entries and, with people recorded, the people facets. */
function knownSources(regs: Registers): Set<string> {
  const out = new Set<string>();
  for (const kind of REGISTER_KINDS) for (const e of regs[kind] as { id: string }[]) if (kind !== 'people') out.add(entryRef(kind, e.id));
  if (regs.people.length > 0) for (const f of PEOPLE_FACETS) out.add(`people:${f}`);
  if (regs.grantRevoke.length > 0) for (const f of GRANT_REVOKE_FACETS) out.add(`grantRevoke:${f}`);
  return out;
}

interface Inputs {
  registers: Registers;
  links: EvidenceLink[];
  /** Links left out because their source was retired. */
  skipped: { requirement: string; source: string }[];
  validity: Record<string, unknown>;
  /** Providers whose certificate is in this instance's registry, by provider id, checked as of now. */
  registry: Map<string, ProviderRegistryCheck>;
}

/** What every assessment of one organization shares (cached across a monitor run). */
type OrgData = Pick<Inputs, 'registers' | 'validity' | 'registry'>;

/**
 * Everything an evaluation of the assessment needs besides answers: the org's registers, its
 * validity overrides, the explicit links, and the files linked to answers (a file counts until its
 * expiry date). Links to an entry that has been retired are skipped (and reported), not fatal.
 */
async function inputsFor(k: Kysely<Database>, a: Pick<AssessmentRecord, 'id' | 'orgId'>, now: Date, cache?: Map<string, Promise<OrgData>>): Promise<Inputs> {
  const orgData = async (): Promise<OrgData> => {
    const registers = await loadRegisters(k, a.orgId);
    return { registers, validity: (await getComplianceSettings(k, a.orgId)).validity, registry: await checkProviderCertificates(k, registers.providers, now) };
  };
  let org = cache?.get(a.orgId);
  if (!org) {
    org = orgData();
    cache?.set(a.orgId, org);
  }
  const { registers, validity, registry } = await org;
  const known = knownSources(registers);
  const links: EvidenceLink[] = [];
  const skipped: Inputs['skipped'] = [];
  for (const l of await listComplianceLinks(k, a.id)) {
    if (l.source !== undefined) {
      if (known.has(l.source)) links.push({ requirement: l.requirement, source: l.source });
      else skipped.push({ requirement: l.requirement, source: l.source });
    } else if (l.evidence) links.push({ requirement: l.requirement, evidence: l.evidence });
  }
  for (const [requirement, files] of await linkedEvidence(k, a.id)) {
    for (const f of files) {
      const expiresOn = f.expiresAt !== null && isIsoDate(f.expiresAt.slice(0, 10)) ? f.expiresAt.slice(0, 10) : undefined;
      links.push({ requirement, evidence: { sha256: f.sha256, description: f.title, ...(expiresOn ? { expiresOn } : {}) } });
    }
  }
  return { registers, links, skipped, validity, registry };
}

async function evaluatorFor(k: Kysely<Database>, catalog: Catalog, a: AssessmentRecord | { id: string; orgId: string; edition: string }, now: Date, cache?: Parameters<typeof inputsFor>[3]) {
  const inputs = await inputsFor(k, a, now, cache);
  const answers = answersForScoring(await getAnswers(k, a.id));
  const providerChecks = new Map([...inputs.registry].map(([id, c]) => [id, toProviderCheck(c)]));
  const evaluator = createEvaluator({ answers, registers: inputs.registers, links: inputs.links, edition: catalog.edition(a.edition), validity: inputs.validity, providerChecks });
  return { evaluator, inputs };
}

/**
 * The level an assessment holds on `at` once lapsed evidence is taken into account (never above the
 * level of the answers): what the answer route records, so the level over time never shows a level
 * the registers do not support.
 */
export async function effectiveLevelOf(k: Kysely<Database>, catalog: Catalog, a: { id: string; orgId: string; edition: string }, at: Date): Promise<LevelOrZero> {
  const { evaluator } = await evaluatorFor(k, catalog, a, at);
  return evaluator.at(todayOf(at)).level;
}

const levelName = (l: number) => (l === 0 ? 'uncertified' : `Level ${roman(l as LevelOrZero)}`);
const todayOf = (d: Date) => d.toISOString().slice(0, 10);

// ---- webhooks ----------------------------------------------------------------------------------

/** The header that carries `sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret as shown>`. */
export const SIGNATURE_HEADER = 'x-keygrade-signature-256';

const webhookContext = (orgId: string) => `compliance-webhook:${orgId}`;

/** The signature of a webhook body: `sha256=` and the hex HMAC-SHA256 keyed with the secret (UTF-8, exactly as shown). */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body, 'utf8').digest('hex')}`;
}

function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v = ip.toLowerCase();
  if (v === '::' || v === '::1') return true;
  if (v.startsWith('::ffff:')) return isPrivateAddress(v.slice(7));
  return /^f[cd]/.test(v) || /^fe[89ab]/.test(v);
}

/** Checks a webhook URL's form: http(s), no credentials, at most 2000 characters. */
function webhookUrlProblem(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'url must use https (or http)';
  if (u.username || u.password) return 'url must not carry credentials; the signature authenticates the sender';
  return undefined;
}

export interface WebhookOptions {
  /** Deliver to loopback, private and link-local addresses (tests, internal relays). Default: refused. */
  allowPrivateWebhooks?: boolean;
  /** Per delivery (default 10 s). */
  webhookTimeoutMs?: number;
}

/** The refusal of a private, loopback or link-local destination (SSRF guard). */
const PRIVATE_REFUSAL = 'the host resolves to a private, loopback or link-local address';

/**
 * A DNS lookup for the webhook's connection that refuses private addresses. The check runs on the
 * very addresses the socket connects to, so a name that resolves to a public address when checked
 * and to a private one when connecting (DNS rebinding) is refused too.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      if (list.length === 0 || (!allowPrivate && list.some((a) => isPrivateAddress(a.address)))) {
        return callback(Object.assign(new Error(PRIVATE_REFUSAL), { code: 'EKEYGRADEPRIVATE' }), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** One POST without redirects, through the guarded lookup, within `timeoutMs` overall. */
function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(allowPrivate) }, (res) => {
      res.resume();
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

/**
 * POSTs a signed JSON body. Never throws: returns the outcome (`200`, `timeout`, `refused: …`) for
 * the record. Redirects are not followed; private addresses are refused unless allowed, both for an
 * address in the URL and for every address a host name resolves to when connecting.
 */
async function deliver(url: string, secret: string, event: string, body: string, opts: WebhookOptions): Promise<string> {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    // An address literal is connected to without a lookup: check it here.
    if (!opts.allowPrivateWebhooks && isIP(host) && isPrivateAddress(host)) return `refused: ${PRIVATE_REFUSAL}`;
    const headers = { 'content-type': 'application/json', 'user-agent': 'keygrade-webhook/1', 'x-keygrade-event': event, 'x-keygrade-delivery': randomUUID(), [SIGNATURE_HEADER]: signWebhookBody(secret, body) };
    return String(await post(u, headers, body, opts.webhookTimeoutMs ?? 10_000, opts.allowPrivateWebhooks === true));
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'EKEYGRADEPRIVATE') return `refused: ${PRIVATE_REFUSAL}`;
    return err.name === 'TimeoutError' || err.name === 'AbortError' ? 'timeout' : `failed: ${(err.code ?? err.message).slice(0, 200)}`;
  }
}

// ---- the monitor -------------------------------------------------------------------------------

/** Where the monitor reports (a pino/Fastify logger fits). Never given secrets or payloads. */
export interface MonitorLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface MonitorDeps extends WebhookOptions {
  db: Db;
  master: MasterKey;
  catalog: Catalog;
  now?: () => Date;
  log?: MonitorLog;
}

export interface MonitorOptions {
  /** Evaluate on this day instead of today: a simulation, nothing is written or sent. */
  at?: string;
  /** Only this organization. */
  orgId?: string;
  /** Who runs it, for the audit log (default `system`). */
  actor?: string;
  requestId?: string;
}

export interface MonitoredEvent {
  type: ChangeEvent['type'];
  scope?: 'system' | 'aspect';
  aspectId?: string;
  requirementId?: string;
  from?: number;
  to?: number;
  message: string;
}

export interface MonitoredAssessment {
  assessmentId: string;
  orgId: string;
  systemId: string;
  systemName: string;
  edition: string;
  /** The effective level on the day. */
  level: number;
  /** The level recorded before this run. */
  previousLevel: number;
  answeredLevel: number;
  nextLapse: string | null;
  events: MonitoredEvent[];
  /** Links skipped because the entry they name was retired. */
  skippedLinks?: { requirement: string; source: string }[];
  /** Set when this assessment could not be evaluated (the run goes on). */
  error?: string;
}

export interface MonitorResult {
  day: string;
  simulated: boolean;
  assessments: MonitoredAssessment[];
  webhooks: { orgId: string; status: string }[];
  notified: number;
}

const NOTIFIED_ROLES = ['owner', 'security_lead'] as const;
/** How many days before evidence lapses the owners are warned (once, when the lapse enters the window). */
export const LAPSE_WARNING_DAYS = 30;

/**
 * True when this run should warn that evidence lapses on `nextLapse`: the lapse is within the
 * window today, and the previous run did not already see that same lapse inside the window.
 */
export function lapseWarningDue(day: string, nextLapse: string | null, previous: { day: string; nextLapse: string | null } | undefined): boolean {
  if (nextLapse === null) return false;
  const left = dayNumber(nextLapse) - dayNumber(day);
  if (left < 0 || left > LAPSE_WARNING_DAYS) return false;
  if (!previous || previous.nextLapse !== nextLapse) return true;
  return dayNumber(nextLapse) - dayNumber(previous.day) > LAPSE_WARNING_DAYS;
}

const isLevelEvent = (e: ChangeEvent): e is LevelEvent => 'scope' in e;

function trimEvent(e: ChangeEvent): MonitoredEvent {
  if (isLevelEvent(e)) return { type: e.type, scope: e.scope, ...(e.aspectId ? { aspectId: e.aspectId } : {}), from: e.from, to: e.to, message: e.message };
  return { type: e.type, requirementId: e.requirementId, aspectId: e.aspectId, message: e.message };
}

/**
 * Re-evaluates every assessment (of every organization, or of `orgId`) on a day. Persisted runs
 * (no `at`) compare with the last persisted evaluation, and for each change: record the level
 * (level_point) and the reasons (compliance_event), write one audit entry per change, notify the
 * owners and security leads in the app, all in one transaction per assessment; then POST one
 * signed webhook per organization with changes. Webhook failures are logged and recorded, never
 * fatal; an assessment that cannot be evaluated is reported and skipped. Running twice on the same
 * day changes nothing the second time.
 */
export async function runComplianceMonitor(deps: MonitorDeps, opts: MonitorOptions = {}): Promise<MonitorResult> {
  const k = deps.db.kysely;
  const runAt = (deps.now ?? (() => new Date()))();
  if (opts.at !== undefined && !isIsoDate(opts.at)) throw new ComplianceError('COMPLIANCE_INVALID_DATE', `at must be a calendar date written YYYY-MM-DD (got ${JSON.stringify(opts.at)})`, { problems: [{ path: 'at', message: 'a calendar date written YYYY-MM-DD' }] });
  const simulated = opts.at !== undefined;
  const day = opts.at ?? todayOf(runAt);
  const actor = opts.actor ?? 'system';
  const requestId = opts.requestId ?? randomUUID();
  const cache = new Map<string, Promise<OrgData>>();
  const result: MonitorResult = { day, simulated, assessments: [], webhooks: [], notified: 0 };

  for (const a of await assessmentsToMonitor(k, opts.orgId)) {
    const base = { assessmentId: a.id, orgId: a.orgId, systemId: a.systemId, systemName: a.systemName, edition: a.edition, previousLevel: a.level };
    let current: Evaluation;
    let skipped: Inputs['skipped'];
    try {
      const { evaluator, inputs } = await evaluatorFor(k, deps.catalog, a, runAt, cache);
      current = evaluator.at(day);
      skipped = inputs.skipped;
    } catch (e) {
      deps.log?.error({ assessment: a.id, err: (e as Error).message }, 'compliance evaluation failed');
      result.assessments.push({ ...base, level: a.level, answeredLevel: a.level, nextLapse: null, events: [], error: (e as Error).message });
      continue;
    }
    // The previous evaluation as persisted: the recorded level and the requirements that had fallen back.
    const state = await getComplianceState(k, a.id);
    const fell = new Set(state && state.edition === a.edition ? state.fellBack : []);
    const previous = {
      ...current,
      at: state?.day ?? day,
      level: a.level as LevelOrZero,
      aspects: state && state.edition === a.edition ? state.aspects.map((x) => ({ id: x.id, level: x.level as LevelOrZero, answeredLevel: x.level as LevelOrZero })) : current.aspects.map((x) => ({ ...x, level: x.answeredLevel })),
      requirements: current.requirements.map((r) => ({ ...r, fellBack: fell.has(r.id) })),
    } satisfies Evaluation;
    const events = changeEvents(previous, current);
    const outcome: MonitoredAssessment = { ...base, level: current.level, answeredLevel: current.answeredLevel, nextLapse: current.nextLapse, events: events.map(trimEvent), ...(skipped.length > 0 ? { skippedLinks: skipped } : {}) };
    result.assessments.push(outcome);
    if (simulated) continue;

    const ts = runAt.toISOString();
    const system = events.filter(isLevelEvent).find((e) => e.scope === 'system');
    const lapsed = events.filter((e) => e.type === 'requirement_lapsed').length;
    const restored = events.filter((e) => e.type === 'requirement_restored').length;
    const warn = lapseWarningDue(day, current.nextLapse, state ? { day: state.day, nextLapse: state.nextLapse } : undefined);
    const recipients = events.length > 0 || warn ? await membersWithRoles(k, a.orgId, NOTIFIED_ROLES) : [];
    await k.transaction().execute(async (trx) => {
      for (const e of events) {
        const t = trimEvent(e);
        await recordAction(trx, { ts, actor, action: `compliance.${e.type}`, object: `assessment:${a.id}${t.requirementId ? `/${t.requirementId}` : t.aspectId ? `/aspect:${t.aspectId}` : ''}`, requestId, result: 'ok', details: { day, ...t } });
      }
      await addComplianceEvents(
        trx,
        events.map((e) => {
          const t = trimEvent(e);
          return { orgId: a.orgId, assessmentId: a.id, at: ts, day, type: t.type, scope: t.scope ?? null, aspectId: t.aspectId ?? null, requirementId: t.requirementId ?? null, from: t.from ?? null, to: t.to ?? null, message: t.message, actor };
        }),
      );
      await recordLevel(trx, a.id, current.level, runAt);
      await putComplianceState(trx, {
        assessmentId: a.id,
        orgId: a.orgId,
        edition: a.edition,
        day,
        level: current.level,
        aspects: current.aspects.map((x) => ({ id: x.id, level: x.level })),
        fellBack: current.requirements.filter((r) => r.fellBack).map((r) => r.id),
        nextLapse: current.nextLapse,
        evaluatedAt: ts,
      });
      if (warn && recipients.length > 0) {
        const held = new Set(['in_place', 'in_place_comparable', 'qualified_in_place']);
        const soon = current.requirements.filter((r) => held.has(r.answered) && r.evidence === 'valid' && typeof r.validUntil === 'string' && dayNumber(r.validUntil) + 1 === dayNumber(current.nextLapse!)).map((r) => r.id);
        const message = `evidence lapses on ${current.nextLapse!} (in ${dayNumber(current.nextLapse!) - dayNumber(day)} days)${soon.length > 0 ? `: ${soon.join(', ')}` : ''}; add new evidence before then or the level drops`;
        await recordAction(trx, { ts, actor, action: 'compliance.lapse_warning', object: `assessment:${a.id}`, requestId, result: 'ok', details: { day, nextLapse: current.nextLapse, requirements: soon } });
        await addNotifications(trx, a.orgId, recipients, { kind: 'compliance.lapse_warning', title: `${a.systemName} (${a.edition}): ${message}`, body: message, data: { assessmentId: a.id, systemId: a.systemId, day, nextLapse: current.nextLapse } }, runAt);
      }
      if (recipients.length > 0 && events.length > 0) {
        const what = system
          ? `level ${system.to < system.from ? 'dropped' : 'recovered'} from ${levelName(system.from)} to ${levelName(system.to)}`
          : [lapsed > 0 ? `${lapsed} requirement${lapsed === 1 ? '' : 's'} lapsed` : '', restored > 0 ? `${restored} requirement${restored === 1 ? '' : 's'} restored` : ''].filter(Boolean).join(', ') || 'aspect levels changed';
        const kind = system ? `compliance.${system.type}` : lapsed > 0 ? 'compliance.requirement_lapsed' : 'compliance.requirement_restored';
        const body = events.map((e) => e.message).join('\n').slice(0, 20_000);
        await addNotifications(trx, a.orgId, recipients, { kind, title: `${a.systemName} (${a.edition}): ${what} on ${day}`, body, data: { assessmentId: a.id, systemId: a.systemId, day, level: current.level } }, runAt);
      }
    });
    result.notified += recipients.length;
    if (events.length > 0) deps.log?.info({ assessment: a.id, day, level: current.level, previous: a.level, events: events.length }, 'compliance changes recorded');
  }

  if (!simulated) {
    const byOrg = new Map<string, MonitoredAssessment[]>();
    for (const o of result.assessments) if (o.events.length > 0) byOrg.set(o.orgId, [...(byOrg.get(o.orgId) ?? []), o]);
    for (const [orgId, changed] of byOrg) {
      const payload = { type: 'compliance.changes', org: orgId, day, sentAt: runAt.toISOString(), assessments: changed.map((c) => ({ assessmentId: c.assessmentId, systemId: c.systemId, systemName: c.systemName, edition: c.edition, level: c.level, previousLevel: c.previousLevel, answeredLevel: c.answeredLevel, nextLapse: c.nextLapse, events: c.events })) };
      const status = await sendWebhook(deps, orgId, 'compliance.changes', JSON.stringify(payload), runAt);
      if (status !== undefined) result.webhooks.push({ orgId, status });
    }
  }
  return result;
}

/** Sends one event to the org's webhook if it has an enabled one; returns the outcome (undefined: none). */
async function sendWebhook(deps: Pick<MonitorDeps, 'db' | 'master' | 'log' | 'allowPrivateWebhooks' | 'webhookTimeoutMs'>, orgId: string, event: string, body: string, at: Date): Promise<string | undefined> {
  const k = deps.db.kysely;
  const hook = await getWebhook(k, orgId);
  if (!hook || !hook.enabled) return undefined;
  let secret: string;
  try {
    secret = new TextDecoder().decode(deps.master.open(hook.sealedSecret, webhookContext(orgId)));
  } catch (e) {
    deps.log?.error({ org: orgId, err: (e as Error).message }, 'compliance webhook secret cannot be opened');
    return 'failed: the secret cannot be opened with this master key';
  }
  const status = await deliver(hook.url, secret, event, body, deps);
  if (!/^2\d\d$/.test(status)) deps.log?.warn({ org: orgId, host: new URL(hook.url).host, status }, 'compliance webhook delivery failed');
  await recordWebhookDelivery(k, orgId, at, status).catch((e: unknown) => deps.log?.error({ org: orgId, err: (e as Error).message }, 'recording the webhook delivery failed'));
  return status;
}

/**
 * Runs the monitor once a day (after `hourUtc`, default 02:00 UTC) while `active()` says this
 * instance leads (the sequencer's lease), on an injectable clock. Safe to restart: a second run on
 * the same day records nothing new.
 */
export function startComplianceSchedule(deps: MonitorDeps, opts: { active: () => boolean; hourUtc?: number; intervalMs?: number }): { stop(): void; tick(): Promise<MonitorResult | undefined> } {
  const now = deps.now ?? (() => new Date());
  let lastDay: string | undefined;
  let running: Promise<MonitorResult | undefined> | undefined;
  const tick = () =>
    (running ??= (async () => {
      try {
        const t = now();
        const day = todayOf(t);
        if (!opts.active() || day === lastDay || t.getUTCHours() < (opts.hourUtc ?? 2)) return undefined;
        const r = await runComplianceMonitor(deps);
        lastDay = day;
        deps.log?.info({ day, assessments: r.assessments.length, changed: r.assessments.filter((a) => a.events.length > 0).length, webhooks: r.webhooks.length }, 'nightly compliance run');
        return r;
      } catch (e) {
        deps.log?.error({ err: (e as Error).message }, 'nightly compliance run failed');
        return undefined;
      } finally {
        running = undefined;
      }
    })());
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 10 * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}

// ---- routes ------------------------------------------------------------------------------------

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const EntryId = z.string().trim().min(1).max(200);
const Register = z.enum(REGISTER_KINDS, { error: `register must be one of ${REGISTER_KINDS.join(', ')}` });
const DateText = z.string().refine(isIsoDate, { error: 'a calendar date written YYYY-MM-DD' });
const ImportMode = z.enum(['merge', 'replace']).default('merge');
const TEXT_TYPES = ['text/csv', 'text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'];

type EntryView = Awaited<ReturnType<typeof listComplianceEntries>>[number];

export function complianceRoutes(deps: AppDeps & { catalog: Catalog; compliance?: WebhookOptions }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const catalog = deps.catalog;
  const hookOpts: WebhookOptions = deps.compliance ?? {};
  const noAssessment = () => new DomainError('ASSESSMENT_NOT_FOUND', 'no such assessment');
  const who = (req: FastifyRequest, actor: string) => ({ actor, requestId: req.id, at: now() });
  const monitorDeps = (req: FastifyRequest): MonitorDeps => ({ db: deps.db, master: deps.master, catalog, now, log: req.log, ...hookOpts });

  const assessmentFor = async (req: FastifyRequest, id: string, permission: Permission) => {
    const a = await getAssessment(k, id);
    if (!a) throw noAssessment();
    try {
      return { a, actor: (await requireOrg(req, a.orgId, permission)).actor };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) throw noAssessment();
      throw e;
    }
  };

  /** Validates one entry; problems name fields under `base` ('' for a body that is the entry). */
  const validated = <K extends RegisterKind>(kind: K, input: unknown, base: string): RegisterEntries[K] => {
    const { value, problems } = entryProblems(kind, input, base);
    if (!value) throw new ComplianceError('COMPLIANCE_INVALID_ENTRY', `invalid ${kind} entry: ${problems[0]!.path}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, { problems });
    return value;
  };

  /**
   * Active entries with their validity today under the organization's rules (people excepted: they
   * count by facet), and what this instance's registry says of the providers' certificates.
   */
  const withValidity = async (orgId: string, list: EntryView[]) => {
    const at = now();
    const today = todayOf(at);
    const cfg = resolveValidity((await getComplianceSettings(k, orgId)).validity);
    const providers = list.filter((e) => e.register === 'providers' && e.retiredAt === null).map((e) => e.entry as ServiceProvider);
    const registry = await checkProviderCertificates(k, providers, at);
    const entries = list.map((e) => {
      if (e.retiredAt !== null || !(REGISTER_KINDS as readonly string[]).includes(e.register)) return e;
      const check = e.register === 'providers' ? registry.get(e.id) : undefined;
      const validity = entryValidity(e.register as RegisterKind, e.entry as never, today, cfg, check ? { providerCheck: toProviderCheck(check) } : {});
      return validity ? { ...e, validity } : e;
    });
    return { entries, registry: Object.fromEntries(registry) };
  };

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    for (const type of TEXT_TYPES) app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    const tags = ['compliance'];
    const orgParams = z.object({ orgId: Id });
    const registerParams = z.object({ orgId: Id, register: Register });
    const entryParams = z.object({ orgId: Id, register: Register, entryId: EntryId });

    // ---- registers ------------------------------------------------------------------------------
    app.get(
      '/api/orgs/:orgId/compliance/registers',
      { config: { permission: 'org:read' }, schema: { tags, summary: 'Every register of the organization (retired entries with includeRetired=true)', params: orgParams, querystring: z.object({ includeRetired: z.stringbool().default(false) }) } },
      async (req) => {
        const { entries: all, registry } = await withValidity(req.params.orgId, await listComplianceEntries(k, req.params.orgId, { includeRetired: req.query.includeRetired }));
        const registers = Object.fromEntries(REGISTER_KINDS.map((kind) => [kind, all.filter((e) => e.register === kind)])) as Record<RegisterKind, EntryView[]>;
        // References between registers that do not resolve (a drill participant not in the people register, …).
        const active = Object.fromEntries(REGISTER_KINDS.map((kind) => [kind, registers[kind].filter((e) => e.retiredAt === null).map((e) => e.entry)])) as unknown as Registers;
        return { registers, registry, warnings: crossCheckRegisters(active) };
      },
    );

    app.get(
      '/api/orgs/:orgId/compliance/registers/export',
      { config: { permission: 'org:read' }, schema: { tags, summary: 'Every register in one YAML file (keygrade: compliance-registers/v1)', params: orgParams, querystring: z.object({ format: z.enum(['yaml']).default('yaml') }) } },
      async (req, reply) => {
        const text = await exportRegisters(k, req.params.orgId, undefined, 'yaml');
        return reply.header('content-type', 'text/yaml; charset=utf-8').header('content-disposition', 'attachment; filename="compliance-registers.yaml"').send(text);
      },
    );

    app.post(
      '/api/orgs/:orgId/compliance/registers/import',
      {
        config: { permission: 'system:write' },
        schema: {
          tags,
          summary: 'Import every register from one YAML file (compliance-registers/v1). merge: add and update by id; replace: also retire entries the file lacks. All or nothing.',
          params: orgParams,
          querystring: z.object({ mode: ImportMode }),
          body: z.string().min(1).max(5 * 1024 * 1024),
        },
      },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'system:write');
        const regs = registersFromYaml(req.body, 'registers.yaml');
        const files = REGISTER_KINDS.map((kind) => ({ kind, entries: regs[kind] as { id: string }[] }));
        const counts = await importRegisterFiles(k, req.params.orgId, files, req.query.mode, who(req, p.actor));
        return { mode: req.query.mode, ...counts };
      },
    );

    app.get(
      '/api/orgs/:orgId/compliance/registers/:register',
      { config: { permission: 'org:read' }, schema: { tags, summary: 'The entries of one register', params: registerParams, querystring: z.object({ includeRetired: z.stringbool().default(false) }) } },
      async (req) => {
        const { entries, registry } = await withValidity(req.params.orgId, await listComplianceEntries(k, req.params.orgId, { register: req.params.register, includeRetired: req.query.includeRetired }));
        return { register: req.params.register, entries, ...(req.params.register === 'providers' ? { registry } : {}) };
      },
    );

    app.post(
      '/api/orgs/:orgId/compliance/registers/:register',
      {
        config: { permission: 'system:write' },
        schema: { tags, summary: 'Add an entry (the body is the entry; problems name its fields). An id in use is 409; a retired id comes back as a new version.', params: registerParams, body: z.record(z.string(), z.unknown()) },
      },
      async (req, reply) => {
        const p = await requireOrg(req, req.params.orgId, 'system:write');
        const kind = req.params.register;
        const entry = validated(kind, req.body, '');
        const id = (entry as { id: string }).id;
        const record = await audited(k, who(req, p.actor), 'compliance.entry.create', `org:${req.params.orgId}/${entryRef(kind, id)}`, (trx) => createComplianceEntry(trx, req.params.orgId, kind, id, entry, { actor: p.actor, at: now() }), (r) => ({ version: r.version }));
        return reply.code(201).send({ entry: record });
      },
    );

    app.get(
      '/api/orgs/:orgId/compliance/registers/:register/export',
      { config: { permission: 'org:read' }, schema: { tags, summary: 'One register as CSV or YAML (imports back unchanged)', params: registerParams, querystring: z.object({ format: z.enum(['csv', 'yaml']).default('csv') }) } },
      async (req, reply) => {
        const kind = req.params.register;
        const csv = req.query.format === 'csv';
        const text = await exportRegisters(k, req.params.orgId, kind, req.query.format);
        return reply
          .header('content-type', csv ? 'text/csv; charset=utf-8' : 'text/yaml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${kind}.${csv ? 'csv' : 'yaml'}"`)
          .send(text);
      },
    );

    app.post(
      '/api/orgs/:orgId/compliance/registers/:register/import',
      {
        config: { permission: 'system:write' },
        schema: {
          tags,
          summary: 'Import one register from CSV (text/csv) or YAML (compliance-register/v1). merge: add and update by id; replace: also retire entries the file lacks. All or nothing.',
          params: registerParams,
          querystring: z.object({ mode: ImportMode, format: z.enum(['csv', 'yaml']).optional() }),
          body: z.string().min(1).max(5 * 1024 * 1024),
        },
      },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'system:write');
        const kind = req.params.register;
        const csv = req.query.format ? req.query.format === 'csv' : String(req.headers['content-type'] ?? '').startsWith('text/csv');
        const format = csv ? 'csv' : 'yaml';
        const files = parseRegisterFile(req.body, `${kind}.${format}`, format, kind);
        const counts = await importRegisterFiles(k, req.params.orgId, files, req.query.mode, who(req, p.actor), { format });
        return { register: kind, mode: req.query.mode, ...counts };
      },
    );

    app.get(
      '/api/orgs/:orgId/compliance/registers/:register/entries/:entryId',
      { config: { permission: 'org:read' }, schema: { tags, summary: 'One entry (retired too) with every version, oldest first', params: entryParams } },
      async (req) => {
        const { orgId, register, entryId } = req.params;
        const entry = await getComplianceEntry(k, orgId, register, entryId);
        if (!entry) throw new ApiError(404, 'COMPLIANCE_ENTRY_NOT_FOUND', `no entry ${entryId} in ${register}`);
        const history = await complianceEntryHistory(k, orgId, register, entryId);
        // Each version with what changed since the one before (fields by path; multi-line text by line).
        return { entry, history: history.map((v, i) => ({ ...v, changes: i === 0 ? [] : diffEntries(history[i - 1]!.entry, v.entry) })) };
      },
    );

    app.put(
      '/api/orgs/:orgId/compliance/registers/:register/entries/:entryId',
      {
        config: { permission: 'system:write' },
        schema: {
          tags,
          summary: 'Change an entry. Send the version you read; a stale version is 409 with the current entry. The id cannot change.',
          params: entryParams,
          body: z.object({ version: z.number().int().min(1), entry: z.record(z.string(), z.unknown()) }).strict(),
        },
      },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'system:write');
        const { orgId, register, entryId } = req.params;
        const entry = validated(register, req.body.entry, 'entry');
        if ((entry as { id: string }).id !== entryId) throw new ComplianceError('COMPLIANCE_INVALID_ENTRY', `entry.id must stay ${entryId}: add a new entry for another id`, { problems: [{ path: 'entry.id', message: `must be ${entryId}` }] });
        const record = await audited(k, who(req, p.actor), 'compliance.entry.update', `org:${orgId}/${entryRef(register, entryId)}`, (trx) => updateComplianceEntry(trx, orgId, register, entryId, entry, req.body.version, { actor: p.actor, at: now() }), (r) => ({ version: r.version }));
        return { entry: record };
      },
    );

    app.delete(
      '/api/orgs/:orgId/compliance/registers/:register/entries/:entryId',
      {
        config: { permission: 'system:write' },
        schema: { tags, summary: 'Retire an entry: kept with its history, no longer evidence. Optional ?version= guards against a concurrent change.', params: entryParams, querystring: z.object({ version: z.coerce.number().int().min(1).optional() }) },
      },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'system:write');
        const { orgId, register, entryId } = req.params;
        const record = await audited(k, who(req, p.actor), 'compliance.entry.retire', `org:${orgId}/${entryRef(register, entryId)}`, (trx) => retireComplianceEntry(trx, orgId, register, entryId, req.query.version, { actor: p.actor, at: now() }), (r) => ({ version: r.version }));
        return { entry: record };
      },
    );

    // ---- validity settings -----------------------------------------------------------------------
    app.get('/api/orgs/:orgId/compliance/settings', { config: { permission: 'org:read' }, schema: { tags, summary: "The organization's validity overrides and the rules in force", params: orgParams } }, async (req) => {
      const s = await getComplianceSettings(k, req.params.orgId);
      return { validity: s.validity, effective: resolveValidity(s.validity), version: s.version, updatedAt: s.updatedAt, updatedBy: s.updatedBy };
    });

    app.put(
      '/api/orgs/:orgId/compliance/settings',
      {
        config: { permission: 'org:admin' },
        schema: { tags, summary: 'Set the validity overrides (owners only). Send the version you read (0 the first time).', params: orgParams, body: z.object({ validity: z.record(z.string(), z.unknown()), version: z.number().int().min(0) }).strict() },
      },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'org:admin');
        try {
          resolveValidity(req.body.validity);
        } catch (e) {
          if (e instanceof ComplianceError) throw new ComplianceError(e.code, e.message, { problems: e.problems.map((x) => ({ ...x, path: `validity.${x.path ?? ''}` })) });
          throw e;
        }
        const s = await audited(k, who(req, p.actor), 'compliance.settings.update', `org:${req.params.orgId}`, (trx) => putComplianceSettings(trx, req.params.orgId, req.body.validity, req.body.version, { actor: p.actor, at: now() }), (r) => ({ version: r.version, fields: Object.keys(req.body.validity) }));
        return { ...s, effective: resolveValidity(s.validity) };
      },
    );

    // ---- evaluation ---------------------------------------------------------------------------------
    app.post(
      '/api/orgs/:orgId/compliance/evaluate',
      {
        config: { permission: 'system:write' },
        schema: {
          tags,
          summary: 'Re-evaluate every assessment of the organization today and record changes (as the nightly monitor does). With `at` (owners only): a simulation on that day, nothing written or sent.',
          params: orgParams,
          body: z.object({ at: DateText.optional() }).strict(),
        },
      },
      async (req) => {
        let p = await requireOrg(req, req.params.orgId, 'system:write');
        if (req.body.at !== undefined) p = await requireOrg(req, req.params.orgId, 'org:admin');
        return runComplianceMonitor(monitorDeps(req), { orgId: req.params.orgId, actor: p.actor, requestId: req.id, ...(req.body.at !== undefined ? { at: req.body.at } : {}) });
      },
    );

    app.get(
      '/api/assessments/:assessmentId/compliance',
      {
        config: { permission: 'org:read' },
        schema: {
          tags,
          summary: 'Which evidence keeps each requirement true and until when, the effective level, the next lapse, and the level over time with reasons. ?at=YYYY-MM-DD looks at another day (read-only).',
          params: z.object({ assessmentId: Id }),
          querystring: z.object({ at: DateText.optional() }),
        },
      },
      async (req) => {
        const { a } = await assessmentFor(req, req.params.assessmentId, 'org:read');
        const day = req.query.at ?? todayOf(now());
        const { evaluator, inputs } = await evaluatorFor(k, catalog, a, now());
        const ev = evaluator.at(day);
        const [points, events, state] = await Promise.all([levelPoints(k, a.id), listComplianceEvents(k, a.id), getComplianceState(k, a.id)]);
        const history = points.map((pt) => ({ ...pt, reasons: events.filter((e) => e.at === pt.at && e.scope === 'system').map((e) => e.message) }));
        return {
          assessment: { id: a.id, systemId: a.systemId, orgId: a.orgId, edition: a.edition, recordedLevel: a.level },
          at: ev.at,
          level: ev.level,
          answeredLevel: ev.answeredLevel,
          nextLapse: ev.nextLapse,
          lastEvaluated: state ? { day: state.day, at: state.evaluatedAt, level: state.level } : null,
          aspects: ev.aspects,
          requirements: ev.requirements,
          skippedLinks: inputs.skipped,
          providerCertificates: Object.fromEntries(inputs.registry),
          history,
          events,
        };
      },
    );

    // ---- evidence links -----------------------------------------------------------------------------
    app.get('/api/assessments/:assessmentId/compliance/links', { config: { permission: 'org:read' }, schema: { tags, summary: 'Requirements linked by hand to a register entry, a people facet or a file', params: z.object({ assessmentId: Id }) } }, async (req) => {
      const { a } = await assessmentFor(req, req.params.assessmentId, 'org:read');
      return { links: await listComplianceLinks(k, a.id) };
    });

    app.post(
      '/api/assessments/:assessmentId/compliance/links',
      {
        config: { permission: 'answer:write' },
        schema: {
          tags,
          summary: 'Link a requirement to a register entry (`securityTests/PT-2026`), a people facet (`people:training:kcp`) or a file by SHA-256 with optional dates',
          params: z.object({ assessmentId: Id }),
          body: z.object({ requirement: z.string().min(1).max(64), source: z.string().min(1).max(300).optional(), evidence: z.record(z.string(), z.unknown()).optional() }).strict(),
        },
      },
      async (req, reply) => {
        const { a, actor } = await assessmentFor(req, req.params.assessmentId, 'answer:write');
        const parsed = evidenceLinkSchema.safeParse(req.body);
        if (!parsed.success) throw new ComplianceError('COMPLIANCE_INVALID_LINK', 'invalid evidence link', { problems: zodProblems(parsed.error, '', 'evidence link') });
        const link = parsed.data;
        const edition = catalog.edition(a.edition);
        if (!indexEdition(edition).requirement(link.requirement)) throw new ComplianceError('COMPLIANCE_INVALID_LINK', `${link.requirement} is not a requirement of ${edition.id}`, { problems: [{ path: 'requirement', message: `not a requirement of ${edition.id}` }] });
        // The package checks the source and the dates exactly as the evaluation will.
        const inputs = await inputsFor(k, a, now());
        try {
          createEvaluator({ answers: {}, registers: inputs.registers, links: [link], edition, validity: inputs.validity });
        } catch (e) {
          if (e instanceof ComplianceError) throw new ComplianceError(e.code, e.message.replace('links.0.', ''), { problems: e.problems.map((x) => ({ ...x, path: (x.path ?? '').replace(/^links\.0\.?/, '') })) });
          throw e;
        }
        const record = await audited(
          k,
          who(req, actor),
          'compliance.link.add',
          `assessment:${a.id}/${link.requirement}`,
          (trx) => addComplianceLink(trx, { orgId: a.orgId, assessmentId: a.id, requirement: link.requirement, source: link.source, evidence: link.evidence }, { actor, at: now() }),
          (l) => ({ link: l.id, source: l.source ?? null, sha256: l.evidence?.sha256 ?? null }),
        );
        return reply.code(201).send({ link: record });
      },
    );

    app.delete(
      '/api/assessments/:assessmentId/compliance/links/:linkId',
      { config: { permission: 'answer:write' }, schema: { tags, summary: 'Remove a link', params: z.object({ assessmentId: Id, linkId: Id }) } },
      async (req, reply) => {
        const { a, actor } = await assessmentFor(req, req.params.assessmentId, 'answer:write');
        await audited(k, who(req, actor), 'compliance.link.remove', `assessment:${a.id}`, (trx) => deleteComplianceLink(trx, a.id, req.params.linkId), () => ({ link: req.params.linkId }));
        return reply.code(204).send();
      },
    );

    // ---- OSCAL import -------------------------------------------------------------------------------
    app.post(
      '/api/assessments/:assessmentId/compliance/oscal',
      {
        config: { permission: 'system:write' },
        schema: {
          tags,
          summary: "Import an OSCAL assessment-results document (JSON) as answers of this assessment, carried through the crosswalk when it is about another edition. Answers it names are overwritten (with history); others are kept.",
          params: z.object({ assessmentId: Id }),
          body: z.object({ document: z.record(z.string(), z.unknown()), sourceEdition: z.string().min(1).max(64).optional() }).strict(),
        },
      },
      async (req) => {
        const { a, actor } = await assessmentFor(req, req.params.assessmentId, 'system:write');
        const imported = importOscalAssessmentResults(req.body.document, catalog, { targetEdition: a.edition, ...(req.body.sourceEdition ? { sourceEdition: req.body.sourceEdition } : {}) });
        const at = now();
        const level = await audited(
          k,
          who(req, actor),
          'assessment.oscal_import',
          `assessment:${a.id}`,
          async (trx) => {
            for (const [id, ans] of imported.answers) {
              const prior = await getAnswer(trx, a.id, id);
              await putAnswer(
                trx,
                a.id,
                id,
                { status: ans.status, note: prior?.note ?? null, justification: ans.justification ?? null, comparableControl: ans.comparable_control ?? null, reliesOn: ans.relies_on ?? null, evidenceRefs: prior?.evidenceRefs ?? [] },
                prior?.version ?? 0,
                { actor, at },
              );
            }
            const card = scorecardOf(catalog.edition(a.edition), await getAnswers(trx, a.id));
            await recordLevel(trx, a.id, card.level, at);
            return card.level;
          },
          () => ({ sourceEdition: imported.sourceEdition, answers: imported.answers.size, notes: imported.notes.length }),
        );
        return { sourceEdition: imported.sourceEdition, targetEdition: imported.targetEdition, assessedAt: imported.assessedAt, imported: imported.answers.size, notes: imported.notes, level };
      },
    );

    // ---- notifications (the signed-in user's own) ---------------------------------------------------
    app.get(
      '/api/notifications',
      { config: { permission: 'user' }, schema: { tags, summary: "The signed-in user's notifications, newest first (only from organizations they still belong to)", querystring: z.object({ unread: z.stringbool().default(false), limit: z.coerce.number().int().min(1).max(500).default(100) }) } },
      async (req) => {
        const u = await requireUser(req);
        const list = await listNotifications(k, u.userId, { unreadOnly: req.query.unread, limit: req.query.limit });
        return { notifications: list, unread: list.filter((n) => n.readAt === null).length };
      },
    );

    app.post(
      '/api/notifications/read',
      {
        config: { permission: 'user' },
        schema: { tags, summary: 'Mark some (ids) or all of your notifications read', body: z.object({ ids: z.array(z.string().min(1).max(64)).max(1000).optional(), all: z.boolean().optional() }).strict() },
      },
      async (req) => {
        const u = await requireUser(req);
        if (!req.body.all && req.body.ids === undefined) throw new InvalidRequest('INVALID_REQUEST', 'send ids or all: true', { problems: [{ path: 'ids', message: 'ids (or all: true) is required' }] });
        return { updated: await markNotificationsRead(k, u.userId, req.body.all ? 'all' : (req.body.ids ?? []), now()) };
      },
    );

    // ---- webhook settings (owners) ------------------------------------------------------------------
    app.get('/api/orgs/:orgId/compliance/webhook', { config: { permission: 'org:admin' }, schema: { tags, summary: "The organization's compliance webhook (never its secret)", params: orgParams } }, async (req) => {
      const hook = await getWebhook(k, req.params.orgId);
      if (!hook) return { webhook: null };
      const { sealedSecret: _s, ...webhook } = hook;
      void _s;
      return { webhook };
    });

    app.put(
      '/api/orgs/:orgId/compliance/webhook',
      {
        config: { permission: 'org:admin' },
        schema: {
          tags,
          summary: 'Set the webhook URL. The signing secret is generated here and shown once: on the first call and with rotateSecret: true.',
          params: orgParams,
          body: z.object({ url: z.string().trim().min(1).max(2000), enabled: z.boolean().default(true), rotateSecret: z.boolean().default(false) }).strict(),
        },
      },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'org:admin');
        const problem = webhookUrlProblem(req.body.url);
        if (problem) throw new InvalidRequest('INVALID_REQUEST', problem, { problems: [{ path: 'url', message: problem }] });
        const orgId = req.params.orgId;
        const fresh = req.body.rotateSecret || !(await getWebhook(k, orgId));
        const secret = fresh ? `kgwh_${randomBytes(32).toString('base64url')}` : undefined;
        const sealedSecret = secret ? deps.master.seal(new TextEncoder().encode(secret), webhookContext(orgId)) : undefined;
        const webhook = await audited(
          k,
          who(req, p.actor),
          'compliance.webhook.set',
          `org:${orgId}`,
          (trx) => putWebhook(trx, orgId, { url: req.body.url, enabled: req.body.enabled, sealedSecret }, { actor: p.actor, at: now() }),
          (w) => ({ host: new URL(w.url).host, enabled: w.enabled, secretRotated: fresh }),
        );
        return { webhook, ...(secret ? { secret } : {}) };
      },
    );

    app.delete('/api/orgs/:orgId/compliance/webhook', { config: { permission: 'org:admin' }, schema: { tags, summary: 'Remove the webhook and its secret', params: orgParams } }, async (req, reply) => {
      const p = await requireOrg(req, req.params.orgId, 'org:admin');
      await audited(k, who(req, p.actor), 'compliance.webhook.delete', `org:${req.params.orgId}`, (trx) => deleteWebhook(trx, req.params.orgId));
      return reply.code(204).send();
    });

    app.post('/api/orgs/:orgId/compliance/webhook/test', { config: { permission: 'org:admin' }, schema: { tags, summary: 'Send a signed `ping` event to the webhook and report the answer', params: orgParams } }, async (req) => {
      await requireOrg(req, req.params.orgId, 'org:admin');
      const at = now();
      const body = JSON.stringify({ type: 'ping', org: req.params.orgId, sentAt: at.toISOString() });
      const status = await sendWebhook(monitorDeps(req), req.params.orgId, 'ping', body, at);
      if (status === undefined) throw new ApiError(404, 'WEBHOOK_NOT_FOUND', 'this organization has no enabled webhook');
      return { status, delivered: /^2\d\d$/.test(status) };
    });

  };
}
