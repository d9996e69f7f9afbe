import { describe, expect, it } from 'vitest';
import { formatZodError } from '../errors';
import {
  AuthorizationServerMetadata,
  IntrospectionRequest,
  IntrospectionResponse,
  OAuthErrorCode,
  OAuthErrorResponse,
  OAuthTokenRequest,
  OAuthTokenResponse,
  RevocationRequest,
  SeedTokenRequest,
  SeedTokenResponse,
} from './tokens';

describe('SeedTokenRequest', () => {
  it('accepts clientId and clientSecret', () => {
    expect(SeedTokenRequest.parse({ clientId: 'cid_1', clientSecret: 'tsk_abc' })).toEqual({
      clientId: 'cid_1',
      clientSecret: 'tsk_abc',
    });
  });

  it('rejects unknown fields', () => {
    const result = SeedTokenRequest.safeParse({ clientId: 'c', clientSecret: 's', scope: 'admin' });
    expect(formatZodError(result.error!)).toEqual([{ path: 'scope', message: '"scope": unknown field' }]);
  });

  it.each([
    [{ clientSecret: 's' }, 'clientId'],
    [{ clientId: '', clientSecret: 's' }, 'clientId'],
    [{ clientId: 'c', clientSecret: 'x'.repeat(513) }, 'clientSecret'],
    [{ clientId: 'c', clientSecret: 42 }, 'clientSecret'],
  ])('rejects %j naming %s', (input, field) => {
    const result = SeedTokenRequest.safeParse(input);
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!)[0]?.message).toContain(`"${field}"`);
  });
});

describe('SeedTokenResponse', () => {
  it('accepts a bearer token', () => {
    expect(SeedTokenResponse.safeParse({ token: 'eyJ…', tokenType: 'Bearer', expiresIn: 900 }).success).toBe(true);
  });
  it('rejects other token types and fractional lifetimes', () => {
    expect(SeedTokenResponse.safeParse({ token: 't', tokenType: 'MAC', expiresIn: 900 }).success).toBe(false);
    expect(SeedTokenResponse.safeParse({ token: 't', tokenType: 'Bearer', expiresIn: 1.5 }).success).toBe(false);
  });
});

describe('OAuthTokenRequest', () => {
  it('accepts client_secret_post and client_secret_basic forms', () => {
    expect(
      OAuthTokenRequest.safeParse({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', scope: 'a b' }).success,
    ).toBe(true);
    expect(OAuthTokenRequest.safeParse({ grant_type: 'client_credentials' }).success).toBe(true);
  });

  it('ignores unknown parameters (RFC 6749 §3.2) instead of rejecting them', () => {
    const parsed = OAuthTokenRequest.parse({ grant_type: 'client_credentials', resource: 'https://x' });
    expect(parsed).toEqual({ grant_type: 'client_credentials' });
  });

  it('leaves unsupported grants to the endpoint (unsupported_grant_type)', () => {
    expect(OAuthTokenRequest.safeParse({ grant_type: 'password' }).success).toBe(true);
  });

  it('rejects missing grant_type and repeated parameters', () => {
    expect(formatZodError(OAuthTokenRequest.safeParse({}).error!)[0]?.path).toBe('grant_type');
    const repeated = OAuthTokenRequest.safeParse({ grant_type: 'client_credentials', scope: ['a', 'b'] });
    expect(formatZodError(repeated.error!)[0]?.path).toBe('scope');
  });
});

describe('OAuthTokenResponse and errors', () => {
  it('accepts an RFC 6749 §5.1 response', () => {
    expect(
      OAuthTokenResponse.safeParse({ access_token: 'eyJ', token_type: 'Bearer', expires_in: 900, scope: 'a:read' }).success,
    ).toBe(true);
  });

  it('knows the OAuth error codes', () => {
    expect(OAuthErrorCode.options).toEqual([
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unauthorized_client',
      'unsupported_grant_type',
      'invalid_scope',
      'unsupported_token_type',
    ]);
    expect(OAuthErrorResponse.safeParse({ error: 'invalid_client' }).success).toBe(true);
    expect(OAuthErrorResponse.safeParse({ error: 'invalid_client', error_description: 'Client authentication failed' }).success).toBe(true);
    expect(OAuthErrorResponse.safeParse({ error: 'access_denied' }).success).toBe(false);
    expect(OAuthErrorResponse.safeParse({ error: 'invalid_request', error_description: 'say "hi"' }).success).toBe(false);
  });
});

describe('introspection and revocation', () => {
  const active = {
    active: true,
    scope: 'products:read',
    client_id: 'cid_1',
    token_type: 'Bearer',
    exp: 1_800_000_900,
    iat: 1_800_000_000,
    sub: 'sa_1',
    aud: 'my-api',
    iss: 'https://tessera.example',
    jti: 'jti_1',
  };

  it('accepts inactive and active answers', () => {
    expect(IntrospectionResponse.parse({ active: false })).toEqual({ active: false });
    expect(IntrospectionResponse.parse(active)).toEqual(active);
  });

  it('says nothing about an inactive token', () => {
    expect(IntrospectionResponse.parse({ active: false, client_id: 'cid_1', scope: 'x' })).toEqual({ active: false });
  });

  it('rejects an active answer with missing claims', () => {
    const { jti: _jti, ...missing } = active;
    const result = IntrospectionResponse.safeParse(missing);
    expect(formatZodError(result.error!)[0]?.path).toBe('jti');
  });

  it('accepts token requests with optional hints', () => {
    expect(IntrospectionRequest.safeParse({ token: 't', token_type_hint: 'access_token' }).success).toBe(true);
    expect(RevocationRequest.safeParse({ token: 't' }).success).toBe(true);
    expect(RevocationRequest.safeParse({ token_type_hint: 'access_token' }).success).toBe(false);
  });
});

describe('AuthorizationServerMetadata', () => {
  it('accepts Tessera-shaped metadata', () => {
    const metadata = {
      issuer: 'https://tessera.example',
      token_endpoint: 'https://tessera.example/oauth/token',
      jwks_uri: 'https://tessera.example/.well-known/jwks.json',
      introspection_endpoint: 'https://tessera.example/oauth/introspect',
      revocation_endpoint: 'https://tessera.example/oauth/revoke',
      response_types_supported: [],
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['products:read'],
    };
    expect(AuthorizationServerMetadata.safeParse(metadata).success).toBe(true);
  });
  it('requires an issuer URL', () => {
    const result = AuthorizationServerMetadata.safeParse({
      issuer: 'not a url',
      token_endpoint: 'https://x/oauth/token',
      jwks_uri: 'https://x/jwks',
      response_types_supported: [],
    });
    expect(formatZodError(result.error!)[0]?.path).toBe('issuer');
  });
});
