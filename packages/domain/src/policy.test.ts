import { describe, expect, it } from 'vitest';
import { DEFAULT_API_POLICY, validatePolicy, type ApiPolicy } from './policy.js';

const field = (overrides: Partial<ApiPolicy>): string | null => {
  const r = validatePolicy({ ...DEFAULT_API_POLICY, ...overrides });
  return r.ok ? null : String(r.error.details.field);
};

describe('validatePolicy', () => {
  it('accepts the default policy and returns a frozen copy', () => {
    const r = validatePolicy(DEFAULT_API_POLICY);
    expect(r).toEqual({ ok: true, value: DEFAULT_API_POLICY });
    if (r.ok) {
      expect(Object.isFrozen(r.value)).toBe(true);
      expect(Object.isFrozen(r.value.reminderThresholdsDays)).toBe(true);
    }
    expect(DEFAULT_API_POLICY).toEqual({
      tokenLifetimeSeconds: 900,
      reminderThresholdsDays: [30, 7, 1],
      maxSecretLifetimeDays: null,
      allowNeverExpires: false,
      maxSecretsPerAccount: 10,
      unusedAfterDays: 90,
    });
  });

  it.each<[Partial<ApiPolicy>, string | null]>([
    [{ tokenLifetimeSeconds: 60 }, null],
    [{ tokenLifetimeSeconds: 86_400 }, null],
    [{ tokenLifetimeSeconds: 59 }, 'tokenLifetimeSeconds'],
    [{ tokenLifetimeSeconds: 86_401 }, 'tokenLifetimeSeconds'],
    [{ tokenLifetimeSeconds: 900.5 }, 'tokenLifetimeSeconds'],
    [{ tokenLifetimeSeconds: Number.NaN }, 'tokenLifetimeSeconds'],
    [{ reminderThresholdsDays: [] }, null],
    [{ reminderThresholdsDays: [365, 1] }, null],
    [{ reminderThresholdsDays: [1, 7] }, 'reminderThresholdsDays'],
    [{ reminderThresholdsDays: [7, 7] }, 'reminderThresholdsDays'],
    [{ reminderThresholdsDays: [0] }, 'reminderThresholdsDays'],
    [{ reminderThresholdsDays: [366] }, 'reminderThresholdsDays'],
    [{ reminderThresholdsDays: [1.5] }, 'reminderThresholdsDays'],
    [{ reminderThresholdsDays: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2] }, null],
    [{ reminderThresholdsDays: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1] }, 'reminderThresholdsDays'],
    [{ maxSecretLifetimeDays: 1 }, null],
    [{ maxSecretLifetimeDays: 3650 }, null],
    [{ maxSecretLifetimeDays: 0 }, 'maxSecretLifetimeDays'],
    [{ maxSecretLifetimeDays: 3651 }, 'maxSecretLifetimeDays'],
    [{ allowNeverExpires: true }, null],
    [{ allowNeverExpires: true, maxSecretLifetimeDays: 90 }, 'allowNeverExpires'],
    [{ maxSecretsPerAccount: 1 }, null],
    [{ maxSecretsPerAccount: 100 }, null],
    [{ maxSecretsPerAccount: 0 }, 'maxSecretsPerAccount'],
    [{ maxSecretsPerAccount: 101 }, 'maxSecretsPerAccount'],
    [{ unusedAfterDays: 1 }, null],
    [{ unusedAfterDays: 3650 }, null],
    [{ unusedAfterDays: 0 }, 'unusedAfterDays'],
    [{ unusedAfterDays: 3651 }, 'unusedAfterDays'],
  ])('%j → invalid field %s', (overrides, expected) => {
    expect(field(overrides)).toBe(expected);
  });

  it('returns POLICY.INVALID', () => {
    const r = validatePolicy({ ...DEFAULT_API_POLICY, maxSecretsPerAccount: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('POLICY.INVALID');
  });
});
