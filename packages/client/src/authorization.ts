/** The `Authorization` and `WWW-Authenticate` headers the token client writes and reads. */

/** One value in `application/x-www-form-urlencoded` form (space as `+`, every reserved character escaped). */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice('v='.length);
}

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): the client ID and secret are each form-urlencoded
 * first, then joined with `:` and base64-encoded. Without the first step, an ID with a `:` or a
 * secret with `%` or `+` would reach the server as another value.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  // Form-urlencoded text is ASCII, which btoa takes as it is.
  return `Basic ${btoa(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`)}`;
}

/**
 * Whether a `WWW-Authenticate` value holds a `Bearer` challenge with `error="invalid_token"`
 * (RFC 6750 §3.1): the token was refused (expired, revoked, unknown), so a fresh one may work.
 * Another error (`insufficient_scope`, `invalid_request`) would fail again with a new token.
 */
export function isInvalidTokenChallenge(header: string | null): boolean {
  if (!header) return false;
  // From "Bearer" to the next scheme name (a token followed by a space and no "="), or the end.
  const bearer = /(?:^|,)\s*Bearer(?:\s+((?:[^,"]|"(?:[^"\\]|\\.)*")*(?:,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*=\s*(?:[^,"\s]+|"(?:[^"\\]|\\.)*"))*))?/i.exec(header);
  return bearer !== null && /(?:^|[\s,])error\s*=\s*"?invalid_token"?(?:$|[\s,])/i.test(bearer[1] ?? '');
}
