/**
 * What changed between two versions of a register entry (issue 10: "diff between versions" of a
 * policy): every changed field by its path, and for multi-line text (a policy's text) the lines
 * removed and added, from a longest-common-subsequence alignment of the lines.
 */

/** One line of a text diff: kept, removed from the earlier version, or added in the later one. */
export interface LineChange {
  op: '=' | '-' | '+';
  text: string;
}

/** A changed field: `before` absent when added, `after` absent when removed. */
export interface FieldChange {
  /** Dotted path, list items by index: `approval.on`, `findings.1.remediation`. */
  path: string;
  before?: unknown;
  after?: unknown;
  /** For text fields with several lines in either version: the line diff. */
  lines?: LineChange[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (base: string, key: string | number) => (base === '' ? String(key) : `${base}.${key}`);

/** Longest texts aligned line by line (O(n·m) table; register texts are small). Above the bound, the texts are shown whole. */
const MAX_CELLS = 4_000_000;

/** The line diff of two texts: the fewest removed and added lines that turn `a` into `b`. */
export function diffLines(a: string, b: string): LineChange[] {
  const x = a.split(/\r?\n/);
  const y = b.split(/\r?\n/);
  // Common head and tail first: the usual edit touches a few lines in the middle.
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);
  const out: LineChange[] = x.slice(0, head).map((text) => ({ op: '=', text }));
  if ((xs.length + 1) * (ys.length + 1) > MAX_CELLS) {
    out.push(...xs.map((text) => ({ op: '-' as const, text })), ...ys.map((text) => ({ op: '+' as const, text })));
  } else {
    // lcs[i][j]: length of the longest common subsequence of xs[i..] and ys[j..].
    const w = ys.length + 1;
    const lcs = new Uint32Array((xs.length + 1) * w);
    for (let i = xs.length - 1; i >= 0; i--) {
      for (let j = ys.length - 1; j >= 0; j--) {
        lcs[i * w + j] = xs[i] === ys[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < xs.length || j < ys.length) {
      if (i < xs.length && j < ys.length && xs[i] === ys[j]) {
        out.push({ op: '=', text: xs[i]! });
        i++;
        j++;
      } else if (i < xs.length && (j === ys.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        out.push({ op: '-', text: xs[i++]! });
      } else {
        out.push({ op: '+', text: ys[j++]! });
      }
    }
  }
  out.push(...x.slice(x.length - tail).map((text) => ({ op: '=' as const, text })));
  return out;
}

/** Every field that differs between two versions of an entry, in the order the later version lists them. */
export function diffEntries(before: unknown, after: unknown, base = ''): FieldChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
    return keys.flatMap((k) => diffEntries(before[k], after[k], join(base, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => diffEntries(before[i], after[i], join(base, i))).flat();
  }
  if (before === after) return [];
  if (before === undefined) return [{ path: base, after }];
  if (after === undefined) return [{ path: base, before }];
  if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
    return [{ path: base, before, after, lines: diffLines(before, after) }];
  }
  if (typeof before !== 'object' && typeof after !== 'object') return [{ path: base, before, after }];
  // A value that changed shape (e.g. a text became a record): reported whole.
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: base, before, after }];
}
