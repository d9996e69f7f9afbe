/** Every stable error code the domain can return. Codes are stored data: never rename one. */
export const DOMAIN_ERROR_CODES = [
  'ACCOUNT.NAME_INVALID',
  'ACCOUNT.NAME_TAKEN',
  'ACCOUNT.DESCRIPTION_INVALID',
  'ACCOUNT.SCOPE_INVALID',
  'ACCOUNT.DELETE_WHILE_SECRET_ENABLED',
  'SECRET.LIMIT_REACHED',
  'SECRET.DELETE_WHILE_ENABLED',
  'SECRET.EXPIRY_IN_PAST',
  'SECRET.EXPIRY_BEYOND_MAXIMUM',
  'SECRET.NEVER_EXPIRES_NOT_ALLOWED',
  'SECRET.DESCRIPTION_INVALID',
  'SECRET.FORMAT_INVALID',
  'SECRET.CHECKSUM_MISMATCH',
  'SECRET.NOT_OF_ACCOUNT',
  'POLICY.INVALID',
  'ID.INVALID',
] as const;

/** A stable, namespaced domain error code (`AREA.PROBLEM`). */
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** Structured, non-secret data about an error. Never holds a secret or a hash. */
export type DomainErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Base class of every expected domain failure. Carries a stable `code`, a human sentence as
 * `message` and non-secret `details`. Never an HTTP status: the API maps codes to statuses.
 */
export abstract class DomainError extends Error {
  /** The stable error code. */
  abstract readonly code: DomainErrorCode;
  /** Non-secret structured data about the failure. */
  readonly details: DomainErrorDetails;

  protected constructor(message: string, details: DomainErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.details = Object.freeze({ ...details });
  }

  /** A plain, log-safe representation: code, message and details. */
  toJSON(): { code: DomainErrorCode; message: string; details: DomainErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is a {@link DomainError}. */
export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** Why a name or description was refused. */
export type TextInvalidReason = 'empty' | 'too_long' | 'control_characters' | 'invalid_unicode';

function textReasonSentence(what: string, reason: TextInvalidReason, maxLength: number): string {
  switch (reason) {
    case 'empty':
      return `The ${what} must not be empty.`;
    case 'too_long':
      return `The ${what} must be at most ${maxLength} characters long.`;
    case 'control_characters':
      return `The ${what} must not contain control characters.`;
    case 'invalid_unicode':
      return `The ${what} must be valid Unicode text: it contains half of a UTF-16 surrogate pair.`;
  }
}

/** `ACCOUNT.NAME_INVALID`: the service-account name is empty, too long or has control characters. */
export class AccountNameInvalidError extends DomainError {
  readonly code = 'ACCOUNT.NAME_INVALID' as const;
  constructor(reason: TextInvalidReason, maxLength: number) {
    super(textReasonSentence('service account name', reason, maxLength), { reason, maxLength });
  }
}

/**
 * `ACCOUNT.NAME_TAKEN`: another service account of the same API already has this name (names are
 * compared by `accountNameKey`: letter case, Unicode form and invisible characters do not make two names different).
 */
export class AccountNameTakenError extends DomainError {
  readonly code = 'ACCOUNT.NAME_TAKEN' as const;
  constructor(name: string) {
    super(`Another service account of this API is already named ${JSON.stringify(name)}; choose another name.`, { name });
  }
}

/** `ACCOUNT.DESCRIPTION_INVALID`: the service-account description is too long or has control characters. */
export class AccountDescriptionInvalidError extends DomainError {
  readonly code = 'ACCOUNT.DESCRIPTION_INVALID' as const;
  constructor(reason: TextInvalidReason, maxLength: number) {
    super(textReasonSentence('service account description', reason, maxLength), { reason, maxLength });
  }
}

/** `ACCOUNT.SCOPE_INVALID`: a scope is not a valid RFC 6749 scope token, or there are too many. */
export class AccountScopeInvalidError extends DomainError {
  readonly code = 'ACCOUNT.SCOPE_INVALID' as const;
  constructor(problem: { readonly reason: 'syntax'; readonly scope: string } | { readonly reason: 'too_many'; readonly max: number }) {
    if (problem.reason === 'syntax') {
      const shown = problem.scope.length > 140 ? `${problem.scope.slice(0, 140)}…` : problem.scope;
      super(
        `The scope ${JSON.stringify(shown)} is not valid; a scope is 1 to 128 visible ASCII characters without spaces, quotes or backslashes.`,
        { reason: 'syntax', scope: shown },
      );
    } else {
      super(`A service account can hold at most ${problem.max} scopes.`, { reason: 'too_many', max: problem.max });
    }
  }
}

/** `ACCOUNT.DELETE_WHILE_SECRET_ENABLED`: the account still has an enabled secret. */
export class AccountDeleteWhileSecretEnabledError extends DomainError {
  readonly code = 'ACCOUNT.DELETE_WHILE_SECRET_ENABLED' as const;
  constructor(enabledSecrets: number) {
    super('The service account still has enabled secrets; disable them first, then delete the account.', {
      enabledSecrets,
    });
  }
}

/** `SECRET.LIMIT_REACHED`: the account already holds the maximum number of secrets (`details.max`). */
export class SecretLimitReachedError extends DomainError {
  readonly code = 'SECRET.LIMIT_REACHED' as const;
  constructor(max: number) {
    super(`The service account already has the maximum of ${max} secrets; delete one before adding another.`, { max });
  }
}

/** `SECRET.DELETE_WHILE_ENABLED`: an enabled secret cannot be deleted. */
export class SecretDeleteWhileEnabledError extends DomainError {
  readonly code = 'SECRET.DELETE_WHILE_ENABLED' as const;
  constructor(secretId: string) {
    super('The secret is enabled; disable it first, then delete it.', { secretId });
  }
}

/** `SECRET.EXPIRY_IN_PAST`: the requested expiration is not after now. */
export class SecretExpiryInPastError extends DomainError {
  readonly code = 'SECRET.EXPIRY_IN_PAST' as const;
  constructor(expiresAt: Date, now: Date) {
    super('The expiration date must be in the future.', { expiresAt: expiresAt.toISOString(), now: now.toISOString() });
  }
}

/** `SECRET.EXPIRY_BEYOND_MAXIMUM`: the requested expiration is later than the policy allows. */
export class SecretExpiryBeyondMaximumError extends DomainError {
  readonly code = 'SECRET.EXPIRY_BEYOND_MAXIMUM' as const;
  constructor(maxExpiresAt: Date, maxLifetimeDays: number) {
    super(
      `The expiration date is too far away; a secret may live at most ${maxLifetimeDays} days (until ${maxExpiresAt.toISOString()}).`,
      { maxExpiresAt: maxExpiresAt.toISOString(), maxLifetimeDays },
    );
  }
}

/** `SECRET.NEVER_EXPIRES_NOT_ALLOWED`: the API's policy requires every secret to expire. */
export class SecretNeverExpiresNotAllowedError extends DomainError {
  readonly code = 'SECRET.NEVER_EXPIRES_NOT_ALLOWED' as const;
  /** `maxLifetimeDays`: the policy's longest lifetime, when it has one (then named, and in the details). */
  constructor(maxLifetimeDays: number | null) {
    super(
      `This API's policy does not allow secrets that never expire; give an expiration date${maxLifetimeDays === null ? '' : ` at most ${maxLifetimeDays} days away`}.`,
      maxLifetimeDays === null ? {} : { maxLifetimeDays },
    );
  }
}

/** `SECRET.DESCRIPTION_INVALID`: the secret description is too long or has control characters. */
export class SecretDescriptionInvalidError extends DomainError {
  readonly code = 'SECRET.DESCRIPTION_INVALID' as const;
  constructor(reason: TextInvalidReason, maxLength: number) {
    super(textReasonSentence('secret description', reason, maxLength), { reason, maxLength });
  }
}

/** Which part of the secret format was wrong. */
export type SecretFormatProblem = 'prefix' | 'length' | 'alphabet' | 'range';

/** `SECRET.FORMAT_INVALID`: the value does not have the shape of a Tessera secret. The value is never echoed. */
export class SecretFormatInvalidError extends DomainError {
  readonly code = 'SECRET.FORMAT_INVALID' as const;
  constructor(reason: SecretFormatProblem) {
    super('The value is not a Tessera client secret (expected "tsk_" followed by 49 letters and digits).', { reason });
  }
}

/** `SECRET.CHECKSUM_MISMATCH`: the value has the shape of a secret but its checksum is wrong (mistyped or forged). */
export class SecretChecksumMismatchError extends DomainError {
  readonly code = 'SECRET.CHECKSUM_MISMATCH' as const;
  constructor() {
    super('The client secret is mistyped: its checksum does not match.');
  }
}

/** `SECRET.NOT_OF_ACCOUNT`: the secret belongs to another service account. */
export class SecretNotOfAccountError extends DomainError {
  readonly code = 'SECRET.NOT_OF_ACCOUNT' as const;
  constructor(secretId: string, accountId: string) {
    super('The secret does not belong to this service account.', { secretId, accountId });
  }
}

/** `POLICY.INVALID`: an API policy field (`details.field`) is out of bounds. */
export class PolicyInvalidError extends DomainError {
  readonly code = 'POLICY.INVALID' as const;
  constructor(field: string, requirement: string) {
    super(`The policy field "${field}" is invalid: ${requirement}.`, { field, requirement });
  }
}

/** `ID.INVALID`: a value is not a well-formed id of the expected kind. The value is never echoed. */
export class IdInvalidError extends DomainError {
  readonly code = 'ID.INVALID' as const;
  constructor(kind: string, expectedPrefix: string) {
    super(`The value is not a valid ${kind} id (expected "${expectedPrefix}_" followed by 22 letters and digits).`, {
      kind,
      expectedPrefix,
    });
  }
}
