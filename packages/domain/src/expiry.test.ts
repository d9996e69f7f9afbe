import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultExpiresAt, isExpired, outlivesPolicy, policyLimits, resolveExpiry } from './expiry.js';
import { DEFAULT_API_POLICY, type ApiPolicy } from './policy.js';
import { MS_PER_DAY } from './time.js';

const NOW = new Date('2025-01-15T10:00:00.000Z');
const policy = (p: Partial<ApiPolicy> = {}): ApiPolicy => ({ ...DEFAULT_API_POLICY, ...p });
const anyNow = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
const anyMax = fc.option(fc.integer({ min: 1, max: 3650 }), { nil: null });

describe('resolveExpiry', () => {
  it('defaults to two calendar years (UTC)', () => {
    expect(resolveExpiry(undefined, NOW, policy())).toEqual({ ok: true, value: new Date('2027-01-15T10:00:00.000Z') });
  });

  it('clamps 29 February to 28 February', () => {
    const leap = new Date('2024-02-29T23:30:00.000Z');
    expect(defaultExpiresAt(leap, policy())).toEqual(new Date('2026-02-28T23:30:00.000Z'));
  });

  it('caps the default at a shorter policy maximum', () => {
    expect(resolveExpiry(undefined, NOW, policy({ maxSecretLifetimeDays: 90 }))).toEqual({
      ok: true,
      value: new Date(NOW.getTime() + 90 * MS_PER_DAY),
    });
  });

  it('refuses dates not after now', () => {
    for (const d of [NOW, new Date(NOW.getTime() - 1)]) {
      const r = resolveExpiry(d, NOW, policy());
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('SECRET.EXPIRY_IN_PAST');
    }
    expect(resolveExpiry(new Date(NOW.getTime() + 1), NOW, policy()).ok).toBe(true);
  });

  it('refuses dates beyond the maximum with the maximum in details', () => {
    const p = policy({ maxSecretLifetimeDays: 30 });
    const max = new Date(NOW.getTime() + 30 * MS_PER_DAY);
    expect(resolveExpiry(max, NOW, p)).toEqual({ ok: true, value: max });
    const r = resolveExpiry(new Date(max.getTime() + 1), NOW, p);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SECRET.EXPIRY_BEYOND_MAXIMUM');
      expect(r.error.details).toEqual({ maxExpiresAt: max.toISOString(), maxLifetimeDays: 30 });
    }
  });

  it('applies an absolute ceiling of 3650 days when the policy has no maximum', () => {
    const r = resolveExpiry(new Date('9999-01-01T00:00:00Z'), NOW, policy({ allowNeverExpires: true }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.details.maxLifetimeDays).toBe(3650);
  });

  it('allows "never" only where the policy allows it', () => {
    expect(resolveExpiry(null, NOW, policy({ allowNeverExpires: true }))).toEqual({ ok: true, value: null });
    for (const p of [policy(), policy({ allowNeverExpires: true, maxSecretLifetimeDays: 365 })]) {
      const r = resolveExpiry(null, NOW, p);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('SECRET.NEVER_EXPIRES_NOT_ALLOWED');
    }
  });

  it('throws on invalid dates (a bug upstream)', () => {
    expect(() => resolveExpiry(new Date(Number.NaN), NOW, policy())).toThrow(TypeError);
    expect(() => resolveExpiry(undefined, new Date(Number.NaN), policy())).toThrow(TypeError);
  });

  it('any accepted expiry is in (now, now + max]; any refused one is outside (property)', () => {
    fc.assert(
      fc.property(anyNow, anyMax, fc.integer({ min: -5 * 365 * MS_PER_DAY, max: 12 * 365 * MS_PER_DAY }), (now, max, offset) => {
        const p = policy({ maxSecretLifetimeDays: max });
        const requested = new Date(now.getTime() + offset);
        const r = resolveExpiry(requested, now, p);
        const limit = (max ?? 3650) * MS_PER_DAY;
        expect(r.ok).toBe(offset > 0 && offset <= limit);
        if (!r.ok) expect(r.error.code).toBe(offset <= 0 ? 'SECRET.EXPIRY_IN_PAST' : 'SECRET.EXPIRY_BEYOND_MAXIMUM');
      }),
    );
  });

  it('the default is always in the future, within two years + 1 day and within the max (property)', () => {
    fc.assert(
      fc.property(anyNow, anyMax, (now, max) => {
        const r = resolveExpiry(undefined, now, policy({ maxSecretLifetimeDays: max }));
        expect(r.ok).toBe(true);
        if (r.ok && r.value !== null) {
          const lifetime = r.value.getTime() - now.getTime();
          expect(lifetime).toBeGreaterThan(0);
          expect(lifetime).toBeLessThanOrEqual(Math.min(731 * MS_PER_DAY, (max ?? 3650) * MS_PER_DAY));
          expect(lifetime).toBeGreaterThanOrEqual(Math.min(729 * MS_PER_DAY, (max ?? 3650) * MS_PER_DAY));
          // the default is itself an acceptable explicit request
          expect(resolveExpiry(r.value, now, policy({ maxSecretLifetimeDays: max })).ok).toBe(true);
        }
      }),
    );
  });
});

describe('isExpired', () => {
  it('is expiresAt <= now, never for null', () => {
    expect(isExpired(null, NOW)).toBe(false);
    expect(isExpired(NOW, NOW)).toBe(true);
    expect(isExpired(new Date(NOW.getTime() + 1), NOW)).toBe(false);
  });
  it('is monotonic in time (property)', () => {
    fc.assert(
      fc.property(anyNow, anyNow, anyNow, (e, a, b) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        if (isExpired(e, t1)) expect(isExpired(e, t2)).toBe(true);
      }),
    );
  });
});

describe('outlivesPolicy', () => {
  /** Whether a secret expiring at `expiresAt` outlives what `p` allows a secret made at `now`. */
  const outlives = (expiresAt: Date | null, now: Date, p: ApiPolicy) => outlivesPolicy(expiresAt, policyLimits(now, p));

  it('is a secret the policy would not give now: never-expiring where not allowed, or past the maximum', () => {
    const p = policy({ maxSecretLifetimeDays: 90 });
    expect(outlives(null, NOW, p)).toBe(true);
    expect(outlives(null, NOW, policy({ allowNeverExpires: true }))).toBe(false);
    expect(outlives(new Date(NOW.getTime() + 90 * MS_PER_DAY), NOW, p)).toBe(false);
    expect(outlives(new Date(NOW.getTime() + 90 * MS_PER_DAY + 1), NOW, p)).toBe(true);
    expect(outlives(new Date(NOW.getTime() - MS_PER_DAY), NOW, p)).toBe(false); // expired
  });

  it('is exactly what resolveExpiry refuses at now as beyond the maximum or never-expiring (property)', () => {
    fc.assert(
      fc.property(anyNow, anyMax, fc.boolean(), fc.option(fc.integer({ min: 1, max: 12 * 365 * MS_PER_DAY }), { nil: null }), (now, max, never, offset) => {
        const p = policy({ maxSecretLifetimeDays: max, allowNeverExpires: never && max === null });
        const expiresAt = offset === null ? null : new Date(now.getTime() + offset);
        expect(outlives(expiresAt, now, p)).toBe(!resolveExpiry(expiresAt, now, p).ok);
      }),
    );
  });

  it('only lets go of a secret as time passes, and holds more of them the narrower the policy (property)', () => {
    fc.assert(
      fc.property(anyNow, anyNow, fc.integer({ min: 1, max: 3650 }), fc.integer({ min: 1, max: 3650 }), anyNow, (a, b, x, y, expiresAt) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        const [narrow, wide] = x <= y ? [x, y] : [y, x];
        if (outlives(expiresAt, later, policy({ maxSecretLifetimeDays: wide }))) {
          expect(outlives(expiresAt, earlier, policy({ maxSecretLifetimeDays: wide }))).toBe(true);
          expect(outlives(expiresAt, later, policy({ maxSecretLifetimeDays: narrow }))).toBe(true);
        }
      }),
    );
  });
});
