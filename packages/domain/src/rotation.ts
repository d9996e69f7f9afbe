import type { Result } from './result.js';
import { addSecret, type Secret, type SecretContext } from './secret.js';
import type { ServiceAccount } from './service-account.js';

/**
 * First step of a zero-downtime rotation: adds a new secret (same rules and errors as
 * {@link addSecret}) and lists the account's other secrets that are still enabled — the ones
 * callers must move away from before they are disabled and deleted. Nothing is disabled here.
 */
export function rotateSecret(
  account: ServiceAccount,
  existing: readonly Secret[],
  input: { expiresAt?: Date | null; description?: string },
  ctx: SecretContext,
): Result<{ secret: Secret; plaintext: string; stillEnabled: readonly Secret[] }> {
  const added = addSecret(account, existing, input, ctx);
  if (!added.ok) return added;
  const stillEnabled = Object.freeze(existing.filter((s) => s.accountId === account.id && s.status === 'enabled'));
  return { ok: true, value: { secret: added.value.secret, plaintext: added.value.plaintext, stillEnabled } };
}

/**
 * Secrets whose scheduled disable time has come: enabled, with a `disableAt` that is ≤ `now`.
 * A pure selection; the caller disables each with `disableSecret`. Order is kept.
 */
export function dueScheduledDisables<T extends Secret & { readonly disableAt?: Date | null }>(secrets: readonly T[], now: Date): T[] {
  return secrets.filter(
    (s) => s.status === 'enabled' && s.disableAt !== undefined && s.disableAt !== null && s.disableAt.getTime() <= now.getTime(),
  );
}
