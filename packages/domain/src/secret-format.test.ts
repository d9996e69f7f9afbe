import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET } from './base62.js';
import type { RandomBytes } from './ports.js';
import { generateSecret, looksLikeSecret, parseSecret, SECRET_LENGTH, SECRET_PREFIX, secretHint } from './secret-format.js';

const fromArray = (bytes: Uint8Array): RandomBytes => (n) => bytes.slice(0, n);
const randomBytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const KNOWN = generateSecret((n) => new Uint8Array(n).fill(0xab)).plaintext;

describe('generateSecret', () => {
  it('is tsk_ + 43 base62 + 6 base62 checksum, from 32 random bytes', () => {
    const asked: number[] = [];
    const { plaintext, hint } = generateSecret((n) => {
      asked.push(n);
      return new Uint8Array(n).fill(0xab);
    });
    expect(asked).toEqual([32]);
    expect(plaintext).toMatch(/^tsk_[0-9A-Za-z]{49}$/);
    expect(plaintext).toHaveLength(SECRET_LENGTH);
    expect(SECRET_LENGTH).toBe(53);
    expect(hint).toBe(`tsk_…${plaintext.slice(-4)}`);
  });

  it('different random bytes give different secrets, all parseable (property)', () => {
    fc.assert(
      fc.property(randomBytes32, randomBytes32, (a, b) => {
        const x = generateSecret(fromArray(a)).plaintext;
        const y = generateSecret(fromArray(b)).plaintext;
        expect(x === y).toBe(a.every((v, i) => v === b[i]));
        expect(parseSecret(x)).toEqual({ ok: true, value: { plaintext: x } });
        expect(looksLikeSecret(x)).toBe(true);
      }),
    );
  });

  it('encodes the extreme values at full width', () => {
    expect(parseSecret(generateSecret((n) => new Uint8Array(n)).plaintext).ok).toBe(true);
    expect(parseSecret(generateSecret((n) => new Uint8Array(n).fill(255)).plaintext).ok).toBe(true);
  });
});

describe('parseSecret', () => {
  it('ALWAYS catches one changed character (property)', () => {
    fc.assert(
      fc.property(
        randomBytes32,
        fc.nat(),
        fc.oneof(fc.constantFrom(...BASE62_ALPHABET), fc.string({ minLength: 1, maxLength: 1 })),
        (bytes, pos, replacement) => {
          const secret = generateSecret(fromArray(bytes)).plaintext;
          const i = pos % secret.length;
          fc.pre(secret[i] !== replacement);
          const tampered = secret.slice(0, i) + replacement + secret.slice(i + 1);
          const r = parseSecret(tampered);
          expect(r.ok).toBe(false);
          if (!r.ok) {
            expect(['SECRET.FORMAT_INVALID', 'SECRET.CHECKSUM_MISMATCH']).toContain(r.error.code);
            if (i >= SECRET_PREFIX.length && BASE62_ALPHABET.includes(replacement) && r.error.code === 'SECRET.FORMAT_INVALID') {
              expect(r.error.details.reason).toBe('range');
            }
          }
          expect(looksLikeSecret(tampered)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('catches a swap of two adjacent different characters in the body (property)', () => {
    fc.assert(
      fc.property(randomBytes32, fc.integer({ min: 4, max: 45 }), (bytes, i) => {
        const s = generateSecret(fromArray(bytes)).plaintext;
        fc.pre(s[i] !== s[i + 1]);
        const swapped = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
        expect(parseSecret(swapped).ok).toBe(false);
      }),
    );
  });

  it.each([
    ['prefix', `tsx_${KNOWN.slice(4)}`],
    ['prefix', KNOWN.slice(4)],
    ['prefix', KNOWN.toUpperCase()],
    ['length', KNOWN.slice(0, -1)],
    ['length', `${KNOWN}0`],
    ['alphabet', `${KNOWN.slice(0, 10)}_${KNOWN.slice(11)}`],
    ['range', `tsk_${'z'.repeat(43)}000000`],
  ])('refuses a wrong %s with SECRET.FORMAT_INVALID and never echoes it', (reason, value) => {
    const r = parseSecret(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SECRET.FORMAT_INVALID');
      expect(r.error.details.reason).toBe(reason);
      expect(r.error.message).not.toContain(value);
    }
  });

  it('reports a wrong checksum as SECRET.CHECKSUM_MISMATCH', () => {
    const last = KNOWN.at(-1) === '0' ? '1' : '0';
    const r = parseSecret(KNOWN.slice(0, -1) + last);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('SECRET.CHECKSUM_MISMATCH');
  });

  it('refuses arbitrary strings (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
        expect(looksLikeSecret(s)).toBe(false);
      }),
    );
  });
});

describe('secretHint', () => {
  it('is tsk_… plus the last 4 characters', () => {
    expect(secretHint(KNOWN)).toBe(`tsk_…${KNOWN.slice(-4)}`);
    expect(secretHint(KNOWN)).toHaveLength(9);
  });
  it('throws for something that is not a secret', () => {
    expect(() => secretHint('hunter2')).toThrow(TypeError);
  });
});
