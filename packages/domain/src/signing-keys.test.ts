import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SigningKeyId } from './ids.js';
import { KEY_DELETION_DELAY_SECONDS, activeSigningKey, keysToDelete, keysToPublish, publishedUntil, shouldDelete, shouldPublish, type SigningKeyLifecycle } from './signing-keys.js';

const NOW = new Date('2025-06-01T00:00:00.000Z');
const key = (id: string, createdAt: string, retiredAt: Date | null = null): SigningKeyLifecycle => ({
  id: `key_${id}` as SigningKeyId,
  createdAt: new Date(createdAt),
  retiredAt,
});

describe('keysToPublish', () => {
  it('publishes active keys and retired keys that may still have live tokens', () => {
    const lifetime = 900;
    const active = key('a', '2025-05-01T00:00:00Z');
    const justRetired = key('b', '2025-04-01T00:00:00Z', new Date(NOW.getTime() - 959_999));
    const boundary = key('c', '2025-03-01T00:00:00Z', new Date(NOW.getTime() - 960_000));
    const old = key('d', '2025-02-01T00:00:00Z', new Date('2025-03-01T00:00:00Z'));
    expect(keysToPublish([active, justRetired, boundary, old], lifetime, NOW)).toEqual([active, justRetired]);
  });

  it('a retired key is published exactly while retiredAt + lifetime + 60 s > now (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 86_400 }), fc.integer({ min: -100_000_000, max: 100_000_000 }), (lifetime, delta) => {
        const retired = key('x', '2025-01-01T00:00:00Z', new Date(NOW.getTime() + delta));
        const published = delta + (lifetime + 60) * 1000 > 0;
        expect(keysToPublish([retired], lifetime, NOW).length).toBe(published ? 1 : 0);
        expect(shouldPublish(retired, lifetime, NOW)).toBe(published);
        // publishedUntil names the first instant it is no longer published.
        const until = publishedUntil(retired, lifetime)!;
        expect(until.getTime()).toBe(NOW.getTime() + delta + (lifetime + 60) * 1000);
        expect(shouldPublish(retired, lifetime, until)).toBe(false);
        expect(shouldPublish(retired, lifetime, new Date(until.getTime() - 1))).toBe(true);
      }),
    );
  });

  it('has no publishedUntil for the active key, published while it signs', () => {
    expect(publishedUntil(key('a', '2025-05-01T00:00:00Z'), 900)).toBeNull();
  });
});

describe('keysToDelete', () => {
  it('deletes retired keys an hour after they leave the JWKS, and nothing else', () => {
    const lifetime = 900;
    // Out of the JWKS 960 s after retirement (lifetime + 60 s), deletable an hour later.
    const window = (960 + KEY_DELETION_DELAY_SECONDS) * 1000;
    const active = key('a', '2025-05-01T00:00:00Z');
    const unpublished = key('b', '2025-04-01T00:00:00Z', new Date(NOW.getTime() - 960_000));
    const justUnder = key('c', '2025-04-01T00:00:00Z', new Date(NOW.getTime() - window + 1));
    const boundary = key('d', '2025-03-01T00:00:00Z', new Date(NOW.getTime() - window));
    const old = key('e', '2025-02-01T00:00:00Z', new Date('2025-03-01T00:00:00Z'));
    expect(shouldPublish(unpublished, lifetime, NOW)).toBe(false);
    expect(keysToDelete([active, unpublished, justUnder, boundary, old], lifetime, NOW)).toEqual([boundary, old]);
    expect(keysToDelete([active], lifetime, new Date('2100-01-01T00:00:00Z'))).toEqual([]);
  });

  it('never deletes a key published now or an hour ago, nor the signing key, and deletes every other (property)', () => {
    const arbKey = fc.record({
      id: fc.stringMatching(/^[0-9A-Za-z]{4}$/),
      createdAt: fc.integer({ min: -400 * 86_400_000, max: 0 }),
      // Retired at some time around now, or not at all.
      retiredAt: fc.option(fc.integer({ min: -200_000_000, max: 200_000_000 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbKey, { selector: (k) => k.id, maxLength: 10 }),
        fc.integer({ min: 60, max: 86_400 }),
        fc.integer({ min: -200_000_000, max: 200_000_000 }),
        (raw, lifetime, nowOffset) => {
          const keys = raw.map((k): SigningKeyLifecycle => ({
            id: `key_${k.id}` as SigningKeyId,
            createdAt: new Date(NOW.getTime() + k.createdAt),
            retiredAt: k.retiredAt === null ? null : new Date(NOW.getTime() + k.retiredAt),
          }));
          const now = new Date(NOW.getTime() + nowOffset);
          const deleted = keysToDelete(keys, lifetime, now);
          const signing = activeSigningKey(keys);
          // A process whose clock is up to the delay behind still publishes none of them.
          const behind = new Date(now.getTime() - KEY_DELETION_DELAY_SECONDS * 1000);
          for (const k of deleted) {
            expect(shouldPublish(k, lifetime, now)).toBe(false);
            expect(shouldPublish(k, lifetime, behind)).toBe(false);
            expect(k).not.toBe(signing);
          }
          // Published an hour ago, or deleted: a key is not kept longer than the delay.
          const publishedThen = keysToPublish(keys, lifetime, behind);
          expect(deleted.length + publishedThen.length).toBe(keys.length);
          for (const k of keys) expect(shouldDelete(k, lifetime, now)).toBe(deleted.includes(k));
        },
      ),
    );
  });
});

describe('activeSigningKey', () => {
  it('is the newest key that is not retired', () => {
    const older = key('1', '2025-01-01T00:00:00Z');
    const newer = key('2', '2025-02-01T00:00:00Z');
    const newestRetired = key('3', '2025-03-01T00:00:00Z', NOW);
    expect(activeSigningKey([older, newestRetired, newer])).toBe(newer);
    expect(activeSigningKey([newestRetired])).toBeNull();
    expect(activeSigningKey([])).toBeNull();
  });

  it('does not depend on input order (property)', () => {
    const arbKey = fc.record({
      id: fc.stringMatching(/^[0-9A-Za-z]{4}$/),
      day: fc.integer({ min: 1, max: 28 }),
      retired: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbKey, { selector: (k) => k.id, maxLength: 12 }), (raw) => {
        const keys = raw.map((k) => key(k.id, `2025-02-${String(k.day).padStart(2, '0')}T00:00:00Z`, k.retired ? NOW : null));
        expect(activeSigningKey([...keys].reverse())).toBe(activeSigningKey(keys));
      }),
    );
  });
});
