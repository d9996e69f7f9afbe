/**
 * Source of cryptographically secure random bytes. Must return exactly `length` bytes.
 * Adapters: `crypto.randomBytes` / `crypto.getRandomValues`; tests: a seeded or fixed source.
 */
export type RandomBytes = (length: number) => Uint8Array;

/** Source of the current time, for the layers that need one (the domain takes `now: Date`). */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/**
 * Keyed hashing of client secrets. Adapters use HMAC-SHA-256 with a server-side pepper and a
 * constant-time comparison; secrets carry ≥ 256 bits of entropy so a slow password hash is not needed.
 */
export interface SecretHasher {
  /** Hashes a plaintext secret for storage. */
  hash(plaintext: string): string;
  /** True when `plaintext` hashes to `hash`; compares in constant time. */
  matches(plaintext: string, hash: string): boolean;
}

/** Calls the port and checks that it honoured the requested length (a wrong length is a bug in the adapter). */
export function takeRandomBytes(random: RandomBytes, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`RandomBytes port returned ${bytes?.length ?? 'no'} bytes, expected ${length}`);
  }
  return bytes;
}
