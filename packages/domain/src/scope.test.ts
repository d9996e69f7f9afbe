import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADMIN_SCOPE, formatScopes, isScope, isSubsetOf, parseScopes, parseScopeString, type Scope } from './scope.js';

const scopeChar = fc.constantFrom(
  ...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => c !== '"' && c !== '\\'),
);
const scope = fc.string({ unit: scopeChar, minLength: 1, maxLength: 128 });

describe('parseScopes', () => {
  it('accepts RFC 6749 scope tokens, dedupes and keeps order', () => {
    const r = parseScopes(['products:read', 'products:write', 'products:read', ADMIN_SCOPE]);
    expect(r).toEqual({ ok: true, value: ['products:read', 'products:write', ADMIN_SCOPE] });
  });

  it.each(['', 'a b', 'quote"', 'back\\slash', 'tab\t', 'é', 'x'.repeat(129)])('refuses %j naming it', (bad) => {
    const r = parseScopes(['ok', bad]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ACCOUNT.SCOPE_INVALID');
      expect(r.error.details.reason).toBe('syntax');
      expect(String(r.error.details.scope)).toBe(bad.length > 140 ? `${bad.slice(0, 140)}…` : bad);
    }
  });

  it('allows 100 distinct scopes but not 101', () => {
    const many = Array.from({ length: 101 }, (_, i) => `s${i}`);
    expect(parseScopes(many.slice(0, 100)).ok).toBe(true);
    expect(parseScopes([...many.slice(0, 100), 's0']).ok).toBe(true);
    const r = parseScopes(many);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.details).toEqual({ reason: 'too_many', max: 100 });
  });

  it('every valid token passes and the result has no duplicates (property)', () => {
    fc.assert(
      fc.property(fc.array(scope, { maxLength: 30 }), (values) => {
        const r = parseScopes(values);
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.value).toEqual([...new Set(values)]);
          expect(values.every(isScope)).toBe(true);
        }
      }),
    );
  });
});

describe('parseScopeString', () => {
  it('splits on spaces', () => {
    expect(parseScopeString('a b  c a ')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(parseScopeString('')).toEqual({ ok: true, value: [] });
    expect(parseScopeString('a\tb').ok).toBe(false);
  });
  it('round-trips with formatScopes (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(scope, { maxLength: 20 }), (values) => {
        const r = parseScopeString(formatScopes(values as Scope[]));
        expect(r).toEqual({ ok: true, value: values });
      }),
    );
  });
});

describe('isSubsetOf', () => {
  const s = (...v: string[]) => v as Scope[];
  it('checks that every requested scope is granted', () => {
    expect(isSubsetOf(s(), s())).toBe(true);
    expect(isSubsetOf(s('a'), s('a', 'b'))).toBe(true);
    expect(isSubsetOf(s('a', 'c'), s('a', 'b'))).toBe(false);
  });
  it('any sub-list is a subset; adding an ungranted scope is not (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(scope, { minLength: 1, maxLength: 20 }), fc.array(fc.boolean(), { maxLength: 20 }), (granted, pick) => {
        const requested = granted.filter((_, i) => pick[i] === true) as Scope[];
        expect(isSubsetOf(requested, granted as Scope[])).toBe(true);
        const [extra, ...rest] = granted;
        expect(isSubsetOf([...requested, extra as Scope], rest as Scope[])).toBe(false);
      }),
    );
  });
});
