import type { SigningKeyId } from './ids.js';

/** The lifecycle of a token-signing key: active while `retiredAt` is null. */
export interface SigningKeyLifecycle {
  readonly id: SigningKeyId;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
}

/** Clock-skew margin, in seconds, added when deciding whether a retired key can still have live tokens. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * The keys the JWKS must publish: every active key, plus every retired key that may still have
 * signed a live token (`retiredAt + maxTokenLifetimeSeconds + 60 s > now`). Order is kept.
 */
export function keysToPublish<T extends SigningKeyLifecycle>(keys: readonly T[], maxTokenLifetimeSeconds: number, now: Date): T[] {
  const graceMs = (maxTokenLifetimeSeconds + CLOCK_SKEW_SECONDS) * 1000;
  return keys.filter((k) => k.retiredAt === null || k.retiredAt.getTime() + graceMs > now.getTime());
}

/** The key to sign with: the newest (by `createdAt`, then id) that is not retired, or null. */
export function activeSigningKey<T extends SigningKeyLifecycle>(keys: readonly T[]): T | null {
  let best: T | null = null;
  for (const k of keys) {
    if (k.retiredAt !== null) continue;
    if (
      best === null ||
      k.createdAt.getTime() > best.createdAt.getTime() ||
      (k.createdAt.getTime() === best.createdAt.getTime() && k.id > best.id)
    ) {
      best = k;
    }
  }
  return best;
}
