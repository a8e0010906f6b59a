/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that
 * log entries, proofs and manifests are hashed and signed in.
 *
 * Object members are sorted by the UTF-16 code units of their names; numbers use the
 * ECMAScript shortest round-trip form (which is what RFC 8785 specifies); strings use the
 * JSON escapes of ECMAScript. Values JSON cannot represent exactly are refused rather than
 * silently changed: non-finite numbers, lone surrogates, undefined, functions, bigints.
 */

/** Thrown for a value that has no canonical JSON form; `path` names where it is. */
export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path || '(root)'}: ${message}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function str(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError('string holds a lone UTF-16 surrogate', path);
  return JSON.stringify(s);
}

function write(v: unknown, path: string, seen: Set<object>): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new CanonicalJsonError(`number ${v} has no JSON form`, path);
      return JSON.stringify(v); // -0 becomes 0, as RFC 8785 requires
    case 'string':
      return str(v, path);
    case 'object': {
      if (seen.has(v)) throw new CanonicalJsonError('value contains a cycle', path);
      seen.add(v);
      let out: string;
      if (Array.isArray(v)) {
        out = `[${v.map((x, i) => write(x, `${path}[${i}]`, seen)).join(',')}]`;
      } else {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError('only plain objects and arrays can be canonicalized', path);
        const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
        // Default sort compares UTF-16 code units, exactly the order RFC 8785 asks for.
        keys.sort();
        out = `{${keys.map((k) => `${str(k, path)}:${write((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k, seen)}`).join(',')}}`;
      }
      seen.delete(v);
      return out;
    }
    default:
      throw new CanonicalJsonError(`a ${typeof v} has no JSON form`, path);
  }
}

/** The RFC 8785 canonical JSON text of `value`. Object members whose value is `undefined` are left out. */
export function canonicalJson(value: unknown): string {
  return write(value, '', new Set());
}

/** The UTF-8 bytes of {@link canonicalJson}. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
