/**
 * The token client's decisions about time, as pure functions: when a cached token is refreshed,
 * how long a `Retry-After` asks to wait, and how long to back off before a retry.
 */

/** A token is refreshed when less than this much of its life is left, at the least… */
export const MIN_REFRESH_MARGIN_MS = 30_000;
/** …or less than this share of its lifetime, whichever is longer. */
export const REFRESH_MARGIN_SHARE = 0.1;

/**
 * When a token obtained at `obtainedAt` (ms, when its request was sent: the server's clock
 * started no earlier) and valid for `expiresInSeconds` should be replaced: when less than
 * max(30 s, 10% of its lifetime) remains. The margin is never more than half the lifetime, so a
 * short-lived token is still used for half of its life rather than fetched on every call.
 */
export function refreshTime(obtainedAt: number, expiresInSeconds: number): { refreshAt: number; expiresAt: number } {
  const lifetime = expiresInSeconds * 1000;
  const margin = Math.min(lifetime / 2, Math.max(MIN_REFRESH_MARGIN_MS, lifetime * REFRESH_MARGIN_SHARE));
  return { refreshAt: obtainedAt + lifetime - margin, expiresAt: obtainedAt + lifetime };
}

/**
 * The wait, in seconds, that a `Retry-After` header asks for (RFC 9110 §10.2.3): a number of
 * seconds, or an HTTP date (counted from `now`, never negative). Undefined when the header is
 * absent or neither form.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date always names its weekday and zone; Date.parse alone would take "3" or "2026".
  if (!/^[A-Za-z]{3},? .*(GMT|UTC)$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * The wait before retry number `attempt` (0 for the first retry): exponential from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so that many clients that
 * failed together do not come back together, while each still waits at least half the step.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return step / 2 + (step / 2) * random();
}
