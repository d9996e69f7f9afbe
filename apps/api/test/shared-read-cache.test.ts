import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SharedReadCache } from '../src/common/shared-read-cache';

describe('SharedReadCache', () => {
  it('shares one read among concurrent callers and keeps its value until the TTL ends', async () => {
    const cache = new SharedReadCache<number>(50);
    let reads = 0;
    const read = async () => ++reads;
    expect(await Promise.all([cache.get('a', read), cache.get('a', read), cache.get('a', read)])).toEqual([1, 1, 1]);
    expect(await cache.get('a', read)).toBe(1);
    await sleep(60);
    expect(await cache.get('a', read)).toBe(2);
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const cache = new SharedReadCache<string>(60_000);
    await expect(cache.get('a', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('a', async () => 'back')).toBe('back');
  });

  it('reads again after delete, and starts again empty beyond its bound', async () => {
    const cache = new SharedReadCache<string>(60_000, 2);
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => `${key}1`);
    cache.delete('a');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('b', async () => 'b2')).toBe('b1');
    // Three keys are beyond the bound of 2: the next new key starts the cache again.
    await cache.get('d', async () => 'd1');
    expect(await cache.get('b', async () => 'b2')).toBe('b2');
  });
});
