/** A small fetch wrapper shared by the network sources: timeouts, size limits, errors as AttestError. */
import { AttestError, type AttestErrorCode } from '../errors.js';

export type Fetch = typeof fetch;

export interface HttpOptions {
  readonly fetch?: Fetch;
  readonly timeoutMs?: number;
}

/** Fetches and returns the body bytes (at most `maxBytes`); undefined on 404. Every other failure throws `code`. */
export async function fetchBytes(url: string, init: RequestInit, options: HttpOptions, maxBytes: number, code: AttestErrorCode): Promise<Uint8Array | undefined> {
  const f = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (e) {
    throw new AttestError(code, `${url}: ${(e as Error).message}`);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new AttestError(code, `${url}: HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > maxBytes) throw new AttestError(code, `${url}: answer of ${body.length} bytes is larger than ${maxBytes}`);
  return body;
}
