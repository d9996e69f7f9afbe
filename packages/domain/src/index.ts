/**
 * @tessera/domain — the pure rules of Tessera: service accounts, client secrets, expiry,
 * rotation, reminders and the secret format. No I/O, no dependencies, no clock or randomness of its own.
 * @packageDocumentation
 */
export * from './result.js';
export * from './errors.js';
export * from './ports.js';
export * from './ids.js';
export * from './base62.js';
export * from './crc32.js';
export * from './utf8.js';
export * from './time.js';
export * from './text.js';
export * from './secret-format.js';
export * from './scope.js';
export * from './policy.js';
export * from './service-account.js';
export * from './expiry.js';
export * from './secret.js';
export * from './rotation.js';
export * from './authentication.js';
export * from './reminders.js';
export * from './unused.js';
export * from './signing-keys.js';
