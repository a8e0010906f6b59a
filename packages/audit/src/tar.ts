/**
 * POSIX ustar archives (IEEE Std 1003.1, "pax" format without extended headers): enough to write
 * and read the audit file, whose entries are regular files with short paths. Pure: bytes in, bytes
 * out; gzip is the caller's (node:zlib). Reading refuses anything it does not understand, naming
 * the entry and the offset, rather than guessing.
 */
import { AuditError } from './errors.js';

const BLOCK = 512;
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export interface TarEntry {
  path: string;
  data: Uint8Array;
  /** Seconds since the epoch (default 0, so archives are reproducible). */
  mtime?: number;
}

function writeString(h: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = enc.encode(value);
  if (bytes.length > length) throw new AuditError('AUDIT_FILE_INVALID', `tar: "${value}" does not fit in ${length} bytes`);
  h.set(bytes, offset);
}

function writeOctal(h: Uint8Array, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new AuditError('AUDIT_FILE_INVALID', `tar: ${value} does not fit in a ${length}-byte field`);
  writeString(h, offset, length, `${digits.padStart(length - 1, '0')}\0`);
}

/** Splits a path into ustar `prefix` and `name` (≤ 155 and ≤ 100 bytes), at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (enc.encode(path).length <= 100) return { prefix: '', name: path };
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(name).length <= 100 && name.length > 0) return { prefix, name };
  }
  throw new AuditError('AUDIT_FILE_INVALID', `tar: the path ${path} is too long for a ustar header`);
}

function header(path: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const { prefix, name } = splitPath(path);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h[156] = 0x30; // '0': regular file
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** Writes a ustar archive of regular files, in the given order. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const seen = new Set<string>();
  let total = 2 * BLOCK;
  for (const e of entries) {
    if (!isSafePath(e.path)) throw new AuditError('AUDIT_FILE_INVALID', `tar: ${JSON.stringify(e.path)} is not a safe relative path`);
    if (seen.has(e.path)) throw new AuditError('AUDIT_FILE_INVALID', `tar: ${e.path} is listed twice`);
    seen.add(e.path);
    total += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out.set(header(e.path, e.data.length, e.mtime ?? 0), at);
    at += BLOCK;
    out.set(e.data, at);
    at += Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out;
}

/** A relative path without `..`, empty segments, backslashes or control characters. */
export function isSafePath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\\')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

function readString(h: Uint8Array, offset: number, length: number): string {
  const field = h.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return dec.decode(end === -1 ? field : field.subarray(0, end));
}

function readOctal(h: Uint8Array, offset: number, length: number, what: string, at: number): number {
  const text = readString(h, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new AuditError('AUDIT_FILE_INVALID', `tar: the ${what} field of the header at byte ${at} is not an octal number`);
  return text === '' ? 0 : parseInt(text, 8);
}

/** Reads the regular files of a ustar archive; refuses links, devices, bad checksums and unsafe paths. */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const out: TarEntry[] = [];
  const seen = new Set<string>();
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) return out;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (readOctal(h, 148, 8, 'checksum', at) !== sum) throw new AuditError('AUDIT_FILE_INVALID', `tar: the header at byte ${at} has a wrong checksum (damaged archive?)`);
    const prefix = readString(h, 345, 155);
    const name = readString(h, 0, 100);
    const path = prefix ? `${prefix}/${name}` : name;
    const type = h[156];
    const size = readOctal(h, 124, 12, 'size', at);
    const start = at + BLOCK;
    if (start + size > bytes.length) throw new AuditError('AUDIT_FILE_INVALID', `tar: ${path} claims ${size} bytes but the archive ends first (truncated?)`);
    if (type === 0x30 || type === 0) {
      if (!isSafePath(path)) throw new AuditError('AUDIT_FILE_INVALID', `tar: ${JSON.stringify(path)} is not a safe relative path`);
      if (seen.has(path)) throw new AuditError('AUDIT_FILE_INVALID', `tar: ${path} appears twice`);
      seen.add(path);
      out.push({ path, data: bytes.slice(start, start + size), mtime: readOctal(h, 136, 12, 'mtime', at) });
    } else if (type !== 0x35) {
      throw new AuditError('AUDIT_FILE_INVALID', `tar: ${path} is not a regular file (type ${String.fromCharCode(type ?? 0x3f)}); the audit file holds only files`);
    }
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new AuditError('AUDIT_FILE_INVALID', 'tar: the archive ends without its end-of-archive blocks (truncated?)');
}
