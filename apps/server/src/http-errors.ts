/** The one place where error codes become HTTP statuses. */
import type { BaseError } from '@keygrade/errors';

const STATUS: Record<string, number> = {
  LOG_UNKNOWN: 404,
  LOG_NOT_FOUND: 404,
  LOG_EXISTS: 409,
  LOG_NAME_INVALID: 400,
  LOG_ENTRY_TOO_LARGE: 413,
  LOG_BATCH_INVALID: 400,
  LOG_CLIENT_ID_CONFLICT: 409,
  LOG_INDEX_OUT_OF_RANGE: 404,
  TOKEN_SCOPE_INVALID: 400,
  LOG_SEQUENCER_LOCKED: 503,
  DB_CONNECT_FAILED: 503,
};

export function statusFor(e: BaseError<string>): number {
  return STATUS[e.code] ?? (e.code.startsWith('TLOG_') ? 400 : 500);
}
