/**
 * `--attach <assessment>`: an evidence-producing command uploads its result (the same JSON as
 * its `--json` output) to a Keygrade server as evidence of the requirements it maps to in the
 * assessment's edition (attach-requirements.ts), through POST /api/assessments/:id/evidence.
 *
 * Recorded with the evidence: tool `keygrade <command> <version>`, the source system (this host,
 * or $KEYGRADE_SOURCE_SYSTEM), the parameters (the effective arguments without secrets: the token
 * and the server are dropped, secret inputs such as mnemonics or dice are named but neither sent
 * nor hashed, credentials in URLs are redacted, every other file argument becomes its name and
 * SHA-256) and the inputs' hashes.
 * Never sends file contents other than the result, never prints the token, refuses plain HTTP to
 * another host than this one unless --insecure. A successful attach keeps the command's exit
 * code; a failed one prints why and exits 2 (after the result was printed).
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { indexEdition, type Catalog } from '@keygrade/catalog';
import { evidencedIds } from './attach-requirements.js';
import type { CommandSpec, OptionSpec, Parsed } from './command.js';
import { EXIT } from './exit.js';
import { catalogFor } from './files.js';
import { err, type Io } from './io.js';
import { VERSION } from './main.js';

/** The options every attaching command adds to its spec: `options: { …, ...ATTACH_OPTIONS }`. */
export const ATTACH_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  attach: { type: 'string', value: '<assessment>', description: 'also attach the result (its --json form) as evidence to the matching requirements of this assessment on a Keygrade server' },
  'attach-requirements': { type: 'string', value: '<ids>', description: 'with --attach: link these requirement or control ids too (comma-separated)' },
  server: { type: 'string', value: '<url>', description: 'with --attach: the Keygrade server (default $KEYGRADE_SERVER)' },
  token: { type: 'string', value: '<token>', description: 'with --attach: API token with org:read and answer:write (default $KEYGRADE_TOKEN, preferred: a flag shows in the process list)' },
  insecure: { type: 'boolean', description: 'with --attach: allow plain http:// to a host other than localhost' },
};

/** Options never recorded: how to reach the server. */
const CONNECTION = new Set(Object.keys(ATTACH_OPTIONS));
/** Options whose value is secret material or a file holding it: named, never hashed or sent. */
const SECRET_OPTION = /token|passphrase|password|secret|mnemonic|private|seed|dice-file|cards-file|entropy-file|^key$|-key-file$/;
/** Options SECRET_OPTION matches by name that are not secret in these commands (`wallet prove-control --key <id>` is a key id). */
const NOT_SECRET: Readonly<Record<string, readonly string[]>> = { 'wallet prove-control': ['key'] };
/** Commands whose positional arguments are secret material (dice rolls, a shuffled deck, inline or a file): named, never hashed or sent. */
const SECRET_POSITIONALS = new Set(['rng dice', 'rng cards']);
/** Result fields that are secret (e.g. `sigs scan --reveal-keys`): redacted in the evidence. */
const SECRET_FIELD = /^(privateKey|private_key|mnemonic|seed|secret|passphrase|password|token|xprv|wif)$/i;
/**
 * Top-level result fields that are secret in one command: `rng cards` prints the deck's order (the
 * key material itself) and the cards not given (which narrow a partial deck down to its order).
 */
const SECRET_RESULT_FIELDS: Readonly<Record<string, readonly string[]>> = { 'rng cards': ['order', 'missing'] };
/** user:password@ in a URL argument (e.g. `log verify --db postgres://user:pw@host/db`). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;
const TOKEN_LIKE = /kg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/g;
const HAS_TOKEN = /kg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;

class AttachError extends Error {}

interface Input {
  name: string;
  sha256: string;
  size: number;
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** A secret argument as recorded: the file's name, or only that it was given (a key or rolls typed inline are the secret itself). */
const secretValue = (io: Io, value: string): string =>
  value === '-' ? '- (stdin, secret: not recorded)' : isFile(resolve(io.cwd, value)) ? `${basename(value)} (secret: not recorded)` : '(given inline, secret: not recorded)';

/** The effective arguments, with files replaced by name and SHA-256 and secrets left out. */
async function describeArguments(io: Io, spec: CommandSpec, { values, positionals }: Parsed): Promise<{ parameters: string[]; inputs: Input[] }> {
  const inputs: Input[] = [];
  const seen = new Map<string, string>();
  const file = async (value: string): Promise<string | undefined> => {
    const path = resolve(io.cwd, value);
    if (value === '-' || !isFile(path)) return undefined;
    let sha = seen.get(path);
    if (sha === undefined) {
      sha = await hashFile(path);
      seen.set(path, sha);
      inputs.push({ name: basename(path), sha256: sha, size: statSync(path).size });
    }
    return `${basename(path)} (sha256:${sha})`;
  };
  const describe = async (value: string): Promise<string> => {
    const whole = await file(value);
    if (whole !== undefined) return whole;
    if (value.includes(',')) {
      const pieces = value.split(',');
      const described = await Promise.all(pieces.map(async (p) => (await file(p.trim())) ?? p));
      if (described.some((d, i) => d !== pieces[i])) return described.join(',');
    }
    return value.replace(TOKEN_LIKE, '[redacted]').replace(URL_CREDENTIALS, '$1[redacted]@');
  };
  const parameters: string[] = [];
  const secretPositionals = SECRET_POSITIONALS.has(spec.name);
  for (const p of positionals) {
    if (!secretPositionals) parameters.push(await describe(p));
    else parameters.push(secretValue(io, p));
  }
  for (const [name, o] of Object.entries(spec.options)) {
    const v = values[name];
    if (CONNECTION.has(name) || v === undefined || v === false) continue;
    if (o.type === 'boolean') parameters.push(`--${name}`);
    else if (SECRET_OPTION.test(name) && !NOT_SECRET[spec.name]?.includes(name)) parameters.push(`--${name}`, secretValue(io, String(v)));
    else parameters.push(`--${name}`, await describe(String(v)));
  }
  return { parameters, inputs };
}

/** The result with secret fields replaced, and whether anything was. */
function redact(command: string, value: unknown): { value: unknown; redacted: boolean } {
  let redacted = false;
  const own = SECRET_RESULT_FIELDS[command] ?? [];
  if (own.length > 0 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    value = Object.fromEntries(
      Object.entries(value).map(([k, x]) => {
        if (!own.includes(k) || x === null || x === undefined) return [k, x];
        redacted = true;
        return [k, '[redacted]'];
      }),
    );
  }
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => {
          if (SECRET_FIELD.test(k) && x !== null && x !== undefined) {
            redacted = true;
            return [k, '[redacted]'];
          }
          return [k, walk(x)];
        }),
      );
    }
    if (typeof v === 'string' && HAS_TOKEN.test(v)) {
      redacted = true;
      return v.replace(TOKEN_LIKE, '[redacted]');
    }
    return v;
  };
  return { value: walk(value), redacted };
}

/** The server's base URL, checked: http(s), no credentials, TLS unless localhost or --insecure. */
function serverUrl(raw: string, insecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AttachError(`the server "${raw}" is not a URL; give e.g. https://keygrade.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AttachError(`the server URL must start with https:// (got ${url.protocol}//)`);
  if (url.username || url.password) throw new AttachError('the server URL must not contain a user name or password; pass the API token with --token or KEYGRADE_TOKEN');
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol === 'http:' && !local && !insecure) throw new AttachError(`refusing to send the API token over plain http to ${url.host}; use https://, or pass --insecure if you really mean it`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/** An HTTP answer as a sentence, saying what to do for the usual refusals. */
function explain(status: number, body: { error?: string; message?: string; problems?: { path: string; message: string }[] }, what: string, assessment: string): string {
  const m = body.message ? `${body.error ? `${body.error}: ` : ''}${body.message}` : `HTTP ${status}`;
  if (status === 401) return `${what}: the server refused the token (${m}); check KEYGRADE_TOKEN / --token`;
  if (status === 403) return `${what}: not allowed (${m}); the token needs the scopes org:read:<orgId> (to read the assessment's edition) and answer:write:<orgId> (to attach)`;
  if (status === 404) return `${what}: assessment ${assessment} not found on the server, or not visible to this token (${m})`;
  return `${what}: HTTP ${status} ${m}${body.problems?.length ? `\n${body.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}` : ''}`;
}

async function request(url: string, init: RequestInit, token: string, what: string, assessment: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}`, accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new AttachError(`${what}: cannot reach ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { message: text.slice(0, 200) };
  }
  if (!res.ok) throw new AttachError(explain(res.status, body, what, assessment));
  return body;
}

/** Control ids become their requirements; requirement ids stay; anything else is an error. */
export function expandIds(catalog: Catalog, edition: string, ids: readonly string[]): { requirements: string[]; unknown: string[] } {
  if (!catalog.has(edition)) return { requirements: [...new Set(ids)], unknown: [] };
  const index = indexEdition(catalog.edition(edition));
  const requirements: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const c = index.control(id);
    if (c) requirements.push(...c.requirements.map((r) => r.id));
    else if (index.requirement(id)) requirements.push(id);
    else unknown.push(id);
  }
  return { requirements: [...new Set(requirements)], unknown };
}

/**
 * After a command printed its result: attaches it when `--attach` was given. Returns the
 * command's own exit code, or 2 when the attach failed.
 */
export async function attachResult(io: Io, spec: CommandSpec, parsed: Parsed, result: unknown, code: number): Promise<number> {
  const { values } = parsed;
  const assessment = values.attach as string | undefined;
  if (assessment === undefined) return code;
  const token = (values.token as string | undefined) ?? io.env.KEYGRADE_TOKEN;
  const scrub = (s: string) => (token ? s.split(token).join('[token]') : s).replace(TOKEN_LIKE, '[token]');
  try {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(assessment)) throw new AttachError(`--attach: "${assessment}" is not an assessment id`);
    const raw = (values.server as string | undefined) ?? io.env.KEYGRADE_SERVER;
    if (!raw) throw new AttachError('--attach needs the server: --server <url> or KEYGRADE_SERVER');
    if (!token) throw new AttachError('--attach needs an API token with org:read and answer:write: KEYGRADE_TOKEN (or --token)');
    const base = serverUrl(raw, values.insecure === true).toString().replace(/\/+$/, '');
    const api = `${base}/api/assessments/${encodeURIComponent(assessment)}`;

    const got = await request(api, { method: 'GET' }, token, 'reading the assessment', assessment);
    const edition = String((got.assessment as { edition?: string } | undefined)?.edition ?? '');
    if (!edition) throw new AttachError('reading the assessment: the server did not say its edition');
    const extra = typeof values['attach-requirements'] === 'string' ? (values['attach-requirements'] as string).split(',').map((s) => s.trim()).filter(Boolean) : [];
    const { requirements, unknown } = expandIds(catalogFor(io), edition, [...evidencedIds(spec.name, result, edition), ...extra]);
    if (unknown.length > 0) throw new AttachError(`--attach-requirements: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} neither a control nor a requirement of ${edition}`);
    if (requirements.length === 0) throw new AttachError(`keygrade ${spec.name} is evidence for no requirement of ${edition} by default; name them with --attach-requirements <ids>`);

    const { parameters, inputs } = await describeArguments(io, spec, parsed);
    const r = redact(spec.name, result);
    const content = `${JSON.stringify(r.value, null, 2)}\n`;
    const names = inputs.map((i) => i.name).join(', ');
    const body = {
      title: `keygrade ${spec.name}${names ? ` (${names})` : ''}: ${code === EXIT.ok ? 'ok' : code === EXIT.checkFailed ? 'check failed' : `exit ${code}`}`.slice(0, 300),
      filename: `keygrade-${spec.name.replace(/\s+/g, '-')}-${io.now().toISOString().replace(/[:.]/g, '-')}.json`,
      content: Buffer.from(content).toString('base64'),
      sha256: createHash('sha256').update(content).digest('hex'),
      requirements,
      sourceSystem: (io.env.KEYGRADE_SOURCE_SYSTEM ?? `keygrade CLI on ${hostname()}`).slice(0, 300),
      tool: { name: `keygrade ${spec.name}`, version: VERSION },
      parameters,
      inputs,
    };
    const res = await request(`${api}/evidence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, token, 'attaching the result', assessment);
    const ev = res.evidence as { id: string; sha256: string };
    const linked = (res.linked as string[] | undefined) ?? [];
    const already = (res.alreadyLinked as string[] | undefined) ?? [];
    if (r.redacted) err(io, 'attach: secret fields of the result (private keys, dice or card sequences) were redacted in the evidence');
    err(io, `attached to assessment ${assessment} (${edition}): evidence ${ev.id} (sha256 ${ev.sha256})${linked.length ? `, linked to ${linked.join(', ')}` : ''}${already.length ? `${linked.length ? ';' : ','} already linked to ${already.join(', ')}` : ''}`);
    return code;
  } catch (e) {
    if (!(e instanceof AttachError)) throw e;
    err(io, scrub(`keygrade: --attach failed: ${e.message}`));
    return EXIT.usage;
  }
}
