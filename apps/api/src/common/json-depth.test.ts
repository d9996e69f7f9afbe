import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-depth';

/** `[[…[]…]]` with `depth` arrays, built without recursion. */
function arrays(depth: number): unknown[] {
  const outer: unknown[] = [];
  let current = outer;
  for (let level = 1; level < depth; level++) {
    const inner: unknown[] = [];
    current.push(inner);
    current = inner;
  }
  return outer;
}

describe('nestsDeeperThan', () => {
  it('counts the value itself as level 1, and only arrays and objects as levels', () => {
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: 'x', c: null, d: true }, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [] }, 1)).toBe(true);
    expect(nestsDeeperThan({ a: [] }, 2)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
  });

  it('finds the deepest branch wherever it is', () => {
    const document = { a: 1, b: [{ c: [2, 3] }, 4], d: { e: {} } };
    expect(nestsDeeperThan(document, 4)).toBe(false);
    expect(nestsDeeperThan(document, 3)).toBe(true);
    // 32 levels in the first branch; 32, then 33, in the last.
    expect(nestsDeeperThan({ first: arrays(31), last: { x: arrays(30) } }, 32)).toBe(false);
    expect(nestsDeeperThan({ first: arrays(31), last: { x: arrays(31) } }, 32)).toBe(true);
  });

  it('does not run out of call stack on any nesting', () => {
    const deep = arrays(100_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan(deep, 100_000)).toBe(false);
  });
});
