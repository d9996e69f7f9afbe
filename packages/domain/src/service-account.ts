import {
  AccountDescriptionInvalidError,
  AccountNameInvalidError,
} from './errors.js';
import { generateClientId, newId, type AccountId, type ClientId } from './ids.js';
import type { RandomBytes } from './ports.js';
import { err, ok, type Result } from './result.js';
import { parseScopes, type Scope } from './scope.js';
import { checkDescription, checkName, MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH } from './text.js';
import { assertValidDate } from './time.js';

/** Whether an account or secret may be used. */
export type Status = 'enabled' | 'disabled';

/** The two statuses. */
export const STATUSES: readonly Status[] = Object.freeze(['enabled', 'disabled']);

/** A machine identity of one API: it has a public client id, scopes, and up to a bounded number of secrets. */
export interface ServiceAccount {
  readonly id: AccountId;
  /** The API (tenant) slug the account belongs to. */
  readonly api: string;
  readonly clientId: ClientId;
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly Scope[];
  readonly status: Status;
  readonly createdAt: Date;
  /** Last time a field changed (unchanged by no-op updates). */
  readonly updatedAt: Date;
  readonly lastUsedAt: Date | null;
}

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The form in which two account names of one API are compared: names must be unique per API, and
 * names that differ only in letter case, in Unicode representation or in invisible characters
 * are the same name: "Billing" and "billing"; "Straße" and "STRASSE"; "ﬁle" and "file"; a
 * precomposed "é" and "e" plus a combining accent; "bill\u200Bing" (a zero-width space) and
 * "billing". The key drops default-ignorable characters, takes the NFKC form and case-folds it by
 * upper- then lower-casing (which, unlike lower-casing alone, also folds letters whose capital is
 * two letters). The name itself is kept as written. The Unicode tables are the running Node.js
 * version's.
 */
export function accountNameKey(name: string): string {
  let key = name;
  // Folding can itself produce a letter that folds further (capital sharp s: ẞ → ß → ss).
  for (let round = 0; round < 4; round++) {
    const folded = key.replace(DEFAULT_IGNORABLE, '').normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
    if (folded === key) break;
    key = folded;
  }
  return key;
}

function assertStatus(status: Status): void {
  if (status !== 'enabled' && status !== 'disabled') throw new TypeError(`unknown status ${String(status)}`);
}

function validName(name: string): Result<string> {
  const checked = checkName(name);
  return checked.ok ? ok(checked.value) : err(new AccountNameInvalidError(checked.reason, MAX_NAME_LENGTH));
}

function validDescription(description: string): Result<string> {
  const checked = checkDescription(description);
  return checked.ok ? ok(checked.value) : err(new AccountDescriptionInvalidError(checked.reason, MAX_DESCRIPTION_LENGTH));
}

function sameScopes(a: readonly Scope[], b: readonly Scope[]): boolean {
  return a.length === b.length && a.every((scope, i) => scope === b[i]);
}

/**
 * Creates an enabled service account with a new id and client id. The name is trimmed (1..100
 * characters, no control characters), the description trimmed (0..500), the scopes validated
 * and de-duplicated. `ACCOUNT.NAME_INVALID`, `ACCOUNT.DESCRIPTION_INVALID` or `ACCOUNT.SCOPE_INVALID`.
 */
export function createServiceAccount(
  input: { api: string; name: string; description?: string; scopes: readonly string[] },
  now: Date,
  random: RandomBytes,
): Result<ServiceAccount> {
  assertValidDate(now, 'now');
  if (typeof input.api !== 'string' || input.api.length === 0) throw new TypeError('api must be a non-empty string');
  const name = validName(input.name);
  if (!name.ok) return name;
  const description = validDescription(input.description ?? '');
  if (!description.ok) return description;
  const scopes = parseScopes(input.scopes);
  if (!scopes.ok) return scopes;
  const at = new Date(now.getTime());
  return ok(
    Object.freeze({
      id: newId('account', now, random),
      api: input.api,
      clientId: generateClientId(random),
      name: name.value,
      description: description.value,
      scopes: scopes.value,
      status: 'enabled' as const,
      createdAt: at,
      updatedAt: at,
      lastUsedAt: null,
    }),
  );
}

/**
 * Applies a patch all-or-nothing: every given field is validated first; if any is invalid the
 * first error (name, description, scopes) is returned and nothing changes. `updatedAt` moves to
 * `now` only when some field actually changes; otherwise the same account is returned.
 */
export function updateServiceAccount(
  a: ServiceAccount,
  patch: { name?: string; description?: string; scopes?: readonly string[]; status?: Status },
  now: Date,
): Result<ServiceAccount> {
  assertValidDate(now, 'now');
  let name = a.name;
  let description = a.description;
  let scopes = a.scopes;
  let status = a.status;
  if (patch.name !== undefined) {
    const r = validName(patch.name);
    if (!r.ok) return r;
    name = r.value;
  }
  if (patch.description !== undefined) {
    const r = validDescription(patch.description);
    if (!r.ok) return r;
    description = r.value;
  }
  if (patch.scopes !== undefined) {
    const r = parseScopes(patch.scopes);
    if (!r.ok) return r;
    if (!sameScopes(r.value, a.scopes)) scopes = r.value;
  }
  if (patch.status !== undefined) {
    assertStatus(patch.status);
    status = patch.status;
  }
  if (name === a.name && description === a.description && scopes === a.scopes && status === a.status) return ok(a);
  return ok(Object.freeze({ ...a, name, description, scopes, status, updatedAt: new Date(now.getTime()) }));
}

/** Renames an account (trimmed, 1..100 characters, no control characters). `ACCOUNT.NAME_INVALID`. */
export function renameServiceAccount(a: ServiceAccount, name: string, now: Date): Result<ServiceAccount> {
  return updateServiceAccount(a, { name }, now);
}

/** Replaces an account's description (trimmed, 0..500 characters). `ACCOUNT.DESCRIPTION_INVALID`. */
export function describeServiceAccount(a: ServiceAccount, description: string, now: Date): Result<ServiceAccount> {
  return updateServiceAccount(a, { description }, now);
}

/** Replaces an account's scopes (validated, de-duplicated, order kept). `ACCOUNT.SCOPE_INVALID`. */
export function changeScopes(a: ServiceAccount, scopes: readonly string[], now: Date): Result<ServiceAccount> {
  return updateServiceAccount(a, { scopes }, now);
}

/** Enables or disables an account. Disabling takes effect at once: its tokens must stop working. */
export function setAccountStatus(a: ServiceAccount, status: Status, now: Date): ServiceAccount {
  const r = updateServiceAccount(a, { status }, now);
  if (!r.ok) throw r.error; // unreachable: a status change cannot fail validation
  return r.value;
}

/** Records a successful use of the account at `now` (never moves `lastUsedAt` backwards). */
export function markAccountUsed(a: ServiceAccount, now: Date): ServiceAccount {
  assertValidDate(now, 'now');
  if (a.lastUsedAt !== null && a.lastUsedAt.getTime() >= now.getTime()) return a;
  return Object.freeze({ ...a, lastUsedAt: new Date(now.getTime()) });
}
