import { describe, expect, it } from 'vitest';
import {
  AccountDeleteWhileSecretEnabledError,
  AccountDescriptionInvalidError,
  AccountNameInvalidError,
  AccountNameTakenError,
  AccountScopeInvalidError,
  DOMAIN_ERROR_CODES,
  DomainError,
  IdInvalidError,
  isDomainError,
  PolicyInvalidError,
  SecretChecksumMismatchError,
  SecretDeleteWhileEnabledError,
  SecretDescriptionInvalidError,
  SecretExpiryBeyondMaximumError,
  SecretExpiryInPastError,
  SecretFormatInvalidError,
  SecretLimitReachedError,
  SecretNeverExpiresNotAllowedError,
  SecretNotOfAccountError,
} from './errors.js';

const NOW = new Date('2025-01-15T10:00:00.000Z');

const one: DomainError[] = [
  new AccountNameInvalidError('empty', 100),
  new AccountNameTakenError('Billing'),
  new AccountDescriptionInvalidError('too_long', 500),
  new AccountScopeInvalidError({ reason: 'syntax', scope: 'a b' }),
  new AccountDeleteWhileSecretEnabledError(2),
  new SecretLimitReachedError(10),
  new SecretDeleteWhileEnabledError('sec_x'),
  new SecretExpiryInPastError(NOW, NOW),
  new SecretExpiryBeyondMaximumError(NOW, 90),
  new SecretNeverExpiresNotAllowedError(null),
  new SecretDescriptionInvalidError('control_characters', 500),
  new SecretFormatInvalidError('length'),
  new SecretChecksumMismatchError(),
  new SecretNotOfAccountError('sec_x', 'sa_y'),
  new PolicyInvalidError('tokenLifetimeSeconds', 'must be 60..86400'),
  new IdInvalidError('account', 'sa'),
];

describe('domain errors', () => {
  it('has exactly one subclass per code', () => {
    expect(one.map((e) => e.code).sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
    expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length);
  });

  it('are Errors and DomainErrors with a sentence as message', () => {
    for (const e of one) {
      expect(e).toBeInstanceOf(Error);
      expect(isDomainError(e)).toBe(true);
      expect(e.message).toMatch(/^[A-Z].*[.]$/);
      expect(e.name).toMatch(/Error$/);
      expect(e.toJSON()).toEqual({ code: e.code, message: e.message, details: e.details });
      for (const value of Object.values(e.details)) expect(['string', 'number', 'boolean']).toContain(value === null ? 'string' : typeof value);
    }
    expect(isDomainError(new Error('x'))).toBe(false);
  });

  it('uses the agreed sentence and details', () => {
    expect(new SecretDeleteWhileEnabledError('sec_1').message).toBe('The secret is enabled; disable it first, then delete it.');
    expect(new SecretLimitReachedError(10).details.max).toBe(10);
    const beyond = new SecretExpiryBeyondMaximumError(NOW, 90);
    expect(beyond.details).toEqual({ maxExpiresAt: '2025-01-15T10:00:00.000Z', maxLifetimeDays: 90 });
    expect(new PolicyInvalidError('unusedAfterDays', 'x').details.field).toBe('unusedAfterDays');
    // Without a maximum lifetime there is nothing to name: no `maxLifetimeDays: null` in the details.
    expect(new SecretNeverExpiresNotAllowedError(null).details).toEqual({});
    const bounded = new SecretNeverExpiresNotAllowedError(90);
    expect(bounded.message).toBe("This API's policy does not allow secrets that never expire; give an expiration date at most 90 days away.");
    expect(bounded.details).toEqual({ maxLifetimeDays: 90 });
  });

  it('details are frozen', () => {
    const e = new SecretLimitReachedError(3);
    expect(Object.isFrozen(e.details)).toBe(true);
  });
});
