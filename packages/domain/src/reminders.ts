import { isExpired } from './expiry.js';
import { MS_PER_DAY } from './time.js';

/** A reminder about a secret: it expires within `thresholdDays`, or it has expired. */
export type ReminderNotice = { readonly kind: 'expiring'; readonly thresholdDays: number } | { readonly kind: 'expired' };

/** The dedupe key of a notice, stored once sent: `'expiring:30'`, `'expired'`. */
export function reminderKey(n: ReminderNotice): string {
  return n.kind === 'expired' ? 'expired' : `expiring:${n.thresholdDays}`;
}

/** Reads a reminder key back into a notice, or null when it is not one. */
export function parseReminderKey(key: string): ReminderNotice | null {
  if (key === 'expired') return { kind: 'expired' };
  const match = /^expiring:([1-9][0-9]{0,5})$/.exec(key);
  return match ? { kind: 'expiring', thresholdDays: Number(match[1]) } : null;
}

/**
 * The reminder due now for one secret, or null.
 * - never-expiring (`expiresAt` null) → null;
 * - expired (`expiresAt <= now`) → `expired`, once (null when `'expired'` was already sent);
 * - otherwise the candidate is the SMALLEST threshold `t` with `expiresAt - now <= t days`; it is
 *   due only if neither it nor any smaller threshold was already sent. So a secret first seen
 *   5 days before expiry gets `expiring:7` only — never a late `expiring:30` — and each notice
 *   goes out at most once. Sent keys of thresholds no longer configured still count.
 */
export function dueReminder(input: {
  expiresAt: Date | null;
  thresholdsDays: readonly number[];
  sent: readonly string[];
  now: Date;
}): ReminderNotice | null {
  const { expiresAt, thresholdsDays, sent, now } = input;
  if (expiresAt === null) return null;
  if (isExpired(expiresAt, now)) return sent.includes('expired') ? null : { kind: 'expired' };
  const remaining = expiresAt.getTime() - now.getTime();
  let candidate: number | null = null;
  for (const t of thresholdsDays) {
    if (!(Number.isFinite(t) && t > 0)) continue;
    if (remaining <= t * MS_PER_DAY && (candidate === null || t < candidate)) candidate = t;
  }
  if (candidate === null) return null;
  for (const key of sent) {
    const notice = parseReminderKey(key);
    if (notice !== null && notice.kind === 'expiring' && notice.thresholdDays <= candidate) return null;
  }
  return { kind: 'expiring', thresholdDays: candidate };
}
