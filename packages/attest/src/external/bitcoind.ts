/**
 * Block headers from a Bitcoin Core node over JSON-RPC (`getblockhash`, `getblockheader <hash>
 * false`). The node you run is the strongest header source: it has validated the chain itself.
 */
import { bytesEqual, fromHex, fromUtf8 } from '../bytes.js';
import { AttestError } from '../errors.js';
import { displayHash, HEADER_SIZE, hash256 } from '../ots/bitcoin.js';
import type { BlockHeaderSource } from '../ots/headers.js';
import { fetchBytes, type HttpOptions } from './http.js';

export interface BitcoindOptions extends HttpOptions {
  /** e.g. `http://127.0.0.1:8332` */
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
}

export class BitcoindHeaderSource implements BlockHeaderSource {
  readonly name: string;

  constructor(private readonly options: BitcoindOptions) {
    this.name = `bitcoind at ${options.url}`;
  }

  async headerAt(height: number): Promise<Uint8Array | undefined> {
    const hash = await this.call('getblockhash', [height]);
    if (hash === undefined) return undefined;
    const hex = await this.call('getblockheader', [hash, false]);
    const raw = typeof hex === 'string' ? fromHex(hex) : undefined;
    if (!raw || raw.length !== HEADER_SIZE || displayHash(hash256(raw)) !== hash) throw new AttestError('OTS_HEADER_INVALID', `${this.name}: getblockheader answered something other than the header of ${String(hash)}`);
    return raw;
  }

  private async call(method: string, params: unknown[]): Promise<string | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.user !== undefined) headers.authorization = `Basic ${btoa(`${this.options.user}:${this.options.password ?? ''}`)}`;
    const body = await fetchBytes(this.options.url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '1.0', id: 'keygrade', method, params }) }, this.options, 1 << 16, 'OTS_HEADER_MISSING');
    const text = body === undefined ? undefined : fromUtf8(body);
    let reply: { result?: unknown; error?: { code?: number; message?: string } | null };
    try {
      reply = JSON.parse(text ?? 'null') as typeof reply;
    } catch {
      throw new AttestError('OTS_HEADER_MISSING', `${this.name}: ${method} did not answer JSON`);
    }
    // -8: block height out of range (not mined yet)
    if (reply?.error) {
      if (reply.error.code === -8) return undefined;
      throw new AttestError('OTS_HEADER_MISSING', `${this.name}: ${method}: ${reply.error.message ?? 'error'}`);
    }
    return typeof reply?.result === 'string' ? reply.result : undefined;
  }
}

/** True when a header hashes to the display-order block hash (helper for sources that return both). */
export function headerMatches(raw: Uint8Array, displayOrderHash: string): boolean {
  const h = fromHex(displayOrderHash);
  return h !== undefined && bytesEqual(hash256(raw).reverse(), h);
}
