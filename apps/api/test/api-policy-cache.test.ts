import { DEFAULT_API_POLICY } from '@tessera/domain';
import type { Store } from '@tessera/store';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalInvalidationBus } from '../src/cluster/invalidation-bus';
import { ApiPolicyCache } from '../src/management/api-policy.cache';
import { openStore, TARGETS, type TestDatabase } from './support/databases';

describe.each(TARGETS)('ApiPolicyCache on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await create();
    store = await openStore(db);
    const now = new Date();
    await store.transaction((tx) => tx.apis.insert({ slug: 'alpha', policy: { ...DEFAULT_API_POLICY, tokenLifetimeSeconds: 600 }, createdAt: now, updatedAt: now }));
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('reads a policy once for the requests that arrive while it is being read, and again after a change', async () => {
    const bus = new LocalInvalidationBus();
    const cache = new ApiPolicyCache(store, bus);
    const sessions = vi.spyOn(store, 'session');
    try {
      const policies = await Promise.all(Array.from({ length: 20 }, () => cache.get('alpha')));
      expect(policies.map((p) => p?.tokenLifetimeSeconds)).toEqual(Array(20).fill(600));
      expect(sessions).toHaveBeenCalledTimes(1);

      await cache.get('alpha');
      expect(sessions).toHaveBeenCalledTimes(1);
      await bus.publish({ type: 'api-changed', api: 'alpha' });
      expect((await cache.get('alpha'))?.tokenLifetimeSeconds).toBe(600);
      expect(sessions).toHaveBeenCalledTimes(2);
      // An unknown API is a null policy, read once too.
      expect(await Promise.all([cache.get('nope'), cache.get('nope')])).toEqual([null, null]);
      expect(sessions).toHaveBeenCalledTimes(3);
    } finally {
      sessions.mockRestore();
    }
  });
});
