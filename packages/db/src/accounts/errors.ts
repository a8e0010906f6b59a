import { BaseError } from '@keygrade/errors';

export type AccountErrorCode =
  | 'EMAIL_TAKEN'
  | 'PASSWORD_WEAK'
  | 'PASSWORD_HASH_INVALID'
  | 'USER_NOT_FOUND'
  | 'ORG_NOT_FOUND'
  | 'MEMBER_NOT_FOUND'
  | 'ALREADY_MEMBER'
  | 'LAST_OWNER'
  | 'ROLE_INVALID'
  | 'INVITATION_NOT_FOUND'
  | 'INVITATION_EMAIL_MISMATCH'
  | 'MFA_ALREADY_ENABLED'
  | 'MFA_NOT_SET_UP'
  | 'MFA_NOT_ENABLED'
  | 'MFA_CODE_INVALID'
  | 'MFA_REQUIRED_FOR_ROLE';

/** Expected failures of account operations; the server maps each code to one HTTP status. */
export class AccountError extends BaseError<AccountErrorCode> {}
