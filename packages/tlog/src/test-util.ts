// Test-only helpers (excluded from the build): vector files, reference RFC 9162 definitions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { base64, hex } from '@scure/base';
import { leafHash, nodeHash } from './hash.js';
import { TlogError, type TlogErrorCode } from './errors.js';

/** The vectors directory, or undefined when the test runner did not set one that exists. */
export function vectorsDir(): string | undefined {
  const d = process.env.KEYGRADE_VECTORS_DIR;
  return d && existsSync(d) ? d : undefined;
}

export const NO_VECTORS = 'KEYGRADE_VECTORS_DIR not set: vector tests skipped';

/** JSON files under dir, recursively, as [path relative to dir, parsed]. */
export function jsonFiles(dir: string): [string, unknown][] {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.json') ? [join(d, e.name)] : []));
  return walk(dir)
    .sort()
    .map((f) => [relative(dir, f), JSON.parse(readFileSync(f, 'utf8')) as unknown]);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** Non-strict decode for vector inputs (they are canonical, but "" must give 0 bytes). */
export const b64 = (s: string): Uint8Array => base64.decode(s);
export const fromHex = (s: string): Uint8Array => hex.decode(s);
export const toHex = (b: Uint8Array): string => hex.encode(b);

/** A predicate for assert.throws: a TlogError with one of the codes. */
export function tlogCode(...codes: TlogErrorCode[]): (e: unknown) => boolean {
  return (e) => {
    if (!(e instanceof TlogError)) return false;
    if (codes.length > 0 && !codes.includes(e.code)) throw new Error(`expected ${codes.join(' or ')}, got ${e.code}: ${e.message}`);
    return true;
  };
}

/** n distinct leaf hashes (leaf i hashes the 4-byte big-endian i, plus a salt). */
export function leaves(n: number, salt = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(salt, i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255)));
}

/** Largest power of two below n (n >= 2), written the plain way. */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** RFC 9162 §2.1.1 MTH, recursively, straight from the definition. */
export function refRoot(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 1) return d[0]!;
  const s = k(d.length);
  return nodeHash(refRoot(d.slice(0, s)), refRoot(d.slice(s)));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
export function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...refPath(m, d.slice(0, s)), refRoot(d.slice(s))] : [...refPath(m - s, d.slice(s)), refRoot(d.slice(0, s))];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b). */
export function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refRoot(d)];
  const s = k(d.length);
  return m <= s ? [...refSubproof(m, d.slice(0, s), b), refRoot(d.slice(s))] : [...refSubproof(m - s, d.slice(s), false), refRoot(d.slice(0, s))];
}

/** A copy of `b` with bit `bit` flipped. */
export function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const c = b.slice();
  c[bit >> 3]! ^= 1 << (bit & 7);
  return c;
}
