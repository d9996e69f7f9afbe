import type { DomainError } from './errors.js';

/**
 * The outcome of an operation that can fail in an expected way.
 * Expected failures are returned as `{ ok: false, error }`; bugs are thrown.
 */
export type Result<T, E = DomainError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** Wraps a successful value. */
export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

/** Wraps an expected failure. */
export function err<E>(error: E): Result<never, E> {
  return { ok: false, error };
}
