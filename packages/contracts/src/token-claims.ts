/**
 * Claims of Tessera's access tokens: JWTs profiled by RFC 9068 (`typ: at+jwt`), signed with the
 * current signing key (`kid` in the header). Times are seconds since the epoch.
 */
import { z } from 'zod';
import { ClientId, ScopeString, SecretId } from './primitives';

/** JOSE header `typ` of Tessera's access tokens (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYPE = 'at+jwt' as const;

/** Default signing algorithm of access tokens (Ed25519). */
export const DEFAULT_SIGNING_ALGORITHM = 'EdDSA' as const;

const EpochSeconds = z.number().int().nonnegative();

/**
 * Access token claims.
 * - `iss`: Tessera's issuer URL; `aud`: the API the token is for (one audience, a string);
 * - `sub` and `client_id`: the service account's public client ID (RFC 9068 §2.2: for a client
 *   acting on its own behalf, the subject is the client);
 * - `scope`: granted scopes, space-delimited (may be empty);
 * - `jti`: unique token id (revocation key); `secret_id`: the secret it was issued from, so that
 *   disabling that secret revokes the token at once.
 */
export const AccessTokenClaims = z
  .object({
    iss: z.string().min(1),
    sub: ClientId,
    aud: z.string().min(1),
    client_id: ClientId,
    scope: ScopeString,
    jti: z.string().min(1).max(128),
    iat: EpochSeconds,
    exp: EpochSeconds,
    secret_id: SecretId,
  })
  .refine((claims) => claims.exp > claims.iat, { message: 'exp must be after iat', path: ['exp'] });
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;
