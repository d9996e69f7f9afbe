/**
 * Token endpoint contracts: the seed-compatible `POST /System/UserAccount`, the OAuth 2.0
 * client-credentials grant (RFC 6749 §4.4) at `POST /oauth/token`, introspection (RFC 7662),
 * revocation (RFC 7009) and authorization server metadata (RFC 8414).
 *
 * OAuth form bodies are deliberately NOT strict: RFC 6749 §3.2 says the server MUST ignore
 * unrecognised request parameters. Values are single strings; a repeated parameter (parsed as an
 * array) is rejected, which the endpoint answers with `invalid_request`. `grant_type` is any
 * non-empty string so that the endpoint can answer `unsupported_grant_type` instead of a generic
 * `invalid_request`.
 */
import { z } from 'zod';
import { ClientId, ScopeString } from '../primitives';

/** The token type Tessera issues (case-insensitive on input per RFC 6749 §5.1; we always emit `Bearer`). */
export const BEARER = 'Bearer' as const;

// ---------------------------------------------------------------------------------------------
// Seed-compatible endpoint: POST /System/UserAccount

/** `POST /System/UserAccount` body: `{clientId, clientSecret}`. Unknown fields are rejected. */
export const SeedTokenRequest = z.strictObject({
  clientId: z.string().min(1).max(256),
  clientSecret: z.string().min(1).max(512),
});
export type SeedTokenRequest = z.infer<typeof SeedTokenRequest>;

/** `POST /System/UserAccount` answer: the bearer token and its lifetime in seconds. */
export const SeedTokenResponse = z.object({
  token: z.string().min(1),
  tokenType: z.literal(BEARER),
  expiresIn: z.number().int().positive(),
});
export type SeedTokenResponse = z.infer<typeof SeedTokenResponse>;

// ---------------------------------------------------------------------------------------------
// OAuth 2.0: POST /oauth/token (client credentials)

/** Client authentication by form fields (`client_secret_post`); absent when `client_secret_basic` is used. */
const ClientAuthFormFields = {
  client_id: z.string().min(1).max(256).optional(),
  client_secret: z.string().min(1).max(512).optional(),
};

/** The grant Tessera supports at the token endpoint. */
export const CLIENT_CREDENTIALS_GRANT = 'client_credentials' as const;

/**
 * `POST /oauth/token` form (`application/x-www-form-urlencoded`). Credentials come either from
 * `client_id`/`client_secret` here or from HTTP Basic; the endpoint enforces exactly one method.
 */
export const OAuthTokenRequest = z.object({
  grant_type: z.string().min(1).max(256),
  /** Requested scopes, space-delimited. Left as a plain string so that a malformed or
   * ungranted scope is answered with `invalid_scope` by the endpoint, not `invalid_request`. */
  scope: z.string().max(8192).optional(),
  ...ClientAuthFormFields,
});
export type OAuthTokenRequest = z.infer<typeof OAuthTokenRequest>;

/** Successful token response (RFC 6749 §5.1). `scope` is always present: the scopes granted. */
export const OAuthTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.literal(BEARER),
  expires_in: z.number().int().positive(),
  scope: ScopeString,
});
export type OAuthTokenResponse = z.infer<typeof OAuthTokenResponse>;

/** OAuth error codes: RFC 6749 §5.2 plus `unsupported_token_type` from RFC 7009 §2.2.1. */
export const OAuthErrorCode = z.enum([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'unsupported_token_type',
]);
export type OAuthErrorCode = z.infer<typeof OAuthErrorCode>;

/**
 * OAuth error body (RFC 6749 §5.2). `error_description` is restricted to the characters the RFC
 * allows (printable ASCII except `"` and `\`) and must never carry internal detail.
 */
export const OAuthErrorResponse = z.object({
  error: OAuthErrorCode,
  error_description: z
    .string()
    .regex(/^[\x20\x21\x23-\x5B\x5D-\x7E]*$/, { message: 'expected printable ASCII without quotes or backslashes' })
    .max(512)
    .optional(),
});
export type OAuthErrorResponse = z.infer<typeof OAuthErrorResponse>;

// ---------------------------------------------------------------------------------------------
// Introspection (RFC 7662) and revocation (RFC 7009)

/** `token_type_hint` values defined by RFC 7009 §2.1; other values are accepted and ignored. */
export const TOKEN_TYPE_HINTS = ['access_token', 'refresh_token'] as const;

/** `POST /oauth/introspect` form (RFC 7662 §2.1), plus optional `client_secret_post` fields. */
export const IntrospectionRequest = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: z.string().min(1).max(64).optional(),
  ...ClientAuthFormFields,
});
export type IntrospectionRequest = z.infer<typeof IntrospectionRequest>;

/** Introspection answer for an unknown, expired, revoked or otherwise unusable token: nothing else is said. */
export const InactiveIntrospectionResponse = z.object({ active: z.literal(false) });
export type InactiveIntrospectionResponse = z.infer<typeof InactiveIntrospectionResponse>;

/** Introspection answer for a live token (RFC 7662 §2.2). Times are seconds since the epoch. */
export const ActiveIntrospectionResponse = z.object({
  active: z.literal(true),
  scope: ScopeString,
  client_id: ClientId,
  token_type: z.literal(BEARER),
  exp: z.number().int().nonnegative(),
  iat: z.number().int().nonnegative(),
  sub: z.string().min(1),
  aud: z.string().min(1),
  iss: z.string().min(1),
  jti: z.string().min(1),
});
export type ActiveIntrospectionResponse = z.infer<typeof ActiveIntrospectionResponse>;

/** `POST /oauth/introspect` answer: `{active: false}` or the live token's claims. */
export const IntrospectionResponse = z.discriminatedUnion('active', [
  InactiveIntrospectionResponse,
  ActiveIntrospectionResponse,
]);
export type IntrospectionResponse = z.infer<typeof IntrospectionResponse>;

/** `POST /oauth/revoke` form (RFC 7009 §2.1), plus optional `client_secret_post` fields. Answer: 200, empty body. */
export const RevocationRequest = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: z.string().min(1).max(64).optional(),
  ...ClientAuthFormFields,
});
export type RevocationRequest = z.infer<typeof RevocationRequest>;

// ---------------------------------------------------------------------------------------------
// Metadata (RFC 8414), served at /.well-known/oauth-authorization-server and
// /.well-known/openid-configuration. Not strict: metadata is extensible.

const Url = z.url();
const Strings = z.array(z.string().min(1));

/** Authorization server metadata (RFC 8414 §2). Tessera has no authorization endpoint (client credentials only). */
export const AuthorizationServerMetadata = z.object({
  issuer: Url,
  authorization_endpoint: Url.optional(),
  token_endpoint: Url,
  jwks_uri: Url,
  registration_endpoint: Url.optional(),
  scopes_supported: Strings.optional(),
  response_types_supported: Strings,
  response_modes_supported: Strings.optional(),
  grant_types_supported: Strings.optional(),
  token_endpoint_auth_methods_supported: Strings.optional(),
  token_endpoint_auth_signing_alg_values_supported: Strings.optional(),
  service_documentation: Url.optional(),
  ui_locales_supported: Strings.optional(),
  op_policy_uri: Url.optional(),
  op_tos_uri: Url.optional(),
  revocation_endpoint: Url.optional(),
  revocation_endpoint_auth_methods_supported: Strings.optional(),
  revocation_endpoint_auth_signing_alg_values_supported: Strings.optional(),
  introspection_endpoint: Url.optional(),
  introspection_endpoint_auth_methods_supported: Strings.optional(),
  introspection_endpoint_auth_signing_alg_values_supported: Strings.optional(),
  code_challenge_methods_supported: Strings.optional(),
  /** OpenID discovery compatibility fields, for clients that read `/.well-known/openid-configuration`. */
  subject_types_supported: Strings.optional(),
  id_token_signing_alg_values_supported: Strings.optional(),
});
export type AuthorizationServerMetadata = z.infer<typeof AuthorizationServerMetadata>;

// ---------------------------------------------------------------------------------------------
// Keys (RFC 7517), served at /.well-known/jwks.json.

/** One public signing key (Ed25519, RFC 8037). */
export const PublicJsonWebKey = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  kid: z.string().min(1),
  alg: z.literal('EdDSA'),
  use: z.literal('sig'),
});
export type PublicJsonWebKey = z.infer<typeof PublicJsonWebKey>;

/** The key set: every key that may have signed a still-live token. */
export const JsonWebKeySet = z.object({ keys: z.array(PublicJsonWebKey) });
export type JsonWebKeySet = z.infer<typeof JsonWebKeySet>;
