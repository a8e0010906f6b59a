/**
 * Exit codes, in one place:
 *   0  success
 *   1  a check failed (gaps found with --fail, level below --fail-under, evidence mismatch with --strict)
 *   2  usage or input error (bad flags, malformed or invalid files, unknown ids)
 *   3  internal error (a bug in Keygrade: please report it)
 */
import { BaseError } from '@keygrade/errors';

export const EXIT = { ok: 0, checkFailed: 1, usage: 2, internal: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected way for a command to end with a message and a code (not a bug). */
export class ExitError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A usage error: wrong flags or arguments. */
export function usage(message: string): ExitError {
  return new ExitError(EXIT.usage, message);
}

/** The exit code for any Keygrade error code: every input problem is a usage/input error. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof BaseError) return EXIT.usage;
  return EXIT.internal;
}
