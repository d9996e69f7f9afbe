import { PolicyInvalidError } from './errors.js';
import { err, ok, type Result } from './result.js';

/** The per-API rules for secrets, tokens and reminders. */
export interface ApiPolicy {
  /** Lifetime of issued bearer tokens, in seconds (60..86400). */
  readonly tokenLifetimeSeconds: number;
  /**
   * Days before expiry at which reminders go out, distinct (each 1..365, at most 10). Given in any
   * order; {@link validatePolicy} returns them largest first, the order they are stored and shown in.
   */
  readonly reminderThresholdsDays: readonly number[];
  /** Longest lifetime a secret may be given, in days (1..3650), or null for the default cap. */
  readonly maxSecretLifetimeDays: number | null;
  /** Whether secrets may never expire (only when `maxSecretLifetimeDays` is null). */
  readonly allowNeverExpires: boolean;
  /** Most secrets one service account may hold (1..100). */
  readonly maxSecretsPerAccount: number;
  /** Days without use after which an account or secret is reported unused (1..3650). */
  readonly unusedAfterDays: number;
}

/** The policy an API gets when its owner has not changed anything. */
export const DEFAULT_API_POLICY: ApiPolicy = Object.freeze({
  tokenLifetimeSeconds: 900,
  reminderThresholdsDays: Object.freeze([30, 7, 1]),
  maxSecretLifetimeDays: null,
  allowNeverExpires: false,
  maxSecretsPerAccount: 10,
  unusedAfterDays: 90,
});

/**
 * Nominal default secret lifetime ("2 years"). The default expiry is computed as calendar
 * +2 years in UTC from creation (same month, day and time; 29 Feb → 28 Feb), which is 730 or
 * 731 days; this constant is the nominal figure for documentation and UIs.
 */
export const DEFAULT_SECRET_LIFETIME_DAYS = 730;

/**
 * Hard ceiling on any secret's lifetime, in days, even when the policy sets no maximum:
 * a far-future date must not become a back door to "never expires".
 */
export const ABSOLUTE_MAX_SECRET_LIFETIME_DAYS = 3650;

/** A policy number's bounds, and what it counts (empty for a plain count). */
export interface WholeNumberBounds {
  readonly min: number;
  readonly max: number;
  readonly unit: '' | 'seconds' | 'days';
}

/** Bounds enforced by {@link validatePolicy}, and the ones the HTTP contract takes (one place). */
export const POLICY_BOUNDS = Object.freeze({
  tokenLifetimeSeconds: { min: 60, max: 86_400, unit: 'seconds' },
  reminderThresholdDays: { min: 1, max: 365, unit: 'days' },
  maxReminderThresholds: 10,
  maxSecretLifetimeDays: { min: 1, max: ABSOLUTE_MAX_SECRET_LIFETIME_DAYS, unit: 'days' },
  maxSecretsPerAccount: { min: 1, max: 100, unit: '' },
  unusedAfterDays: { min: 1, max: 3650, unit: 'days' },
} as const satisfies Record<string, WholeNumberBounds | number>);

function intIn(value: unknown, bounds: WholeNumberBounds): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= bounds.min && value <= bounds.max;
}

/** `a whole number of days from 1 to 3650`: how a message names what a policy number must be. */
export function wholeNumberIn(bounds: WholeNumberBounds): string {
  return `a whole number${bounds.unit ? ` of ${bounds.unit}` : ''} from ${bounds.min} to ${bounds.max}`;
}

/**
 * Checks an API policy against sane bounds and returns a frozen copy. `POLICY.INVALID` with
 * `details.field` naming the first bad field. Reminder thresholds may come in any order, as long as
 * they are distinct: the copy holds them largest first (`[1, 7]` becomes `[7, 1]`), so every caller
 * (HTTP, CLI) stores and shows one order. A policy that both sets `maxSecretLifetimeDays` and allows
 * never-expiring secrets contradicts itself and is refused (field `allowNeverExpires`).
 */
export function validatePolicy(input: ApiPolicy): Result<ApiPolicy> {
  const b = POLICY_BOUNDS;
  if (!intIn(input.tokenLifetimeSeconds, b.tokenLifetimeSeconds)) {
    return err(new PolicyInvalidError('tokenLifetimeSeconds', `must be ${wholeNumberIn(b.tokenLifetimeSeconds)}`));
  }
  const thresholds: unknown = input.reminderThresholdsDays;
  if (!Array.isArray(thresholds) || thresholds.length > b.maxReminderThresholds) {
    return err(new PolicyInvalidError('reminderThresholdsDays', `must be a list of at most ${b.maxReminderThresholds} thresholds`));
  }
  // Array.from reads a hole of a sparse array as undefined, which every() and sort() would skip.
  const days: unknown[] = Array.from(thresholds);
  if (!days.every((t) => intIn(t, b.reminderThresholdDays))) {
    return err(new PolicyInvalidError('reminderThresholdsDays', `each threshold must be ${wholeNumberIn(b.reminderThresholdDays)}`));
  }
  const largestFirst = (days as number[]).sort((x, y) => y - x);
  if (largestFirst.some((t, i) => i > 0 && t === largestFirst[i - 1])) {
    return err(new PolicyInvalidError('reminderThresholdsDays', 'thresholds must be distinct'));
  }
  if (input.maxSecretLifetimeDays !== null && !intIn(input.maxSecretLifetimeDays, b.maxSecretLifetimeDays)) {
    return err(new PolicyInvalidError('maxSecretLifetimeDays', `must be null or ${wholeNumberIn(b.maxSecretLifetimeDays)}`));
  }
  if (typeof input.allowNeverExpires !== 'boolean') {
    return err(new PolicyInvalidError('allowNeverExpires', 'must be true or false'));
  }
  if (input.allowNeverExpires && input.maxSecretLifetimeDays !== null) {
    return err(new PolicyInvalidError('allowNeverExpires', 'cannot be true while a maximum secret lifetime is set'));
  }
  if (!intIn(input.maxSecretsPerAccount, b.maxSecretsPerAccount)) {
    return err(new PolicyInvalidError('maxSecretsPerAccount', `must be ${wholeNumberIn(b.maxSecretsPerAccount)}`));
  }
  if (!intIn(input.unusedAfterDays, b.unusedAfterDays)) {
    return err(new PolicyInvalidError('unusedAfterDays', `must be ${wholeNumberIn(b.unusedAfterDays)}`));
  }
  return ok(
    Object.freeze({
      tokenLifetimeSeconds: input.tokenLifetimeSeconds,
      reminderThresholdsDays: Object.freeze(largestFirst),
      maxSecretLifetimeDays: input.maxSecretLifetimeDays,
      allowNeverExpires: input.allowNeverExpires,
      maxSecretsPerAccount: input.maxSecretsPerAccount,
      unusedAfterDays: input.unusedAfterDays,
    }),
  );
}
