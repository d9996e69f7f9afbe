import { decodeBase62, encodeBase62, isBase62, maxBase62For } from './base62.js';
import { IdInvalidError } from './errors.js';
import { takeRandomBytes, type RandomBytes } from './ports.js';
import { err, ok, type Result } from './result.js';
import { assertValidDate } from './time.js';

/** Id of a service account: `sa_` + 22 base62 characters. */
export type AccountId = string & { readonly __brand: 'AccountId' };
/** Id of a client secret: `sec_` + 22 base62 characters. */
export type SecretId = string & { readonly __brand: 'SecretId' };
/** Id of a token-signing key (the JWT `kid`): `key_` + 22 base62 characters. */
export type SigningKeyId = string & { readonly __brand: 'SigningKeyId' };
/** Id of a domain/audit event: `evt_` + 22 base62 characters. */
export type EventId = string & { readonly __brand: 'EventId' };
/** Id of an alert channel (a security contact: webhook or e-mail): `chn_` + 22 base62 characters. */
export type ChannelId = string & { readonly __brand: 'ChannelId' };
/**
 * Public client identifier of a service account: `tci_` + 22 base62 characters from 16 random
 * bytes. Not time based, non-guessable, and visibly different from a secret (`tsk_`).
 */
export type ClientId = string & { readonly __brand: 'ClientId' };

/** The prefix of each kind of time-sortable id (written before an underscore). */
export const ID_PREFIXES = { account: 'sa', secret: 'sec', signingKey: 'key', event: 'evt', channel: 'chn' } as const;

/** A kind of time-sortable id. */
export type IdKind = keyof typeof ID_PREFIXES;

/** The branded id type of each kind. */
export interface IdTypes {
  readonly account: AccountId;
  readonly secret: SecretId;
  readonly signingKey: SigningKeyId;
  readonly event: EventId;
  readonly channel: ChannelId;
}

/** The branded id type of kind `K`. */
export type IdOf<K extends IdKind> = IdTypes[K];

/** Prefix of client ids. */
export const CLIENT_ID_PREFIX = 'tci_';

/** Number of base62 characters after the prefix, for every id (16 bytes = 128 bits). */
export const ID_BODY_LENGTH = 22;

const ID_BYTES = 16;
const TIMESTAMP_BYTES = 6;
const MAX_TIMESTAMP = 2 ** 48 - 1;
const MAX_ID_BODY = maxBase62For(ID_BYTES, ID_BODY_LENGTH);

function hasIdBody(body: string): boolean {
  return body.length === ID_BODY_LENGTH && isBase62(body) && body <= MAX_ID_BODY;
}

/**
 * A new id of the given kind: prefix + "_" + 22 base62 characters encoding a 48-bit
 * millisecond timestamp followed by 80 random bits. Fixed width and an ASCII-ascending alphabet
 * make ids sort lexicographically by creation time (ids made in the same millisecond are in
 * random order among themselves).
 */
export function newId<K extends IdKind>(kind: K, now: Date, random: RandomBytes): IdOf<K> {
  assertValidDate(now, 'now');
  const ms = now.getTime();
  if (ms < 0 || ms > MAX_TIMESTAMP) throw new RangeError('now is outside the 48-bit millisecond range of ids');
  const bytes = new Uint8Array(ID_BYTES);
  let t = ms;
  for (let i = TIMESTAMP_BYTES - 1; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes.set(takeRandomBytes(random, ID_BYTES - TIMESTAMP_BYTES), TIMESTAMP_BYTES);
  return `${ID_PREFIXES[kind]}_${encodeBase62(bytes, ID_BODY_LENGTH)}` as IdOf<K>;
}

/** The creation instant encoded in a well-formed time-sortable id (millisecond precision). */
export function idTimestamp(id: AccountId | SecretId | SigningKeyId | EventId): Date {
  const value = decodeBase62(id.slice(id.indexOf('_') + 1));
  if (value === null) throw new TypeError('not a well-formed id');
  return new Date(Number(value >> 80n));
}

/** True when `value` is a well-formed id of kind `kind`. */
export function isId<K extends IdKind>(kind: K, value: string): value is IdOf<K> {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return typeof value === 'string' && value.startsWith(prefix) && hasIdBody(value.slice(prefix.length));
}

/** Checks that `value` is a well-formed id of kind `kind`; `ID.INVALID` otherwise. */
export function parseId<K extends IdKind>(kind: K, value: string): Result<IdOf<K>> {
  return isId(kind, value) ? ok(value) : err(new IdInvalidError(kind, ID_PREFIXES[kind]));
}

/** A new public client id: `tci_` + 22 base62 characters from 16 random bytes. */
export function generateClientId(random: RandomBytes): ClientId {
  return `${CLIENT_ID_PREFIX}${encodeBase62(takeRandomBytes(random, ID_BYTES), ID_BODY_LENGTH)}` as ClientId;
}

/** True when `value` is a well-formed client id. */
export function isClientId(value: string): value is ClientId {
  return typeof value === 'string' && value.startsWith(CLIENT_ID_PREFIX) && hasIdBody(value.slice(CLIENT_ID_PREFIX.length));
}

/** Checks that `value` is a well-formed client id; `ID.INVALID` otherwise. */
export function parseClientId(value: string): Result<ClientId> {
  return isClientId(value) ? ok(value) : err(new IdInvalidError('client', 'tci'));
}
