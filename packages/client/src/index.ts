/**
 * `@tessera/client`: what services and resource servers need to use Tessera.
 *
 * - {@link createTokenClient}: for a service that calls an API. Gets client-credentials tokens,
 *   caches and refreshes them, retries what is worth retrying, and sends them with `fetch`.
 * - {@link createTokenVerifier}: for the API itself. Verifies access tokens offline (signature,
 *   issuer, audience, type, expiry) and checks scopes. Offline checks cannot see revocations:
 *   use introspection (`TokenClient.introspect`) where a revoked token must be refused at once.
 */
export { createTokenClient, TokenClient, type TokenClientOptions } from './token-client';
export { createTokenVerifier, TokenVerifier, type TokenVerifierOptions, type VerifyOptions } from './token-verifier';
export { InsufficientScopeError, InvalidTokenError, TokenRequestError, type TokenRequestErrorCode } from './errors';
export type { RetryOptions } from './retrying-request';
export type { AccessTokenClaims, IntrospectionResponse } from '@tessera/contracts';
