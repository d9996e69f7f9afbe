import type { Result } from '@tessera/domain';
import type { Failure } from './app-error';
import { ProblemException } from './http-errors';

/** Controllers' bridge from a service result to HTTP: the value, or a thrown problem. */
export function unwrap<T>(result: Result<T, Failure>): T {
  if (result.ok) return result.value;
  throw ProblemException.from(result.error);
}
