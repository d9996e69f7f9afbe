import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RandomBytes } from './ports.js';
import { generateClientId, ID_PREFIXES, idTimestamp, isClientId, isId, newId, parseClientId, parseId, type IdKind } from './ids.js';

const NOW = new Date('2025-01-15T10:00:00.000Z');
const fixed = (byte: number): RandomBytes => (n) => new Uint8Array(n).fill(byte);
const fromArray = (bytes: Uint8Array): RandomBytes => (n) => bytes.slice(0, n);
const KINDS = Object.keys(ID_PREFIXES) as IdKind[];

describe('newId', () => {
  it('is prefix + "_" + 22 base62 characters', () => {
    expect(newId('account', NOW, fixed(0))).toMatch(/^sa_[0-9A-Za-z]{22}$/);
    expect(newId('secret', NOW, fixed(1))).toMatch(/^sec_[0-9A-Za-z]{22}$/);
    expect(newId('signingKey', NOW, fixed(2))).toMatch(/^key_[0-9A-Za-z]{22}$/);
    expect(newId('event', NOW, fixed(3))).toMatch(/^evt_[0-9A-Za-z]{22}$/);
  });

  it('encodes the creation millisecond', () => {
    expect(idTimestamp(newId('event', NOW, fixed(255)))).toEqual(NOW);
  });

  it('sorts lexicographically by creation time (property)', () => {
    const date = fc.date({ min: new Date(0), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });
    const rnd = fc.uint8Array({ minLength: 10, maxLength: 10 });
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), date, date, rnd, rnd, (kind, d1, d2, r1, r2) => {
        fc.pre(d1.getTime() !== d2.getTime());
        const a = newId(kind, d1, fromArray(r1));
        const b = newId(kind, d2, fromArray(r2));
        expect(a < b).toBe(d1.getTime() < d2.getTime());
        expect(parseId(kind, a).ok).toBe(true);
      }),
    );
  });

  it('throws on dates outside the 48-bit range and on a short random port', () => {
    expect(() => newId('account', new Date(-1), fixed(0))).toThrow(RangeError);
    expect(() => newId('account', new Date(Number.NaN), fixed(0))).toThrow(TypeError);
    expect(() => newId('account', NOW, () => new Uint8Array(3))).toThrow(TypeError);
  });
});

describe('parseId', () => {
  const id = newId('account', NOW, fixed(7));
  it('accepts a well-formed id of the right kind', () => {
    expect(parseId('account', id)).toEqual({ ok: true, value: id });
    expect(isId('account', id)).toBe(true);
  });
  it.each([
    ['another kind', id.replace('sa_', 'sec_')],
    ['no prefix', id.slice(3)],
    ['short', id.slice(0, -1)],
    ['long', `${id}0`],
    ['foreign char', `${id.slice(0, -1)}-`],
    ['out of 128-bit range', `sa_${'z'.repeat(22)}`],
    ['empty', ''],
  ])('refuses %s with ID.INVALID', (_label, value) => {
    const r = parseId('account', value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ID.INVALID');
      expect(JSON.stringify(r.error.details)).not.toContain(value.length > 0 ? value : '\u0000');
    }
  });
});

describe('client ids', () => {
  it('are tci_ + 22 base62 characters from 16 random bytes', () => {
    const seen: number[] = [];
    const id = generateClientId((n) => {
      seen.push(n);
      return new Uint8Array(n).fill(9);
    });
    expect(seen).toEqual([16]);
    expect(id).toMatch(/^tci_[0-9A-Za-z]{22}$/);
    expect(isClientId(id)).toBe(true);
    expect(parseClientId(id).ok).toBe(true);
  });

  it('are refused when malformed (property: any string not of the shape)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!/^tci_[0-9A-Za-z]{22}$/.test(s));
        const r = parseClientId(s);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('ID.INVALID');
      }),
    );
    expect(isClientId('sa_0000000000000000000000')).toBe(false);
  });

  it('round-trips any 16 random bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(isClientId(generateClientId(fromArray(b)))).toBe(true);
      }));
  });
});
