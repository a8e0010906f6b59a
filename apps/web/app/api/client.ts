/**
 * The one API client. Same-origin fetches with the HttpOnly session cookie; every state-changing
 * request carries `x-csrf-token` (platform.md "Conventions"). The CSRF token lives in memory only,
 * never in web storage. 401 and 403 MFA_REQUIRED are announced to the app shell, which sends the
 * user to sign-in or MFA set-up.
 */
export interface Problem {
  path: string;
  message: string;
}

/** An answer of the API that is not 2xx, with the contract's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Listener = (e: ApiError) => void;
let csrfToken: string | null = null;
const listeners = new Set<Listener>();

/** Set from GET /api/auth/session; cleared on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called for every 401 and every 403 MFA_REQUIRED (except on the /api/auth/* routes that expect them). */
export function onAuthProblem(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function errorOf(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // not JSON (a proxy page, an empty body): keep the status
  }
  const code = typeof body.error === 'string' ? body.error : `HTTP_${res.status}`;
  const message = typeof body.message === 'string' ? body.message : res.statusText;
  const problems = Array.isArray(body.problems) ? (body.problems as Problem[]) : [];
  return new ApiError(res.status, code, message, problems, body);
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Do not announce 401/403 MFA_REQUIRED (sign-in, the session probe). */
  quiet?: boolean;
}

/** Sends a request and returns the raw Response when 2xx; throws ApiError otherwise. */
export async function send(path: string, opts: RequestOptions = {}): Promise<Response> {
  const method = opts.method ?? (opts.json !== undefined || opts.body !== undefined ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  if (res.ok) return res;
  const e = await errorOf(res);
  if (!opts.quiet && (e.status === 401 || (e.status === 403 && e.code === 'MFA_REQUIRED'))) for (const l of listeners) l(e);
  throw e;
}

/** JSON request; 204 gives undefined. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** The file name of a content-disposition header (RFC 6266), or the fallback. */
export function fileNameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain?.[1] ?? fallback;
}

/** Fetches a download and saves it through a temporary object URL (no page navigation). */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await send(path, { headers: { accept: '*/*' } });
  const blob = await res.blob();
  const name = fileNameOf(res, fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** URL path segment encoding for ids. */
export const seg = encodeURIComponent;
