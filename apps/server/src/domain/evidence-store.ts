/**
 * Evidence files on disk, content-addressed by SHA-256: `<dir>/<aa>/<sha256>`. A file is streamed
 * to a temporary name while it is hashed and counted; only a complete file within the size limit
 * is renamed into place, so an oversized or interrupted upload leaves nothing behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openSync, renameSync, rmSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export class EvidenceTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than the limit of ${limit} bytes`);
  }
}

export interface StoredFile {
  sha256: string;
  size: number;
  /** The type sniffed from the content (never the client's claim). */
  contentType: string;
}

/** The content type of a file from its first bytes; text when it is valid UTF-8 without NULs. */
export function sniffContentType(head: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((b, i) => head[i] === b);
  const ascii = (s: string) => starts(...Array.from(s, (c) => c.charCodeAt(0)));
  if (ascii('%PDF-')) return 'application/pdf';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'image/gif';
  if (ascii('RIFF') && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50) return 'image/webp';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'application/zip';
  if (starts(0x1f, 0x8b)) return 'application/gzip';
  if (head.length === 0) return 'application/octet-stream';
  if (head.includes(0)) return 'application/octet-stream';
  try {
    // A multi-byte character may be cut at the end of the sample: allow up to 3 trailing bytes.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
  } catch {
    return 'application/octet-stream';
  }
  const text = new TextDecoder().decode(head).trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'application/json';
  return 'text/plain; charset=utf-8';
}

export class EvidenceStore {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  open(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }

  /** Streams `source` into the store. Throws EvidenceTooLarge (and keeps nothing) above the limit. */
  async put(source: Readable): Promise<StoredFile> {
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    const tmp = join(this.dir, 'tmp', randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const limit = this.maxBytes;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) return done(new EvidenceTooLarge(limit));
        if (head.length < 4096) head = Buffer.concat([head, chunk.subarray(0, 4096 - head.length)]);
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      // The file is created here, synchronously, so a failure below always finds it to remove
      // (with an asynchronous open, the file could appear after the clean-up).
      await pipeline(source, meter, createWriteStream('', { fd: openSync(tmp, 'wx', 0o600) }));
      // @fastify/multipart truncates instead of failing when its own limit is hit.
      if ((source as Readable & { truncated?: boolean }).truncated) throw new EvidenceTooLarge(limit);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    const sha256 = hash.digest('hex');
    const final = this.pathOf(sha256);
    mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    if (existsSync(final)) rmSync(tmp, { force: true });
    else renameSync(tmp, final);
    return { sha256, size, contentType: sniffContentType(head) };
  }
}
