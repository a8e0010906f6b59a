import { BaseError } from '@keygrade/errors';

export type DbErrorCode =
  | 'DB_URL_INVALID'
  | 'DB_CONNECT_FAILED'
  | 'DB_MIGRATION_FAILED'
  | 'DB_SECRET_INVALID'
  | 'LOG_UNKNOWN'
  | 'LOG_EXISTS'
  | 'LOG_NAME_INVALID'
  | 'LOG_ENTRY_TOO_LARGE'
  | 'LOG_BATCH_INVALID'
  | 'LOG_CLIENT_ID_CONFLICT'
  | 'LOG_INDEX_OUT_OF_RANGE'
  | 'LOG_NOT_FOUND'
  | 'LOG_SEQUENCER_LOCKED'
  | 'TOKEN_SCOPE_INVALID';

/** Problems with the database, its configuration or the logs stored in it. */
export class DbError extends BaseError<DbErrorCode> {}
