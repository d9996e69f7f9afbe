import {
  AccountDeleteWhileSecretEnabledError,
  SecretDeleteWhileEnabledError,
  SecretDescriptionInvalidError,
  SecretLimitReachedError,
  SecretNotOfAccountError,
} from './errors.js';
import { resolveExpiry } from './expiry.js';
import { newId, type AccountId, type SecretId } from './ids.js';
import type { ApiPolicy } from './policy.js';
import type { RandomBytes, SecretHasher } from './ports.js';
import { err, ok, type Result } from './result.js';
import { generateSecret } from './secret-format.js';
import type { ServiceAccount, Status } from './service-account.js';
import { checkDescription, MAX_DESCRIPTION_LENGTH } from './text.js';
import { assertValidDate } from './time.js';

/** A client secret as stored: its keyed hash and a short hint, never the plaintext. */
export interface Secret {
  readonly id: SecretId;
  readonly accountId: AccountId;
  /** Keyed hash of the plaintext (see {@link SecretHasher}). */
  readonly hash: string;
  /** Safe-to-show hint: `tsk_…` + last 4 characters. */
  readonly hint: string;
  readonly description: string;
  readonly status: Status;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When the secret stops working; null = never (only where the policy allows). */
  readonly expiresAt: Date | null;
  /** When it was last disabled; null while enabled. */
  readonly disabledAt: Date | null;
  readonly lastUsedAt: Date | null;
}

/** Everything a secret operation needs from the outside world. */
export interface SecretContext {
  readonly now: Date;
  readonly random: RandomBytes;
  readonly hasher: SecretHasher;
  readonly policy: ApiPolicy;
}

function validDescription(description: string): Result<string> {
  const checked = checkDescription(description);
  return checked.ok ? ok(checked.value) : err(new SecretDescriptionInvalidError(checked.reason, MAX_DESCRIPTION_LENGTH));
}

/**
 * Adds a new enabled secret to an account. Returns the stored form and the plaintext, which the
 * caller shows once and never stores. Checks, in order: `SECRET.LIMIT_REACHED` (the account
 * already holds `policy.maxSecretsPerAccount` secrets among `existing`), `SECRET.DESCRIPTION_INVALID`,
 * then the expiry rules of {@link resolveExpiry}. Secrets in `existing` of other accounts are ignored.
 */
export function addSecret(
  account: ServiceAccount,
  existing: readonly Secret[],
  input: { expiresAt?: Date | null; description?: string },
  ctx: SecretContext,
): Result<{ secret: Secret; plaintext: string }> {
  assertValidDate(ctx.now, 'now');
  const count = existing.filter((s) => s.accountId === account.id).length;
  if (count >= ctx.policy.maxSecretsPerAccount) return err(new SecretLimitReachedError(ctx.policy.maxSecretsPerAccount));
  const description = validDescription(input.description ?? '');
  if (!description.ok) return description;
  const expiresAt = resolveExpiry(input.expiresAt, ctx.now, ctx.policy);
  if (!expiresAt.ok) return expiresAt;
  const { plaintext, hint } = generateSecret(ctx.random);
  const at = new Date(ctx.now.getTime());
  const secret: Secret = Object.freeze({
    id: newId('secret', ctx.now, ctx.random),
    accountId: account.id,
    hash: ctx.hasher.hash(plaintext),
    hint,
    description: description.value,
    status: 'enabled' as const,
    createdAt: at,
    updatedAt: at,
    expiresAt: expiresAt.value,
    disabledAt: null,
    lastUsedAt: null,
  });
  return ok({ secret, plaintext });
}

/** Enables a secret (clears `disabledAt`). Returns the same secret when it is already enabled. */
export function enableSecret(secret: Secret, now: Date): Secret {
  assertValidDate(now, 'now');
  if (secret.status === 'enabled') return secret;
  return Object.freeze({ ...secret, status: 'enabled' as const, disabledAt: null, updatedAt: new Date(now.getTime()) });
}

/**
 * Disables a secret; it stops working at once. `siblings` are the account's secrets (may include
 * this one). `wasLastEnabled` is true when this call disabled the account's last enabled secret —
 * the caller should warn that the account can no longer authenticate. Disabling an already
 * disabled secret changes nothing and reports `wasLastEnabled: false`.
 */
export function disableSecret(secret: Secret, siblings: readonly Secret[], now: Date): { secret: Secret; wasLastEnabled: boolean } {
  assertValidDate(now, 'now');
  if (secret.status === 'disabled') return { secret, wasLastEnabled: false };
  const otherEnabled = siblings.some((s) => s.id !== secret.id && s.accountId === secret.accountId && s.status === 'enabled');
  const at = new Date(now.getTime());
  return {
    secret: Object.freeze({ ...secret, status: 'disabled' as const, disabledAt: at, updatedAt: at }),
    wasLastEnabled: !otherEnabled,
  };
}

/** Replaces a secret's description (trimmed, 0..500 characters). `SECRET.DESCRIPTION_INVALID`. */
export function describeSecret(secret: Secret, description: string, now: Date): Result<Secret> {
  assertValidDate(now, 'now');
  const r = validDescription(description);
  if (!r.ok) return r;
  if (r.value === secret.description) return ok(secret);
  return ok(Object.freeze({ ...secret, description: r.value, updatedAt: new Date(now.getTime()) }));
}

/** Records a successful use of the secret at `now` (never moves `lastUsedAt` backwards). */
export function markSecretUsed(secret: Secret, now: Date): Secret {
  assertValidDate(now, 'now');
  if (secret.lastUsedAt !== null && secret.lastUsedAt.getTime() >= now.getTime()) return secret;
  return Object.freeze({ ...secret, lastUsedAt: new Date(now.getTime()) });
}

/** Whether a secret may be deleted: only once disabled. `SECRET.DELETE_WHILE_ENABLED`. */
export function canDeleteSecret(secret: Secret): Result<true> {
  return secret.status === 'enabled' ? err(new SecretDeleteWhileEnabledError(secret.id)) : ok(true);
}

/** Checks that a secret belongs to the account (e.g. a secret id taken from a URL). `SECRET.NOT_OF_ACCOUNT`. */
export function secretOfAccount(account: ServiceAccount, secret: Secret): Result<Secret> {
  return secret.accountId === account.id ? ok(secret) : err(new SecretNotOfAccountError(secret.id, account.id));
}

/**
 * Whether the account may be deleted: only when none of its secrets is enabled.
 * `ACCOUNT.DELETE_WHILE_SECRET_ENABLED` (details.enabledSecrets). Secrets of other accounts are ignored.
 */
export function canDeleteAccount(a: ServiceAccount, secrets: readonly Secret[]): Result<true> {
  const enabled = secrets.filter((s) => s.accountId === a.id && s.status === 'enabled').length;
  return enabled > 0 ? err(new AccountDeleteWhileSecretEnabledError(enabled)) : ok(true);
}
