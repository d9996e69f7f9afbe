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
 * Until when a retired key may still have signed a live token, and so stays in the JWKS:
 * `retiredAt + maxTokenLifetimeSeconds + 60 s`. Null for the active key, published while it signs.
 */
export function publishedUntil(key: SigningKeyLifecycle, maxTokenLifetimeSeconds: number): Date | null {
  return key.retiredAt === null ? null : new Date(key.retiredAt.getTime() + (maxTokenLifetimeSeconds + CLOCK_SKEW_SECONDS) * 1000);
}

/**
 * Whether the JWKS must publish a key, and so whether tokens it signed are accepted: it is active,
 * or retired but may still have signed a live token (before `publishedUntil`).
 */
export function shouldPublish(key: SigningKeyLifecycle, maxTokenLifetimeSeconds: number, now: Date): boolean {
  const until = publishedUntil(key, maxTokenLifetimeSeconds);
  return until === null || until.getTime() > now.getTime();
}

/** The keys the JWKS must publish (see `shouldPublish`). Order is kept. */
export function keysToPublish<T extends SigningKeyLifecycle>(keys: readonly T[], maxTokenLifetimeSeconds: number, now: Date): T[] {
  return keys.filter((k) => shouldPublish(k, maxTokenLifetimeSeconds, now));
}

/**
 * How long, in seconds, a retired key is kept after it leaves the JWKS before it may be deleted.
 * Deleting is decided by the clock of whichever process reloads the keys first (a CLI run in a
 * container included), and removes the key for every process: the hour makes a clock that runs
 * ahead by less than that harmless, where the 60 s of `CLOCK_SKEW_SECONDS` would not be.
 */
export const KEY_DELETION_DELAY_SECONDS = 3_600;

/**
 * Whether a key should be deleted: it is retired, and its publication window ended at least
 * `KEY_DELETION_DELAY_SECONDS` ago (`shouldPublish` no longer held then), so no token it signed
 * is accepted any more, even by a process whose clock is behind. Keeping it would only keep its
 * private half (encrypted) for nothing. The signing key is never deleted: it is not retired.
 */
export function shouldDelete(key: SigningKeyLifecycle, maxTokenLifetimeSeconds: number, now: Date): boolean {
  return key.retiredAt !== null && !shouldPublish(key, maxTokenLifetimeSeconds, new Date(now.getTime() - KEY_DELETION_DELAY_SECONDS * 1000));
}

/** The keys to delete (see `shouldDelete`): retired keys out of the JWKS for an hour. Order is kept. */
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
