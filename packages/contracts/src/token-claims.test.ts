import { describe, expect, it } from 'vitest';
import { formatZodError } from './errors';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims } from './token-claims';

const claims = {
  iss: 'https://tessera.example',
  sub: 'cid_01H',
  aud: 'my-api',
  client_id: 'cid_01H',
  scope: 'products:read products:write',
  jti: 'tok_01H',
  iat: 1_800_000_000,
  exp: 1_800_000_900,
  secret_id: 'sec_01H',
};

describe('AccessTokenClaims', () => {
  it('uses the RFC 9068 typ', () => {
    expect(ACCESS_TOKEN_TYPE).toBe('at+jwt');
  });

  it('accepts valid claims', () => {
    expect(AccessTokenClaims.parse(claims)).toEqual(claims);
  });

  it('accepts an empty scope', () => {
    expect(AccessTokenClaims.safeParse({ ...claims, scope: '' }).success).toBe(true);
  });

  it.each([
    [{ aud: ['my-api'] }, 'aud'],
    [{ sub: '' }, 'sub'],
    [{ secret_id: undefined }, 'secret_id'],
    [{ iat: 1.5 }, 'iat'],
    [{ exp: 1_800_000_000 }, 'exp'],
    [{ scope: 'a  b' }, 'scope'],
  ])('rejects %j naming %s', (patch, field) => {
    const result = AccessTokenClaims.safeParse({ ...claims, ...patch });
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!).map((issue) => issue.path)).toContain(field);
  });
});
