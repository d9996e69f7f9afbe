import type { RandomBytes } from '@tessera/domain';

const TIME_WIDTH = 9; // base36 milliseconds, fixed width until the year 5188

/**
 * A token id that also tells when, to the millisecond, the token was issued: 9 base36 characters
 * of time, then 96 random bits. `iat` has whole seconds only, which cannot order a token against a
 * revocation made in the same second (disable, enable, new token).
 */
export function newJti(now: Date, random: RandomBytes): string {
  return `${now.getTime().toString(36).padStart(TIME_WIDTH, '0')}${Buffer.from(random(12)).toString('base64url')}`;
}

/** The issue time (ms) a jti of ours carries, or null for any other jti. */
export function jtiIssuedAt(jti: string): number | null {
  if (jti.length !== TIME_WIDTH + 16 || !/^[0-9a-z]{9}[A-Za-z0-9_-]{16}$/.test(jti)) return null;
  const ms = parseInt(jti.slice(0, TIME_WIDTH), 36);
  return Number.isSafeInteger(ms) ? ms : null;
}
