import { isExpired } from './expiry.js';
import type { Secret } from './secret.js';
import type { ServiceAccount } from './service-account.js';

/**
 * Why a client-credentials authentication was refused. Recorded in the audit trail; the caller
 * always gets the same `invalid_client`. `SECRET_MALFORMED` is decided by the caller when
 * `parseSecret` fails, before any lookup; {@link decideAuthentication} never returns it.
 */
export type AuthenticationRefusal =
  | 'UNKNOWN_CLIENT'
  | 'SECRET_MALFORMED'
  | 'SECRET_MISMATCH'
  | 'SECRET_NOT_OF_ACCOUNT'
  | 'ACCOUNT_DISABLED'
  | 'SECRET_DISABLED'
  | 'SECRET_EXPIRED';

/** Every refusal reason. */
export const AUTHENTICATION_REFUSALS: readonly AuthenticationRefusal[] = Object.freeze([
  'UNKNOWN_CLIENT',
  'SECRET_MALFORMED',
  'SECRET_MISMATCH',
  'SECRET_NOT_OF_ACCOUNT',
  'ACCOUNT_DISABLED',
  'SECRET_DISABLED',
  'SECRET_EXPIRED',
]);

/** The outcome of an authentication: accepted with the account and secret, or refused with a reason. */
export type AuthenticationDecision =
  | { readonly accepted: true; readonly account: ServiceAccount; readonly secret: Secret }
  | { readonly accepted: false; readonly reason: AuthenticationRefusal };

/**
 * Decides a client-credentials authentication from what the caller looked up: the account of the
 * client id, the secret whose hash matched (or a candidate), and whether the hash comparison
 * succeeded. Checks in this order: no account → `UNKNOWN_CLIENT`; no secret or no match →
 * `SECRET_MISMATCH`; secret of another account → `SECRET_NOT_OF_ACCOUNT`; account disabled →
 * `ACCOUNT_DISABLED`; secret disabled → `SECRET_DISABLED`; expired (`expiresAt <= now`) → `SECRET_EXPIRED`.
 */
export function decideAuthentication(input: {
  account: ServiceAccount | null;
  secret: Secret | null;
  secretMatches: boolean;
  now: Date;
}): AuthenticationDecision {
  const { account, secret, secretMatches, now } = input;
  if (account === null) return { accepted: false, reason: 'UNKNOWN_CLIENT' };
  if (secret === null || secretMatches !== true) return { accepted: false, reason: 'SECRET_MISMATCH' };
  if (secret.accountId !== account.id) return { accepted: false, reason: 'SECRET_NOT_OF_ACCOUNT' };
  if (account.status !== 'enabled') return { accepted: false, reason: 'ACCOUNT_DISABLED' };
  if (secret.status !== 'enabled') return { accepted: false, reason: 'SECRET_DISABLED' };
  if (isExpired(secret.expiresAt, now)) return { accepted: false, reason: 'SECRET_EXPIRED' };
  return { accepted: true, account, secret };
}
