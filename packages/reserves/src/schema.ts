/**
 * Defensive readers for attacker-controlled JSON (proofs and manifests come from the exchange
 * being checked): every field is type-checked, unknown fields are refused, and every problem
 * is reported with its field path.
 */
import type { Problem } from '@keygrade/errors';
import { isHex } from './bytes.js';

/** Collects problems while reading one document. */
export class Reader {
  readonly problems: Problem[] = [];

  constructor(readonly file?: string) {}

  problem(path: string, message: string): void {
    this.problems.push({ ...(this.file ? { file: this.file } : {}), path, message });
  }

  /** An object with exactly the listed keys (optional ones end with `?`); undefined when it is not one. */
  object(v: unknown, path: string, keys: readonly string[]): Record<string, unknown> | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.problem(path, 'must be an object');
      return undefined;
    }
    const o = v as Record<string, unknown>;
    const names = keys.map((k) => k.replace(/\?$/, ''));
    for (const k of Object.keys(o)) if (!names.includes(k)) this.problem(join(path, k), 'unknown field');
    keys.forEach((k, i) => {
      if (!k.endsWith('?') && !(names[i]! in o)) this.problem(join(path, names[i]!), 'is missing');
    });
    return o;
  }

  string(v: unknown, path: string): string | undefined {
    if (typeof v === 'string') return v;
    this.problem(path, 'must be a string');
    return undefined;
  }

  /** Lowercase hex of `bytes` bytes. */
  hex(v: unknown, path: string, bytes: number): string | undefined {
    if (isHex(v, bytes)) return v;
    this.problem(path, `must be ${bytes * 2} lowercase hex digits`);
    return undefined;
  }

  /** A non-negative safe integer (JSON number). */
  count(v: unknown, path: string): number | undefined {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    this.problem(path, 'must be a non-negative integer');
    return undefined;
  }

  /**
   * An integer written as a decimal string. Sign, leading zeros and range are checked when the
   * proof is verified (they make it invalid, not unreadable).
   */
  integer(v: unknown, path: string): string | undefined {
    if (typeof v === 'string' && /^-?[0-9]{1,80}$/.test(v)) return v;
    this.problem(path, 'must be an integer written as a decimal string');
    return undefined;
  }

  array(v: unknown, path: string, max = 1 << 20): unknown[] | undefined {
    if (Array.isArray(v) && v.length <= max) return v;
    this.problem(path, Array.isArray(v) ? `has more than ${max} entries` : 'must be an array');
    return undefined;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
