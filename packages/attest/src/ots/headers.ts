/**
 * Where block headers come from. Verification takes any `BlockHeaderSource`; the headers file
 * implemented here is the offline one. Network sources (bitcoind RPC, Esplora) live in
 * `../external/`, so verifying never fetches anything by itself.
 *
 * A headers file is one of (hex = the 80-byte header, either case):
 * - a JSON object `{ "<height>": "<hex>", … }`,
 * - a JSON array `[{ "height": n, "header": "<hex>" }, …]`,
 * - NDJSON: one `{ "height": n, "header": "<hex>" }` per line.
 * Heights appear once; where two consecutive heights are present the later header must link to
 * the earlier one's hash, so a file cannot mix two chains.
 */
import { bytesEqual, fromHex, fromUtf8 } from '../bytes.js';
import { AttestError } from '../errors.js';
import { isObject } from '../keys.js';
import { HEADER_SIZE, parseBlockHeader, type BlockHeader } from './bitcoin.js';

/** Gives the 80-byte header of the best-chain block at a height, or undefined when unknown. */
export interface BlockHeaderSource {
  readonly name: string;
  headerAt(height: number): Promise<Uint8Array | undefined>;
}

/** An in-memory source built from a headers file's contents. */
export class HeadersFileSource implements BlockHeaderSource {
  readonly name: string;
  private readonly headers: ReadonlyMap<number, BlockHeader>;

  constructor(headers: ReadonlyMap<number, BlockHeader>, name = 'headers file') {
    this.headers = headers;
    this.name = name;
  }

  /** Parses a headers file (untrusted). Throws OTS_HEADERS_FILE naming the entry. */
  static parse(content: string | Uint8Array, name = 'headers file'): HeadersFileSource {
    return new HeadersFileSource(parseHeadersFile(content), name);
  }

  get heights(): number[] {
    return [...this.headers.keys()].sort((a, b) => a - b);
  }

  async headerAt(height: number): Promise<Uint8Array | undefined> {
    return this.headers.get(height)?.raw;
  }
}

/** Parses a headers file into height → header, checking hex, size, duplicates and chain links. */
export function parseHeadersFile(content: string | Uint8Array): Map<number, BlockHeader> {
  const text = typeof content === 'string' ? content : fromUtf8(content);
  if (text === undefined) throw new AttestError('OTS_HEADERS_FILE', 'the headers file is not UTF-8 text');
  const entries: { height: unknown; header: unknown; where: string }[] = [];
  let value: unknown;
  let json = true;
  try {
    value = JSON.parse(text);
  } catch {
    json = false;
  }
  if (json && Array.isArray(value)) value.forEach((e: unknown, i) => entries.push(entry(e, `[${i}]`)));
  else if (json && isObject(value) && 'height' in value) entries.push(entry(value, 'line 1')); // NDJSON of one line
  else if (json && isObject(value)) for (const [h, x] of Object.entries(value)) entries.push({ height: /^(0|[1-9][0-9]*)$/.test(h) ? Number(h) : h, header: x, where: `"${h}"` });
  else {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        throw new AttestError('OTS_HEADERS_FILE', `headers file line ${i + 1}: not JSON (expected a JSON object, a JSON array or NDJSON)`);
      }
      entries.push(entry(e, `line ${i + 1}`));
    });
  }
  const map = new Map<number, BlockHeader>();
  for (const e of entries) {
    if (typeof e.height !== 'number' || !Number.isSafeInteger(e.height) || e.height < 0) throw new AttestError('OTS_HEADERS_FILE', `headers file ${e.where}: height must be a non-negative integer`);
    const raw = typeof e.header === 'string' ? fromHex(e.header) : undefined;
    if (!raw || raw.length !== HEADER_SIZE) throw new AttestError('OTS_HEADERS_FILE', `headers file ${e.where}: header must be ${HEADER_SIZE * 2} hex digits`);
    if (map.has(e.height)) throw new AttestError('OTS_HEADERS_FILE', `headers file ${e.where}: height ${e.height} appears twice`);
    map.set(e.height, parseBlockHeader(raw));
  }
  for (const [h, header] of map) {
    const prev = map.get(h - 1);
    if (prev && !bytesEqual(header.prevHash, prev.hash)) throw new AttestError('OTS_HEADERS_FILE', `headers file: the header at ${h} does not link to the header at ${h - 1}`);
  }
  return map;
}

function entry(e: unknown, where: string): { height: unknown; header: unknown; where: string } {
  if (!isObject(e)) throw new AttestError('OTS_HEADERS_FILE', `headers file ${where}: expected { "height", "header" }`);
  return { height: e.height, header: e.header, where };
}
