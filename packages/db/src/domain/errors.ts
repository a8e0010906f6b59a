import { BaseError } from '@keygrade/errors';

export type DomainErrorCode = 'SYSTEM_NOT_FOUND' | 'SYSTEM_NAME_TAKEN' | 'ASSESSMENT_NOT_FOUND' | 'EVIDENCE_NOT_FOUND' | 'VERSION_CONFLICT';

/** Problems with systems, assessments, answers and evidence. */
export class DomainError extends BaseError<DomainErrorCode> {}

/** 409: the row changed since the client read it. `current` is what it holds now (sent back so the user can choose). */
export class VersionConflict extends DomainError {
  constructor(
    message: string,
    readonly current: unknown,
  ) {
    super('VERSION_CONFLICT', message);
  }
}
