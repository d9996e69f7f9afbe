import type { HttpErrorCode } from '@tessera/contracts';
import type { DomainError, DomainErrorCode, Result } from '@tessera/domain';

/** Every code an error body can carry: the domain's and the HTTP layer's. */
export type ErrorCode = DomainErrorCode | HttpErrorCode;

/** An expected failure of an application service (not a domain rule), e.g. "not found". */
export class AppError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What application services return for expected failures. */
export type Failure = DomainError | AppError;
export type AppResult<T> = Result<T, Failure>;

export function notFound(what: string): AppError {
  return new AppError('RESOURCE.NOT_FOUND', `${what} was not found.`);
}
