import { describe, expect, it } from 'vitest';
import {
  ApiSlug,
  EventId,
  IsoDateTime,
  IsoDateTimeOrDate,
  Scope,
  ScopeList,
  ScopeString,
  SecretId,
  ServiceAccountId,
  choiceVariable,
  joinScope,
  splitScope,
  wholeNumberVariable,
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
  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59+01:00'])('accepts an instant within the years 0001-9999 in UTC: %s', (value) => {
    expect(IsoDateTime.safeParse(value).success).toBe(true);
  });
  it.each(['9999-12-31T23:59:59-23:59', '0000-06-01T00:00:00Z', '0001-01-01T00:00:00+01:00'])('rejects an instant outside the years 0001-9999 in UTC: %s', (value) => {
    expect(IsoDateTime.safeParse(value).error?.issues.map((issue) => issue.message)).toEqual(['expected a date-time from the year 0001 to 9999 (UTC)']);
  });
});

describe('IsoDateTimeOrDate', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00Z'],
    ['2028-02-29', '2028-02-29T00:00:00Z'],
    ['2026-03-01T12:00:00+02:00', '2026-03-01T12:00:00+02:00'],
    ['2026-03-01T12:00:00.5Z', '2026-03-01T12:00:00.5Z'],
  ])('reads %s as %s: a date alone is the start of that day in UTC', (value, dateTime) => {
    expect(IsoDateTimeOrDate.parse(value)).toBe(dateTime);
  });
  it.each(['2026-02-30', '2027-02-29', '2026-13-01', '2026-3-1', '20260301', '2026-03-01T12:00:00', '2026-03-01 12:00:00Z', 'yesterday', ''])('rejects %s, naming both forms', (value) => {
    expect(IsoDateTimeOrDate.safeParse(value).error?.issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/date-time with a time zone.*or a date/)]);
  });
  it('rejects a date or date-time outside the years 0001-9999, as IsoDateTime does, naming what was given', () => {
    expect(IsoDateTimeOrDate.safeParse('0000-06-01').error?.issues.map((issue) => issue.message)).toEqual(['expected a date from the year 0001 to 9999 (UTC)']);
    for (const dateTime of ['0000-06-01T00:00:00Z', '9999-12-31T23:59:59-01:00']) {
      expect(IsoDateTimeOrDate.safeParse(dateTime).error?.issues.map((issue) => issue.message), dateTime).toEqual(['expected a date-time from the year 0001 to 9999 (UTC)']);
    }
    expect(IsoDateTimeOrDate.parse('0001-01-01')).toBe('0001-01-01T00:00:00Z');
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

describe('wholeNumberVariable', () => {
  const port = wholeNumberVariable(0, 65535);
  it.each([['0', 0], ['3000', 3000], [' 8080 ', 8080], ['65535', 65535]])('accepts %j', (given, value) => {
    expect(port.parse(given)).toBe(value);
  });
  it.each(['abc', '1.5', '-1', '65536', '1e3', '0x10', '', `${'9'.repeat(20)}`])('refuses %j in plain words, naming the value', (given) => {
    const result = port.safeParse(given);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([`must be a whole number from 0 to 65535, got ${JSON.stringify(given)}`]);
  });
  it('says "at least" without an upper bound, and shortens a long value', () => {
    expect(wholeNumberVariable(1).safeParse('x'.repeat(50)).error?.issues[0]?.message).toBe(`must be a whole number of at least 1, got "${'x'.repeat(40)}…"`);
  });
});

describe('choiceVariable', () => {
  it('accepts its values only', () => {
    expect(choiceVariable(['true', 'false']).parse('false')).toBe('false');
    expect(choiceVariable(['true', 'false']).safeParse('TRUE').success).toBe(false);
  });
  it.each([
    [['true', 'false'] as const, 'yes', 'must be true or false, got "yes"'],
    [['warn', 'info', 'debug'] as const, 'loud', 'must be one of warn, info or debug, got "loud"'],
    [['on'] as const, 'x'.repeat(50), `must be on, got "${'x'.repeat(40)}…"`],
  ])('refuses in plain words, naming the value: %j', (values, given, message) => {
    expect(choiceVariable(values).safeParse(given).error?.issues.map((issue) => issue.message)).toEqual([message]);
  });
});
