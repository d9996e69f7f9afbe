/**
 * The verifier a resource server (an API protected by Tessera) uses to check the access tokens it
 * is sent, offline: signature against Tessera's published keys, then issuer, audience, type,
 * algorithm, expiry and scopes.
 *
 * Offline verification cannot see a revocation. A token stays valid here until its `exp` (15
 * minutes by default) even after its secret or account was disabled or the token itself revoked.
 * Where that matters, ask Tessera with introspection (RFC 7662: `POST /oauth/introspect`, or
 * `TokenClient.introspect` with an account holding the `tessera:introspect` scope), which does.
 */
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, DEFAULT_SIGNING_ALGORITHM, splitScope } from '@tessera/contracts';
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { discover } from './discovery';
import { InsufficientScopeError, InvalidTokenError } from './errors';
import { requestContext, type RetryOptions } from './retrying-request';

export interface TokenVerifierOptions {
  /** Tessera's issuer URL: tokens must carry exactly this `iss`. */
  readonly issuer: string;
  /** The API this resource server is (its slug, e.g. `my-api`): tokens must carry this `aud`. */
  readonly audience: string;
  /** Where Tessera publishes its keys. Default: the `jwks_uri` of the issuer's metadata (RFC 8414), discovered once. */
  readonly jwksUri?: string;
  /** Leeway for `exp`, `iat` and `nbf`, in seconds, for clocks that disagree a little. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** The fetch to get the metadata and keys with. Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Retries of the metadata discovery (the key set is fetched, cached and refreshed by jose). */
  readonly retry?: RetryOptions;
}

export interface VerifyOptions {
  /** Scopes the request needs; a token that lacks one is refused with {@link InsufficientScopeError}. */
  readonly scopes?: readonly string[];
}

/** Checks access tokens for one API. Create it with {@link createTokenVerifier}. */
export class TokenVerifier {
  readonly issuer: string;
  readonly audience: string;

  readonly #options: TokenVerifierOptions;
  #keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(options: TokenVerifierOptions) {
    new URL(options.issuer); // a TypeError now, not at the first request
    if (!options.audience) throw new TypeError('createTokenVerifier needs the audience: the API the tokens must be for.');
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.#options = options;
  }

  /**
   * The token's claims, if it is a valid Tessera access token for this API with every scope in
   * `options.scopes`. Throws {@link InvalidTokenError} (answer 401 `invalid_token`) or
   * {@link InsufficientScopeError} (answer 403 `insufficient_scope`); any other error (Tessera's
   * keys could not be fetched) is not the token's fault and is thrown as it is (answer 503).
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<AccessTokenClaims> {
    const keys = await this.#keySet();
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        typ: ACCESS_TOKEN_TYPE,
        algorithms: [DEFAULT_SIGNING_ALGORITHM],
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: this.#options.clockToleranceSeconds ?? 5,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      }));
    } catch (error) {
      if (isTokensFault(error)) throw new InvalidTokenError(`The access token is not valid: ${error.message}`, error.code, { cause: error });
      throw error;
    }
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('The access token does not carry the claims of a Tessera access token.', 'ERR_CLAIMS_INVALID');
    const granted = splitScope(claims.data.scope);
    const required = options.scopes ?? [];
    if (!required.every((scope) => granted.includes(scope))) throw new InsufficientScopeError(required, granted);
    return claims.data;
  }

  /** jose's remote key set (it caches the keys and fetches them again for an unknown `kid`), built once. */
  #keySet(): Promise<JWTVerifyGetKey> {
    this.#keys ??= this.#jwksUri().then(
      (uri) => {
        const fetchImplementation = this.#options.fetch;
        return createRemoteJWKSet(new URL(uri), fetchImplementation ? { [customFetch]: (url, init) => fetchImplementation(url, init) } : {});
      },
      (error: unknown) => {
        this.#keys = undefined;
        throw error;
      },
    );
    return this.#keys;
  }

  async #jwksUri(): Promise<string> {
    if (this.#options.jwksUri) return this.#options.jwksUri;
    return (await discover(requestContext(this.#options), this.issuer)).jwks_uri;
  }
}

/** A verifier of Tessera access tokens for one API: see {@link TokenVerifier}. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return new TokenVerifier(options);
}

/**
 * Whether jose refused the token itself (malformed, bad signature, wrong claims, expired, no key
 * with its `kid`, another algorithm), as opposed to failing to get the keys.
 */
function isTokensFault(error: unknown): error is errors.JOSEError {
  return (
    error instanceof errors.JWTExpired ||
    error instanceof errors.JWTClaimValidationFailed ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  );
}
