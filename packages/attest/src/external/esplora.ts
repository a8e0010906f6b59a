/**
 * Block headers from an Esplora HTTP API (`GET /block-height/:height`, `GET /block/:hash/header`),
 * e.g. a self-hosted electrs/Esplora. A public instance is a third party: prefer your own node.
 */
import { fromHex, fromUtf8 } from '../bytes.js';
import { AttestError } from '../errors.js';
import { HEADER_SIZE } from '../ots/bitcoin.js';
import type { BlockHeaderSource } from '../ots/headers.js';
import { headerMatches } from './bitcoind.js';
import { fetchBytes, type HttpOptions } from './http.js';

export class EsploraHeaderSource implements BlockHeaderSource {
  readonly name: string;

  /** `baseUrl` e.g. `https://esplora.example/api` (no trailing slash). */
  constructor(
    private readonly baseUrl: string,
    private readonly options: HttpOptions = {},
  ) {
    this.name = `Esplora at ${baseUrl}`;
  }

  async headerAt(height: number): Promise<Uint8Array | undefined> {
    const hash = await this.text(`${this.baseUrl}/block-height/${height}`);
    if (hash === undefined) return undefined;
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new AttestError('OTS_HEADER_INVALID', `${this.name}: /block-height/${height} answered something other than a block hash`);
    const hex = await this.text(`${this.baseUrl}/block/${hash}/header`);
    const raw = hex === undefined ? undefined : fromHex(hex);
    if (!raw || raw.length !== HEADER_SIZE || !headerMatches(raw, hash)) throw new AttestError('OTS_HEADER_INVALID', `${this.name}: the header of ${hash} is missing or does not hash to it`);
    return raw;
  }

  private async text(url: string): Promise<string | undefined> {
    const b = await fetchBytes(url, { method: 'GET' }, this.options, 1024, 'OTS_HEADER_MISSING');
    return b === undefined ? undefined : fromUtf8(b)?.trim();
  }
}
