/**
 * The errors the SDK throws. Each has a stable `error` code a program can switch on; none ever
 * holds a client secret (the token client never puts one in a message, and an error carries only
 * the fields below).
 */
import type { OAuthErrorCode } from '@tessera/contracts';

/**
 * Why a token could not be obtained: an OAuth error the server answered (RFC 6749 §5.2), or one
 * of the SDK's own codes:
 * - `server_error`: the server answered 5xx, every retry included;
 * - `temporarily_unavailable`: 429 with no `Retry-After`, or one longer than the client waits;
 * - `network_error`: no answer at all (connection refused or reset, DNS), every retry included;
 * - `invalid_response`: an answer that is not what RFC 6749 / RFC 8414 / RFC 7662 describe;
 * - `issuer_mismatch`: the discovered metadata names another issuer (RFC 8414 §3.3).
 */
export type TokenRequestErrorCode =
  | OAuthErrorCode
  | 'server_error'
  | 'temporarily_unavailable'
  | 'network_error'
  | 'invalid_response'
  | 'issuer_mismatch';

/** A token, discovery or introspection request failed. */
export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';

  constructor(
    /** The OAuth `error` code, or one of the SDK's own (see {@link TokenRequestErrorCode}). */
    readonly error: TokenRequestErrorCode,
    message: string,
    /** The HTTP status of the last answer; undefined when there was none (`network_error`). */
    readonly status?: number,
    /** The last answer's `Retry-After`, in seconds, when it had one. */
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The token cannot be accepted: bad signature, expired, wrong issuer, audience or type, unknown
 * key, malformed. A resource server answers `401` with
 * `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1).
 */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  readonly error = 'invalid_token' as const;
  readonly status = 401 as const;

  constructor(
    message: string,
    /** jose's code for the failure (`ERR_JWT_EXPIRED`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, …), or `ERR_CLAIMS_INVALID`. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The token is valid but lacks a scope the request needs. A resource server answers `403` with
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"` (RFC 6750 §3.1).
 */
export class InsufficientScopeError extends Error {
  override readonly name = 'InsufficientScopeError';
  readonly error = 'insufficient_scope' as const;
  readonly status = 403 as const;

  constructor(
    /** Every scope the request needs. */
    readonly requiredScopes: readonly string[],
    /** The scopes the token was granted. */
    readonly grantedScopes: readonly string[],
  ) {
    const missing = requiredScopes.filter((scope) => !grantedScopes.includes(scope));
    super(`The token lacks the scope${missing.length === 1 ? '' : 's'} ${missing.join(' ')}.`);
  }
}
