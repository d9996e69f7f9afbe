import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_POLICY, POLICY_BOUNDS, validatePolicy, type ApiPolicy } from './policy.js';

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
    [{ reminderThresholdsDays: [1, 7] }, null],
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

  describe('reminder thresholds', () => {
    const { min, max } = POLICY_BOUNDS.reminderThresholdDays;
    const day = fc.integer({ min, max });
    const distinctDays = fc.uniqueArray(day, { maxLength: POLICY_BOUNDS.maxReminderThresholds });

    it('takes distinct days in any order and gives them largest first', () => {
      fc.assert(
        fc.property(distinctDays, (days) => {
          const asGiven = [...days];
          const r = validatePolicy({ ...DEFAULT_API_POLICY, reminderThresholdsDays: days });
          expect(days, 'the list given is left as it was').toEqual(asGiven);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const given = r.value.reminderThresholdsDays;
          expect([...given].sort((a, b) => a - b)).toEqual([...days].sort((a, b) => a - b));
          for (let i = 1; i < given.length; i++) expect(given[i]).toBeLessThan(given[i - 1]!);
          // The order given does not matter: the reversed list gives the same policy, and so does the answer itself.
          expect(validatePolicy({ ...DEFAULT_API_POLICY, reminderThresholdsDays: [...days].reverse() })).toEqual(r);
          expect(validatePolicy(r.value)).toEqual(r);
        }),
      );
    });

    it('refuses a day given twice, wherever it stands', () => {
      fc.assert(
        fc.property(fc.uniqueArray(day, { minLength: 1, maxLength: POLICY_BOUNDS.maxReminderThresholds - 1 }), fc.nat(), fc.nat(), (days, pick, at) => {
          const withTwice = [...days];
          withTwice.splice(at % (days.length + 1), 0, days[pick % days.length]!);
          const r = validatePolicy({ ...DEFAULT_API_POLICY, reminderThresholdsDays: withTwice });
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.details).toEqual({ field: 'reminderThresholdsDays', requirement: 'thresholds must be distinct' });
        }),
      );
    });

    it('refuses a list with a hole, wherever it stands (a sparse array skips every() and sort())', () => {
      fc.assert(
        fc.property(fc.uniqueArray(day, { maxLength: POLICY_BOUNDS.maxReminderThresholds - 1 }), fc.nat(), (days, at) => {
          const withHole = [...days];
          withHole.splice(at % (days.length + 1), 0, 0);
          delete withHole[at % (days.length + 1)];
          const r = validatePolicy({ ...DEFAULT_API_POLICY, reminderThresholdsDays: withHole });
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.details).toMatchObject({ field: 'reminderThresholdsDays' });
        }),
      );
    });
  });

  it('returns POLICY.INVALID', () => {
    const r = validatePolicy({ ...DEFAULT_API_POLICY, maxSecretsPerAccount: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('POLICY.INVALID');
  });
});
