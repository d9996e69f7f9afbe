import { describe, expect, it } from 'vitest';
import { LocalInvalidationBus } from '../cluster/invalidation-bus';
import type { Config } from '../config/env';
import { MemoryFailureCounter } from './failure-throttle';
import { FailureThrottle, MAX_BLOCKED } from './failure-throttle.service';

const config = { throttle: { perClient: 1, perAddress: 1, windowSeconds: 600 } } as Config;

describe('FailureThrottle', () => {
  it('keeps an address blocked however many client IDs get blocked after it', async () => {
    const throttle = new FailureThrottle(new MemoryFailureCounter(), new LocalInvalidationBus(), config);
    await throttle.fail('tci_first', '203.0.113.7');
    await throttle.fail('tci_first', '203.0.113.7');
    expect(throttle.addressRetryAfter('203.0.113.7')).toBeGreaterThan(0);
    // More blocked client IDs than there is room for (from addresses that are not counted).
    for (let i = 0; i <= MAX_BLOCKED; i++) {
      await throttle.fail(`tci_${i}`, null);
      await throttle.fail(`tci_${i}`, null);
    }
    expect(throttle.addressRetryAfter('203.0.113.7')).toBeGreaterThan(0);
    // The newest client blocks are kept; room was made from the oldest.
    expect(throttle.clientRetryAfter(`tci_${MAX_BLOCKED}`)).toBeGreaterThan(0);
    expect(throttle.clientRetryAfter('tci_0')).toBe(0);
  });
});
