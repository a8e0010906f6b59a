/**
 * Reading a log over HTTP as C2SP tlog-tiles describes it: `<base>/checkpoint`, `<base>/tile/…`
 * and `<base>/tile/entries/…`, where `<base>` is `<server>/logs/<name>`. This is the only place
 * the log verifier and the witness touch the network; tests pass their own `fetch`.
 */
import { decodeEntryBundle, entriesPath, tilePath, type Tile } from '@keygrade/tlog';

export type Fetch = typeof fetch;

export class HttpLogError extends Error {}

export class HttpLog {
  readonly base: string;
  readonly #token: string | undefined;
  readonly #fetch: Fetch;

  constructor(server: string, log: string, opts: { token?: string | undefined; fetch?: Fetch } = {}) {
    this.base = `${server.replace(/\/+$/, '')}/logs/${encodeURIComponent(log)}`;
    this.#token = opts.token;
    this.#fetch = opts.fetch ?? fetch;
  }

  async #get(path: string, auth = false): Promise<Response> {
    const url = `${this.base}/${path}`;
    let res: Response;
    try {
      res = await this.#fetch(url, { headers: auth && this.#token ? { authorization: `Bearer ${this.#token}` } : {}, signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new HttpLogError(`cannot reach ${url}: ${(e as Error).message}`);
    }
    if (!res.ok) {
      const body = await res.text().catch(() => '');
      let message = body.slice(0, 200);
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? message;
      } catch {
        /* plain text */
      }
      throw new HttpLogError(`${url}: HTTP ${res.status}${message ? ` — ${message}` : ''}`);
    }
    return res;
  }

  async checkpoint(): Promise<string> {
    return (await this.#get('checkpoint')).text();
  }

  async tile(t: Tile): Promise<Uint8Array> {
    return new Uint8Array(await (await this.#get(tilePath(t))).arrayBuffer());
  }

  /** The entries of bundle `index` (the first `width` of them). Needs a token with log:read. */
  async entries(index: number, width: number): Promise<Uint8Array[]> {
    const data = new Uint8Array(await (await this.#get(entriesPath(index, width), true)).arrayBuffer());
    const entries = decodeEntryBundle(data);
    if (entries.length !== width) throw new HttpLogError(`${entriesPath(index, width)}: expected ${width} entries, got ${entries.length}`);
    return entries;
  }

  async postCosignature(note: string): Promise<void> {
    const url = `${this.base}/cosignature`;
    const res = await this.#fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: note, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new HttpLogError(`${url}: HTTP ${res.status} — ${(await res.text()).slice(0, 200)}`);
  }
}
