/**
 * YAML input with located errors: parse a document, keep line numbers, validate with a
 * zod schema, and report every failing field with file, line and path.
 * Used for the catalog's own data and for user files (assessments).
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Problem } from '@keygrade/errors';

export type PathSegment = string | number;

/** A parsed YAML document that can say where a field path is. */
export interface LocatedYaml {
  file: string;
  doc: Document.Parsed;
  /** The document as plain data (undefined when empty). */
  data: unknown;
  /** 1-based line and column of the node at `path`, or of its closest existing ancestor. */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined;
  /** A problem at `path` with a printable path. */
  problem(path: readonly PathSegment[], message: string): Problem;
}

/** Renders a field path as `a.b[2]."1.1.3.L2"`: keys with dots are quoted so the path is unambiguous. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `${out ? '.' : ''}"${seg}"`;
  }
  return out;
}

/**
 * Parses YAML text. Syntax errors and duplicate keys are returned as problems (never thrown),
 * each with its line and column.
 */
export function parseLocatedYaml(file: string, text: string): { yaml?: LocatedYaml; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    const firstLine = e.message.split('\n')[0] ?? e.message;
    const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]+)/.exec(text.slice(e.pos[0]))?.[1]?.trim() ?? '';
    const message = e.code === 'DUPLICATE_KEY' ? `duplicate key ${key}: it appears twice in the same mapping` : firstLine;
    return { file, line: pos.line, column: pos.col, message };
  });
  if (problems.length > 0) return { problems };
  const nodeAt = (path: readonly PathSegment[]): { range?: [number, number, number] | null } | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node)) return node;
    }
    return undefined;
  };
  const locate = (path: readonly PathSegment[]) => {
    const node = nodeAt(path);
    const start = node?.range?.[0];
    if (start === undefined) return undefined;
    const pos = lineCounter.linePos(start);
    return { line: pos.line, column: pos.col };
  };
  const yaml: LocatedYaml = {
    file,
    doc,
    data: doc.toJS({ maxAliasCount: 100 }) as unknown,
    locate,
    problem: (path, message) => ({ file, ...locate(path), path: formatPath(path), message }),
  };
  return { yaml, problems };
}

/** Validates located YAML against a zod schema; every issue becomes a located problem. */
export function validateLocated<T>(yaml: LocatedYaml, schema: z.ZodType<T>): { value?: T; problems: Problem[] } {
  const result = schema.safeParse(yaml.data, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.filter((p): p is PathSegment => typeof p === 'string' || typeof p === 'number');
    return yaml.problem(path, describeIssue(issue));
  });
  return { problems };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing required field (expected ${issue.expected})`;
  if (issue.code === 'invalid_type' && issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
    return `expected text, but YAML read the unquoted value as a ${typeof issue.input} (${String(issue.input)}); put it in quotes`;
  }
  return issue.message;
}

/** True when a YAML node at path holds a plain scalar written without quotes that YAML read as a number. */
export function isUnquotedNumber(yaml: LocatedYaml, path: readonly PathSegment[]): boolean {
  const node: unknown = yaml.doc.getIn(path, true);
  return isScalar(node) && typeof node.value === 'number';
}

export { isMap, isSeq };
