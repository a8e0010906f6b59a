/**
 * Server configuration from the environment and an optional file (and defaults that make
 * `npm start` work on a fresh clone). The file, named by KEYGRADE_CONFIG, is YAML or JSON with the
 * same KEYGRADE_* names; the environment overrides it. Validated at start-up; a bad value stops
 * the server with a message naming the variable (and the file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BaseError } from '@keygrade/errors';

export class ConfigError extends BaseError<'CONFIG_INVALID'> {}

const schema = z.object({
  KEYGRADE_DATABASE_URL: z.string().optional(),
  KEYGRADE_DATA_DIR: z.string().default('data'),
  KEYGRADE_MASTER_KEY: z.string().optional(),
  KEYGRADE_LOG_ORIGIN: z
    .string()
    .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/i, 'a host name with an optional port and path, e.g. keygrade.example.com')
    .default('keygrade.localhost'),
  KEYGRADE_HOST: z.string().default('127.0.0.1'),
  KEYGRADE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  KEYGRADE_ALERT_WEBHOOK: z.url().optional(),
  KEYGRADE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KEYGRADE_SEQUENCER: z.enum(['on', 'off']).default('on'),
  KEYGRADE_EVIDENCE_MAX_BYTES: z.coerce.number().int().min(1).max(2 ** 40).default(50 * 1024 * 1024),
  KEYGRADE_CJK_FONT: z.string().optional(),
  KEYGRADE_COOKIE_SECURE: z.enum(['auto', 'always']).default('auto'),
  KEYGRADE_TRUST_PROXY: z.enum(['off', 'on']).default('off'),
  KEYGRADE_OTS_CALENDARS: z
    .string()
    .default('')
    .refine((v) => v.split(',').map((x) => x.trim()).filter(Boolean).every((u) => /^https:\/\/[^\s/]+(\/\S*)?$/.test(u)), 'comma-separated https:// calendar URLs, e.g. https://a.pool.opentimestamps.org'),
});

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  masterKey: string | undefined;
  masterKeyFile: string;
  logOrigin: string;
  host: string;
  port: number;
  alertWebhook: string | undefined;
  logLevel: string;
  sequencer: boolean;
  /** Evidence files, content-addressed (default `<data dir>/evidence`). */
  evidenceDir: string;
  evidenceMaxBytes: number;
  /** A TTF/OTF font with CJK glyphs, for zh-CN PDF reports. */
  cjkFont: string | undefined;
  /** Mark session cookies Secure even on plain HTTP (the server sits behind a TLS proxy). */
  secureCookies: boolean;
  /** Take the client address and protocol from X-Forwarded-* (only behind a proxy you control). */
  trustProxy: boolean;
  /** OpenTimestamps calendars the registry's checkpoints are stamped with; none: stamping is off. */
  otsCalendars: string[];
}

/** The settings of a configuration file: a YAML or JSON mapping of KEYGRADE_* names to scalars. */
function readConfigFile(path: string): Record<string, string> {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('CONFIG_INVALID', `cannot read the configuration file ${path}: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError('CONFIG_INVALID', `the configuration file ${path} must be a mapping of KEYGRADE_* settings`);
  const out: Record<string, string> = {};
  const problems: { path: string; message: string }[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (!(k in schema.shape)) problems.push({ path: `${path}: ${k}`, message: `unknown setting; known: ${Object.keys(schema.shape).join(', ')}` });
    else if (k === 'KEYGRADE_MASTER_KEY') problems.push({ path: `${path}: ${k}`, message: 'keep the master key out of configuration files: use the environment or the key file' });
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.push({ path: `${path}: ${k}`, message: 'must be a string, number or boolean' });
  }
  if (problems.length > 0) throw new ConfigError('CONFIG_INVALID', `the configuration file ${path} is not valid`, { problems });
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const file = env.KEYGRADE_CONFIG ? resolve(cwd, env.KEYGRADE_CONFIG) : undefined;
  if (file && !existsSync(file)) throw new ConfigError('CONFIG_INVALID', `KEYGRADE_CONFIG names ${file}, which does not exist`);
  const merged = { ...(file ? readConfigFile(file) : {}), ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('KEYGRADE_'))) };
  const r = schema.safeParse(merged);
  if (!r.success) {
    throw new ConfigError('CONFIG_INVALID', `the server configuration${file ? ` (environment and ${file})` : ''} is not valid`, {
      problems: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const c = r.data;
  const dataDir = resolve(cwd, c.KEYGRADE_DATA_DIR);
  if (c.KEYGRADE_CJK_FONT && !existsSync(resolve(cwd, c.KEYGRADE_CJK_FONT))) {
    throw new ConfigError('CONFIG_INVALID', 'the server configuration is not valid', { problems: [{ path: 'KEYGRADE_CJK_FONT', message: `no font file at ${resolve(cwd, c.KEYGRADE_CJK_FONT)}` }] });
  }
  return {
    databaseUrl: c.KEYGRADE_DATABASE_URL ?? resolve(dataDir, 'keygrade.sqlite'),
    dataDir,
    masterKey: c.KEYGRADE_MASTER_KEY,
    masterKeyFile: resolve(dataDir, 'master.key'),
    logOrigin: c.KEYGRADE_LOG_ORIGIN,
    host: c.KEYGRADE_HOST,
    port: c.KEYGRADE_PORT,
    alertWebhook: c.KEYGRADE_ALERT_WEBHOOK,
    logLevel: c.KEYGRADE_LOG_LEVEL,
    sequencer: c.KEYGRADE_SEQUENCER === 'on',
    evidenceDir: resolve(dataDir, 'evidence'),
    evidenceMaxBytes: c.KEYGRADE_EVIDENCE_MAX_BYTES,
    cjkFont: c.KEYGRADE_CJK_FONT ? resolve(cwd, c.KEYGRADE_CJK_FONT) : undefined,
    secureCookies: c.KEYGRADE_COOKIE_SECURE === 'always',
    trustProxy: c.KEYGRADE_TRUST_PROXY === 'on',
    otsCalendars: c.KEYGRADE_OTS_CALENDARS.split(',').map((x) => x.trim()).filter(Boolean),
  };
}
