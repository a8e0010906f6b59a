/**
 * Shared pieces of the browser suite: the server URL (set by scripts/test-browser.mjs), Chromium,
 * a TOTP generator (RFC 6238 over HMAC-SHA1, RFC 2104) for the MFA steps, API shortcuts that set a
 * user up without clicking, and helpers for screenshots and keyboard navigation.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The running server, or undefined when the suite runs outside scripts/test-browser.mjs. */
export const BASE = process.env.KEYGRADE_E2E_URL;
const SHOTS = process.env.KEYGRADE_E2E_SCREENSHOTS;

/** The skip reason when there is no server (the unit-test runner also finds these files). */
export const NO_SERVER = BASE ? false : 'needs the running server and Chromium: run `node scripts/test-browser.mjs`';

const openapi: { paths?: Record<string, unknown> } | null = BASE ? ((await (await fetch(`${BASE}/api/openapi.json`)).json()) as { paths?: Record<string, unknown> }) : null;

/**
 * `false` when the server has every route (OpenAPI paths, `{param}` style), else the skip reason
 * naming the missing ones; so steps that need routes not yet built are skipped, and say why.
 */
export function needs(...paths: string[]): string | false {
  if (!BASE) return NO_SERVER;
  const have = new Set(Object.keys(openapi?.paths ?? {}));
  const missing = paths.filter((p) => !have.has(p));
  return missing.length === 0 ? false : `the server has no route ${missing.join(', ')} yet`;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.KEYGRADE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A desktop context (1280×800, English) unless told otherwise. */
export async function newContext(browser: Browser, opts: { width?: number; height?: number; locale?: string; mobile?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: BASE,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    locale: opts.locale ?? 'en-US',
    acceptDownloads: true,
    ...(opts.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
}

/** Collects console errors and CSP violations of a page, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

// ---- TOTP (RFC 6238 with HMAC-SHA1, 30 s steps, 6 digits) ---------------------------------------

/** RFC 4648 §6 base32, case-insensitive, padding and spaces ignored. */
export function base32Decode(s: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = s.toUpperCase().replace(/[\s=]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** The HOTP value (RFC 4226 §5.3, dynamic truncation) of `counter`. */
export function hotp(key: Uint8Array, counter: number, digits = 6): string {
  const msg = new Uint8Array(8);
  new DataView(msg.buffer).setBigUint64(0, BigInt(counter));
  const mac = hmac(sha1, key, msg);
  const offset = mac[19]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The TOTP code (RFC 6238 §4) of a base32 secret at `ms`. */
export function totp(secretBase32: string, ms = Date.now(), digits = 6): string {
  return hotp(base32Decode(secretBase32), Math.floor(ms / 1000 / 30), digits);
}

/** Waits for the next 30-second step, so a fresh code is never one already used. */
export async function nextStep(): Promise<void> {
  const ms = 30_000 - (Date.now() % 30_000) + 200;
  await new Promise((r) => setTimeout(r, ms));
}

// ---- API shortcuts ----------------------------------------------------------------------------

export interface ApiUser {
  email: string;
  password: string;
  cookie: string;
  csrf: string;
  secret?: string;
}

async function call(user: Pick<ApiUser, 'cookie' | 'csrf'> | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; setCookie: string | null }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (user?.cookie) headers.cookie = user.cookie;
  if (user?.csrf && method !== 'GET') headers['x-csrf-token'] = user.csrf;
  const res = await fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, setCookie: res.headers.get('set-cookie') };
}

/** POST/PUT/GET as `user`; throws with the answer unless 2xx. */
export async function apiAs<T = Record<string, unknown>>(user: ApiUser, method: string, path: string, body?: unknown): Promise<T> {
  const r = await call(user, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as T;
}

let counter = 0;
/** A user signed up through the API, with MFA enabled and an organization of which they are owner. */
export async function apiUserWithOrg(orgName: string): Promise<ApiUser & { orgId: string }> {
  const email = `e2e-${process.pid}-${Date.now()}-${++counter}@example.com`;
  const password = 'correct horse battery staple 42';
  const s = await call(null, 'POST', '/api/auth/signup', { email, password, name: 'E2E Tester' });
  if (s.status !== 201 || !s.setCookie) throw new Error(`signup: ${s.status} ${JSON.stringify(s.json)}`);
  const cookie = s.setCookie.split(';')[0]!;
  const session = await call({ cookie, csrf: '' }, 'GET', '/api/auth/session');
  const user: ApiUser = { email, password, cookie, csrf: String(session.json.csrfToken) };
  const setup = await apiAs<{ secret: string }>(user, 'POST', '/api/auth/mfa/setup');
  await apiAs(user, 'POST', '/api/auth/mfa/enable', { code: totp(setup.secret) });
  user.secret = setup.secret;
  const org = await apiAs<{ org: { id: string } }>(user, 'POST', '/api/orgs', { name: orgName });
  return { ...user, orgId: org.org.id };
}

/** Puts the API user's session cookie into a browser context. */
export async function signInContext(context: BrowserContext, user: ApiUser): Promise<void> {
  const [name, ...rest] = user.cookie.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: BASE! }]);
}

/** Presses Tab until `pred` holds for the focused element; returns the number of presses. */
export async function tabUntil(page: Page, pred: (el: { tag: string; text: string; label: string; href: string; inReq: boolean }) => boolean, max = 80): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a) return { tag: '', text: '', label: '', href: '', inReq: false };
      const id = a.id;
      const label = id ? (document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent ?? '') : '';
      return { tag: a.tagName.toLowerCase(), text: (a.textContent ?? '').trim(), label: label || a.getAttribute('aria-label') || '', href: a.getAttribute('href') ?? '', inReq: a.closest('.req') !== null };
    });
    if (pred(el)) return i;
  }
  throw new Error(`focus never reached the element after ${max} Tab presses`);
}
