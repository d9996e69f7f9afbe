import {
  SecretExpiryBeyondMaximumError,
  SecretExpiryInPastError,
  SecretNeverExpiresNotAllowedError,
} from './errors.js';
import { ABSOLUTE_MAX_SECRET_LIFETIME_DAYS, type ApiPolicy } from './policy.js';
import { err, ok, type Result } from './result.js';
import { addDays, addUtcYears, assertValidDate } from './time.js';

/** Years in the default secret lifetime (calendar years, UTC). */
export const DEFAULT_SECRET_LIFETIME_YEARS = 2;

/** The longest lifetime, in days, a secret may be given under `policy` (the policy's, or the absolute ceiling). */
export function maxLifetimeDays(policy: ApiPolicy): number {
  return policy.maxSecretLifetimeDays ?? ABSOLUTE_MAX_SECRET_LIFETIME_DAYS;
}

/** The latest expiration a secret created at `now` may have under `policy`. */
export function maxExpiresAt(now: Date, policy: ApiPolicy): Date {
  return addDays(now, maxLifetimeDays(policy));
}

/** The expiration a secret created at `now` gets when none is requested: +2 calendar years (UTC), capped by the policy maximum. */
export function defaultExpiresAt(now: Date, policy: ApiPolicy): Date {
  const twoYears = addUtcYears(now, DEFAULT_SECRET_LIFETIME_YEARS);
  const max = maxExpiresAt(now, policy);
  return twoYears.getTime() <= max.getTime() ? twoYears : max;
}

/**
 * Decides the expiration of a new secret.
 * - `undefined` → now + 2 calendar years (UTC), capped at the policy's maximum lifetime when shorter;
 * - a Date ≤ now → `SECRET.EXPIRY_IN_PAST`;
 * - a Date later than now + maximum lifetime → `SECRET.EXPIRY_BEYOND_MAXIMUM` (details carry the
 *   maximum; with no policy maximum the absolute ceiling of 3650 days applies);
 * - `null` (never expires) → only when `policy.allowNeverExpires` and no maximum lifetime is set,
 *   else `SECRET.NEVER_EXPIRES_NOT_ALLOWED`.
 * Throws on an invalid Date (a bug upstream: inputs are parsed at the boundary).
 */
export function resolveExpiry(requested: Date | null | undefined, now: Date, policy: ApiPolicy): Result<Date | null> {
  const limits = policyLimits(now, policy);
  if (requested === undefined) return ok(defaultExpiresAt(now, policy));
  if (requested === null) return limits.neverExpires ? ok(null) : err(new SecretNeverExpiresNotAllowedError(policy.maxSecretLifetimeDays));
  assertValidDate(requested, 'expiresAt');
  if (requested.getTime() <= now.getTime()) return err(new SecretExpiryInPastError(requested, now));
  if (requested.getTime() > limits.latestExpiresAt.getTime()) return err(new SecretExpiryBeyondMaximumError(limits.latestExpiresAt, maxLifetimeDays(policy)));
  return ok(new Date(requested.getTime()));
}

/** True when a secret with this expiration is expired at `now` (`expiresAt <= now`); never for `null`. */
export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}

/** What a policy allows a secret made at a given time: the latest expiry, and whether it may never expire. */
export interface PolicyLimits {
  readonly latestExpiresAt: Date;
  readonly neverExpires: boolean;
}

/** The limits `policy` sets on a secret made at `now`, the ones `resolveExpiry` applies. */
export function policyLimits(now: Date, policy: ApiPolicy): PolicyLimits {
  assertValidDate(now, 'now');
  return { latestExpiresAt: maxExpiresAt(now, policy), neverExpires: policy.allowNeverExpires && policy.maxSecretLifetimeDays === null };
}

/**
 * True when a secret expiring at `expiresAt` outlives `limits` (see {@link policyLimits}): it never
 * expires and they do not allow that, or it expires after their latest expiry. Exactly the expiries
 * `resolveExpiry` would refuse at `now` as beyond the maximum or as never-expiring. Narrowing a
 * policy does not shorten existing secrets (that would cut off running callers without warning);
 * this tells the owner which ones to rotate, and a store can count them with the same two limits.
 * An expired secret never outlives a policy.
 */
export function outlivesPolicy(expiresAt: Date | null, limits: PolicyLimits): boolean {
  if (expiresAt === null) return !limits.neverExpires;
  return expiresAt.getTime() > limits.latestExpiresAt.getTime();
}
