import type { Store } from '@tessera/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevocationService } from '../src/auth/revocation.service';
import { LocalInvalidationBus } from '../src/cluster/invalidation-bus';
import type { Config } from '../src/config/env';
import { createSqliteDatabase, openStore, type TestDatabase } from './support/databases';

/**
 * A revocation counts from after its commit, read back from the database's clock. When that read
 * fails, it must still refuse a token whose credentials were read while it was committing.
 */
describe('a revocation whose commit time cannot be read back', () => {
  let db: TestDatabase;
  let store: Store;
  let revocations: RevocationService;

  beforeAll(async () => {
    db = await createSqliteDatabase();
    store = await openStore(db);
    // The database answers the transaction, then the connection is lost before the re-stamp.
    const lost = new Proxy(store, { get: (target, prop) => (prop === 'now' ? () => Promise.reject(new Error('connection lost')) : (Reflect.get(target, prop, target) as unknown)) });
    revocations = new RevocationService(lost, new LocalInvalidationBus(), { now: () => new Date() }, { redisUrl: null } as Config);
    await revocations.onModuleInit();
  });

  afterAll(async () => {
    revocations?.onApplicationShutdown();
    await store?.close();
    await db?.drop();
  });

  it('counts from well after its transaction: a token read while it committed is refused', async () => {
    const recorded = await store.transaction((tx) => revocations.record(tx, 'secret', 'sec_committing', 'my-api'));
    if (recorded.type !== 'revoked') throw new Error('expected a revocation');
    await revocations.publish([recorded]);
    const readAt = (ms: number) => ({ token: 'token:jti', secret: 'secret:sec_committing', client: 'client:tci_x', issuedAt: recorded.revokedAt + ms });
    expect(revocations.isRevoked(readAt(50))).toBe(true);
    expect(revocations.isRevoked(readAt(4_000))).toBe(true);
    expect(revocations.isRevoked(readAt(6_000))).toBe(false);
  });
});
