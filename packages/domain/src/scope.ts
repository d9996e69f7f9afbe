import { AccountScopeInvalidError } from './errors.js';
import { err, ok, type Result } from './result.js';

/** An OAuth scope token (RFC 6749 §3.3): 1..128 characters of %x21 / %x23-5B / %x5D-7E. */
export type Scope = string & { readonly __brand: 'Scope' };

/** The scope that grants management of an API's service accounts. */
export const ADMIN_SCOPE = 'tessera:admin';

/** Scope of a resource server's account that may introspect any token of its API (RFC 7662). */
export const INTROSPECT_SCOPE = 'tessera:introspect';
/** Most scopes one service account may hold. */
export const MAX_SCOPES = 100;
/** Longest scope token accepted. */
export const MAX_SCOPE_LENGTH = 128;

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/** True when `value` is a valid scope token. */
export function isScope(value: string): value is Scope {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/**
 * Validates scope tokens, dropping duplicates and keeping first-seen order. `ACCOUNT.SCOPE_INVALID`
 * naming the first bad token (`details.scope`), or when more than 100 distinct scopes remain.
 */
export function parseScopes(values: readonly string[]): Result<readonly Scope[]> {
  const seen = new Set<string>();
  const scopes: Scope[] = [];
  for (const value of values) {
    if (!isScope(value)) return err(new AccountScopeInvalidError({ reason: 'syntax', scope: String(value) }));
    if (seen.has(value)) continue;
    seen.add(value);
    scopes.push(value);
  }
  if (scopes.length > MAX_SCOPES) return err(new AccountScopeInvalidError({ reason: 'too_many', max: MAX_SCOPES }));
  return ok(Object.freeze(scopes));
}

/**
 * Parses an OAuth `scope` parameter: scope tokens separated by spaces. Runs of spaces and
 * leading/trailing spaces are tolerated; an empty or all-space string gives no scopes.
 */
export function parseScopeString(value: string): Result<readonly Scope[]> {
  const tokens = value.split(' ').filter((token) => token.length > 0);
  return parseScopes(tokens);
}

/** Formats scopes as an OAuth `scope` string (space-delimited). */
export function formatScopes(scopes: readonly Scope[]): string {
  return scopes.join(' ');
}

/** True when every requested scope is granted (the empty request is a subset of anything). */
export function isSubsetOf(requested: readonly Scope[], granted: readonly Scope[]): boolean {
  const grantedSet = new Set<string>(granted);
  return requested.every((scope) => grantedSet.has(scope));
}
