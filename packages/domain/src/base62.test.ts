import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET, bytesToBigInt, decodeBase62, encodeBase62, encodeBase62BigInt, isBase62, maxBase62For } from './base62.js';

describe('base62', () => {
  it('alphabet is ASCII-ascending and 62 long', () => {
    expect(BASE62_ALPHABET).toHaveLength(62);
    expect([...BASE62_ALPHABET].sort().join('')).toBe(BASE62_ALPHABET);
  });

  it('pads to the width and encodes known values', () => {
    expect(encodeBase62(Uint8Array.of(), 3)).toBe('000');
    expect(encodeBase62(Uint8Array.of(61), 2)).toBe('0z');
    expect(encodeBase62(Uint8Array.of(62), 2)).toBe('10');
    expect(encodeBase62BigInt(3843n, 2)).toBe('zz');
  });

  it('throws when the value does not fit or the width is bad', () => {
    expect(() => encodeBase62BigInt(3844n, 2)).toThrow(RangeError);
    expect(() => encodeBase62BigInt(-1n, 2)).toThrow(RangeError);
    expect(() => encodeBase62(Uint8Array.of(1), 0)).toThrow(RangeError);
  });

  it('decodes what it encodes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 32 }), (bytes) => {
        const text = encodeBase62(bytes, 43);
        expect(text).toHaveLength(43);
        expect(isBase62(text)).toBe(true);
        expect(decodeBase62(text)).toBe(bytesToBigInt(bytes));
      }),
    );
  });

  it('encodes bytes exactly as their integer value, fitting or not (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.integer({ min: 1, max: 60 }), (bytes, width) => {
        const value = bytesToBigInt(bytes);
        const fits = value < 62n ** BigInt(width);
        if (fits) expect(encodeBase62(bytes, width)).toBe(encodeBase62BigInt(value, width));
        else expect(() => encodeBase62(bytes, width)).toThrow(RangeError);
      }),
    );
    // Leading zero bytes, and a value one past the widest that fits.
    expect(encodeBase62(Uint8Array.of(0, 0, 15, 3), 2)).toBe('zz');
    expect(() => encodeBase62(Uint8Array.of(0, 0, 15, 4), 2)).toThrow(RangeError);
  });

  it('fixed-width strings sort like their numbers (property)', () => {
    const max = (1n << 128n) - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max }), fc.bigInt({ min: 0n, max }), (a, b) => {
        const x = encodeBase62BigInt(a, 22);
        const y = encodeBase62BigInt(b, 22);
        expect(Math.sign(x < y ? -1 : x > y ? 1 : 0)).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it('rejects foreign characters', () => {
    expect(decodeBase62('')).toBeNull();
    expect(decodeBase62('ab-c')).toBeNull();
    expect(isBase62('é')).toBe(false);
    expect(maxBase62For(1, 2)).toBe(encodeBase62BigInt(255n, 2));
  });
});
