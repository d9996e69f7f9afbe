import { encodeBase62, isBase62, maxBase62For } from './base62.js';
import { crc32, uint32ToBytes } from './crc32.js';
import { SecretChecksumMismatchError, SecretFormatInvalidError } from './errors.js';
import { takeRandomBytes, type RandomBytes } from './ports.js';
import { err, ok, type Result } from './result.js';
import { encodeUtf8 } from './utf8.js';

/** The recognisable prefix of every Tessera client secret ("Tessera secret key"). */
export const SECRET_PREFIX = 'tsk_';
/** Random bytes in a secret: 256 bits of entropy. */
export const SECRET_RANDOM_BYTES = 32;
/** Base62 characters of the random body (fixed width; 62^43 > 2^256). */
export const SECRET_BODY_LENGTH = 43;
/** Base62 characters of the CRC-32 checksum (fixed width; 62^6 > 2^32). */
export const SECRET_CHECKSUM_LENGTH = 6;
/** Total length of a plaintext secret: 4 + 43 + 6 = 53 characters. */
export const SECRET_LENGTH = SECRET_PREFIX.length + SECRET_BODY_LENGTH + SECRET_CHECKSUM_LENGTH;

const MAX_BODY = maxBase62For(SECRET_RANDOM_BYTES, SECRET_BODY_LENGTH);
const HINT_SEPARATOR = '…';

function checksumOf(body: string): string {
  return encodeBase62(uint32ToBytes(crc32(encodeUtf8(body))), SECRET_CHECKSUM_LENGTH);
}

function check(value: string): Result<{ plaintext: string }> {
  if (typeof value !== 'string' || !value.startsWith(SECRET_PREFIX)) return err(new SecretFormatInvalidError('prefix'));
  if (value.length !== SECRET_LENGTH) return err(new SecretFormatInvalidError('length'));
  const rest = value.slice(SECRET_PREFIX.length);
  if (!isBase62(rest)) return err(new SecretFormatInvalidError('alphabet'));
  const body = rest.slice(0, SECRET_BODY_LENGTH);
  if (body > MAX_BODY) return err(new SecretFormatInvalidError('range'));
  if (rest.slice(SECRET_BODY_LENGTH) !== checksumOf(body)) return err(new SecretChecksumMismatchError());
  return ok({ plaintext: value });
}

/**
 * Generates a new client secret: `tsk_` + 43 base62 characters (32 random bytes) + 6 base62
 * characters of the CRC-32 of the body (as ASCII bytes). Also returns its display hint.
 * The plaintext is shown once and never stored.
 */
export function generateSecret(random: RandomBytes): { plaintext: string; hint: string } {
  const body = encodeBase62(takeRandomBytes(random, SECRET_RANDOM_BYTES), SECRET_BODY_LENGTH);
  const plaintext = `${SECRET_PREFIX}${body}${checksumOf(body)}`;
  return { plaintext, hint: secretHint(plaintext) };
}

/**
 * Checks the shape and checksum of a presented secret without any lookup: cheap enough to run
 * before touching the database. `SECRET.FORMAT_INVALID` (wrong prefix, length or alphabet) or
 * `SECRET.CHECKSUM_MISMATCH`. Any single changed character is always caught.
 */
export function parseSecret(value: string): Result<{ plaintext: string }> {
  return check(value);
}

/** For leak scanners: true when `value` has the prefix, shape and a valid checksum of a Tessera secret. */
export function looksLikeSecret(value: string): boolean {
  return check(value).ok;
}

/**
 * The short, safe-to-show hint of a secret: `tsk_…` + its last 4 characters, e.g. `tsk_…a1B9`.
 * Throws when given something that is not a well-formed secret (a bug: hints are made from generated secrets).
 */
export function secretHint(plaintext: string): string {
  if (!check(plaintext).ok) throw new TypeError('secretHint expects a well-formed secret');
  return `${SECRET_PREFIX}${HINT_SEPARATOR}${plaintext.slice(-4)}`;
}
