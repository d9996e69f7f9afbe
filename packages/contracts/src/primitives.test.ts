import { describe, expect, it } from 'vitest';
import {
  ApiSlug,
  EventId,
  IsoDateTime,
  Scope,
  ScopeList,
  ScopeString,
  SecretId,
  ServiceAccountId,
  joinScope,
  splitScope,
} from './primitives';

describe('prefixed ids', () => {
  it('accept their own prefix', () => {
    expect(ServiceAccountId.parse('sa_01HZX3K9')).toBe('sa_01HZX3K9');
    expect(SecretId.parse('sec_abc-DEF_9')).toBe('sec_abc-DEF_9');
    expect(EventId.parse('evt_1')).toBe('evt_1');
  });

  it.each(['sec_abc', 'sa_', 'sa', 'sa_a:b', 'sa_a.b', 'sa_a b', `sa_${'x'.repeat(129)}`])('reject %s as an account id', (value) => {
    const result = ServiceAccountId.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('sa_');
  });
});

describe('IsoDateTime', () => {
  it.each(['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.123Z', '2026-01-31T12:00:00+02:00'])('accepts %s', (value) => {
    expect(IsoDateTime.safeParse(value).success).toBe(true);
  });
  it.each(['2026-01-31', '2026-01-31T12:00:00', 'yesterday', '2026-13-01T00:00:00Z', ''])('rejects %s', (value) => {
    expect(IsoDateTime.safeParse(value).success).toBe(false);
  });
});

describe('ApiSlug', () => {
  it.each(['my-api', 'ab', 'a1', `a${'b'.repeat(62)}`])('accepts %s', (value) => {
    expect(ApiSlug.safeParse(value).success).toBe(true);
  });
  it.each(['a', 'My-api', '1api', '-api', 'my_api', 'my api', `a${'b'.repeat(63)}`, 'oauth', 'health', 'apis'])(
    'rejects %s',
    (value) => {
      expect(ApiSlug.safeParse(value).success).toBe(false);
    },
  );
});

describe('scopes', () => {
  it('accepts RFC 6749 scope tokens', () => {
    expect(Scope.safeParse('products:read').success).toBe(true);
    expect(Scope.safeParse('admin').success).toBe(true);
  });
  it.each(['', 'a b', 'a"b', 'a\\b', 'é'])('rejects the scope %j', (value) => {
    expect(Scope.safeParse(value).success).toBe(false);
  });
  it('rejects duplicate scopes in a list', () => {
    expect(ScopeList.safeParse(['a', 'a']).success).toBe(false);
    expect(ScopeList.safeParse(['a', 'b']).success).toBe(true);
  });
  it('validates space-delimited scope strings', () => {
    expect(ScopeString.safeParse('').success).toBe(true);
    expect(ScopeString.safeParse('a b:read').success).toBe(true);
    expect(ScopeString.safeParse('a  b').success).toBe(false);
    expect(ScopeString.safeParse(' a').success).toBe(false);
    expect(ScopeString.safeParse('a ').success).toBe(false);
  });
  it('splits and joins', () => {
    expect(splitScope('')).toEqual([]);
    expect(splitScope('a b')).toEqual(['a', 'b']);
    expect(joinScope(['a', 'b', 'a'])).toBe('a b');
    expect(joinScope([])).toBe('');
  });
});
