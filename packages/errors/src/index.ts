/**
 * Keygrade errors: every expected failure carries a code from a closed union,
 * so callers (CLI exit codes, HTTP status maps, tests) switch on codes, never on messages.
 */

/** Where in an input file a problem was found. Lines and columns are 1-based. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
  /** A field path inside the document, e.g. `answers."1.1.3.L2".status`. */
  path?: string;
}

/** One problem in an input, reported together with every other problem found. */
export interface Problem extends SourceLocation {
  message: string;
}

/** Renders `file:line:column: path: message`, leaving out the parts that are unknown. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(':');
  const prefix = [where, p.path].filter((x) => x !== undefined && x !== '').join(': ');
  return prefix ? `${prefix}: ${p.message}` : p.message;
}

/** Base class of all expected Keygrade errors. `problems` lists every located problem when there are several. */
export class BaseError<Code extends string> extends Error {
  readonly code: Code;
  readonly problems: readonly Problem[];

  constructor(code: Code, message: string, options: { problems?: readonly Problem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.problems = options.problems ?? [];
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** The message followed by one line per problem. */
  describe(): string {
    if (this.problems.length === 0) return this.message;
    return [this.message, ...this.problems.map((p) => `  ${formatProblem(p)}`)].join('\n');
  }
}

export type CatalogErrorCode =
  | 'CATALOG_UNKNOWN_EDITION'
  | 'CATALOG_INVALID'
  | 'CATALOG_READ_FAILED'
  | 'CROSSWALK_INVALID'
  | 'CROSSWALK_NOT_FOUND'
  | 'WORDING_INVALID';

/** Problems with the catalog data, crosswalks or imported wording. */
export class CatalogError extends BaseError<CatalogErrorCode> {}

export type AssessmentErrorCode =
  | 'ASSESSMENT_PARSE'
  | 'ASSESSMENT_INVALID'
  | 'ASSESSMENT_EDITION_MISMATCH'
  | 'ASSESSMENT_READ_FAILED'
  | 'ASSESSMENT_WRITE_FAILED';

/** Problems with an assessment file. */
export class AssessmentError extends BaseError<AssessmentErrorCode> {}

export type ScoringErrorCode = 'SCORING_INVALID_ANSWER' | 'SCORING_INVALID_TARGET';

/** Problems detected while scoring (answers that lack what their status must carry). */
export class ScoringError extends BaseError<ScoringErrorCode> {}

export type ReportErrorCode = 'REPORT_UNSUPPORTED_FORMAT' | 'REPORT_RENDER_FAILED';

/** Problems while rendering a report. */
export class ReportError extends BaseError<ReportErrorCode> {}

/** Narrows an unknown value to a Keygrade error. */
export function isKeygradeError(e: unknown): e is BaseError<string> {
  return e instanceof BaseError;
}
