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
 * Whether the JWKS must publish a key, and so whether tokens it signed are accepted: it is active,
 * or retired but may still have signed a live token (`retiredAt + maxTokenLifetimeSeconds + 60 s > now`).
 */
export function shouldPublish(key: SigningKeyLifecycle, maxTokenLifetimeSeconds: number, now: Date): boolean {
  return key.retiredAt === null || key.retiredAt.getTime() + (maxTokenLifetimeSeconds + CLOCK_SKEW_SECONDS) * 1000 > now.getTime();
}

/** The keys the JWKS must publish (see `shouldPublish`). Order is kept. */
export function keysToPublish<T extends SigningKeyLifecycle>(keys: readonly T[], maxTokenLifetimeSeconds: number, now: Date): T[] {
  return keys.filter((k) => shouldPublish(k, maxTokenLifetimeSeconds, now));
}

/**
 * Whether a key should be deleted: it is retired and its publication window has ended
 * (`shouldPublish` no longer holds), so no token it signed is accepted any more. Keeping it would
 * only keep its private half (encrypted) for nothing. The window already holds the token lifetime
 * and the clock-skew margin, so deleting a key then changes no verification's answer. The signing
 * key is never deleted: it is not retired.
 */
export function shouldDelete(key: SigningKeyLifecycle, maxTokenLifetimeSeconds: number, now: Date): boolean {
  return key.retiredAt !== null && !shouldPublish(key, maxTokenLifetimeSeconds, now);
}

/** The keys to delete (see `shouldDelete`): exactly those the JWKS no longer publishes. Order is kept. */
export function keysToDelete<T extends SigningKeyLifecycle>(keys: readonly T[], maxTokenLifetimeSeconds: number, now: Date): T[] {
  return keys.filter((k) => shouldDelete(k, maxTokenLifetimeSeconds, now));
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
