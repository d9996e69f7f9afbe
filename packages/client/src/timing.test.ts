import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, MIN_REFRESH_MARGIN_MS, parseRetryAfter, refreshTime } from './timing';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('refreshTime', () => {
  it('refreshes a 15-minute token 90 s (10%) before it expires, a 5-minute one 30 s before', () => {
    expect(refreshTime(NOW, 900)).toEqual({ refreshAt: NOW + 810_000, expiresAt: NOW + 900_000 });
    expect(refreshTime(NOW, 300)).toEqual({ refreshAt: NOW + 270_000, expiresAt: NOW + 300_000 });
    expect(refreshTime(NOW, 3600).refreshAt).toBe(NOW + 3_240_000);
  });

  it('uses a short-lived token for half its life instead of fetching one on every call', () => {
    expect(refreshTime(NOW, 40)).toEqual({ refreshAt: NOW + 20_000, expiresAt: NOW + 40_000 });
    expect(refreshTime(NOW, 1).refreshAt).toBe(NOW + 500);
  });

  it('always leaves max(30 s, 10%) of the lifetime, or half of it when that is less, and refreshes before expiry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 366 * 86_400 }), (obtainedAt, expiresIn) => {
        const { refreshAt, expiresAt } = refreshTime(obtainedAt, expiresIn);
        const lifetime = expiresIn * 1000;
        expect(expiresAt).toBe(obtainedAt + lifetime);
        expect(refreshAt).toBeGreaterThan(obtainedAt);
        expect(refreshAt).toBeLessThan(expiresAt);
        const margin = expiresAt - refreshAt;
        expect(margin).toBeCloseTo(Math.min(lifetime / 2, Math.max(MIN_REFRESH_MARGIN_MS, lifetime / 10)), 6);
        expect(margin).toBeGreaterThanOrEqual(Math.min(lifetime / 2, MIN_REFRESH_MARGIN_MS));
      }),
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('5', NOW)).toBe(5);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120);
  });

  it('reads an HTTP date as the seconds from now, and a past one as 0', () => {
    expect(parseRetryAfter(new Date(NOW + 7_000).toUTCString(), NOW)).toBe(7);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:30 GMT', NOW)).toBe(30);
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
  });

  it('ignores what is neither', () => {
    for (const value of [null, undefined, '', 'soon', '-1', '1.5', '5s', '2026-11-29T12:00:30Z', 'Sun, 99 Nov 2026 12:00:30 GMT']) {
      expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
    }
  });

  it('gives back any whole number of seconds it is given', () => {
    fc.assert(fc.property(fc.nat(), (seconds) => parseRetryAfter(String(seconds), NOW) === seconds));
  });
});

describe('backoffDelay', () => {
  it('doubles from the base step up to the cap, waiting between half of the step and all of it', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 60_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, base, max, random) => {
        const step = Math.min(max, base * 2 ** attempt);
        const delay = backoffDelay(attempt, base, max, () => random);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      }),
    );
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, 100, 1000, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });

  it('spreads the retries of clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(2, 100, 5000, Math.random)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
