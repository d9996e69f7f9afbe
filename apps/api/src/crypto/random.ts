import type { RandomBytes } from '@tessera/domain';
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 16 * 1024;

/**
 * Cryptographically secure random bytes from the OS CSPRNG, drawn 16 KiB at a time and handed out
 * in slices (each byte used once), as Node does for `randomUUID`. One `randomBytes` call per
 * small request costs microseconds of native overhead; the hot paths need two per token.
 */
export function pooledRandomBytes(): RandomBytes {
  const pool = Buffer.allocUnsafe(POOL_SIZE);
  let offset = POOL_SIZE;
  return (length: number): Uint8Array => {
    if (length > POOL_SIZE / 4) return randomFillSync(Buffer.allocUnsafe(length));
    if (offset + length > POOL_SIZE) {
      randomFillSync(pool);
      offset = 0;
    }
    const out = Buffer.from(pool.subarray(offset, offset + length));
    pool.fill(0, offset, offset + length);
    offset += length;
    return out;
  };
}
