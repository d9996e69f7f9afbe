import type { SecretHasher } from '@tessera/domain';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA-256 keyed with the pepper. Secrets carry 256 random bits, so a fast keyed hash is as
 * strong as a slow password hash here, and keeps issuance at thousands per second per core.
 */
export class HmacSecretHasher implements SecretHasher {
  constructor(private readonly pepper: Buffer) {}

  hash(plaintext: string): string {
    return createHmac('sha256', this.pepper).update(plaintext, 'utf8').digest('hex');
  }

  matches(plaintext: string, hash: string): boolean {
    return hashesEqual(this.hash(plaintext), hash);
  }
}

/** Constant-time comparison of two hex hashes (for a hash already computed once). */
export function hashesEqual(computed: string, stored: string): boolean {
  const a = Buffer.from(computed, 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
