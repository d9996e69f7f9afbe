import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from './time.js';
import { findUnused } from './unused.js';

const NOW = new Date('2025-06-01T00:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * MS_PER_DAY);

describe('findUnused', () => {
  it('uses lastUsedAt, else createdAt, with an inclusive cutoff', () => {
    const items = [
      { n: 'used recently', createdAt: ago(400), lastUsedAt: ago(10) },
      { n: 'used long ago', createdAt: ago(400), lastUsedAt: ago(90) },
      { n: 'never used, old', createdAt: ago(91), lastUsedAt: null },
      { n: 'never used, new', createdAt: ago(89), lastUsedAt: null },
    ];
    expect(findUnused(items, 90, NOW).map((i) => i.n)).toEqual(['used long ago', 'never used, old']);
  });

  it('is exactly the items last active at or before the cutoff, order kept (property)', () => {
    const item = fc.record({
      createdAt: fc.integer({ min: 0, max: 2000 }),
      lastUsed: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.integer({ min: 1, max: 3650 }), (raw, days) => {
        const items = raw.map((r, i) => ({ i, createdAt: ago(r.createdAt), lastUsedAt: r.lastUsed === null ? null : ago(r.lastUsed) }));
        const result = findUnused(items, days, NOW);
        const expected = raw.map((r, i) => ({ r, i })).filter(({ r }) => (r.lastUsed ?? r.createdAt) >= days).map(({ i }) => i);
        expect(result.map((x) => x.i)).toEqual(expected);
        // more days → fewer (or equal) unused items
        expect(findUnused(items, days + 1, NOW).length).toBeLessThanOrEqual(result.length);
      }),
    );
  });
});
