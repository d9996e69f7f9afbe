import type { Clock } from '@tessera/domain';
import type { Store } from '@tessera/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MARGIN_MS, RevocationService } from '../src/auth/revocation.service';
import { LocalInvalidationBus } from '../src/cluster/invalidation-bus';
import { loadConfig } from '../src/config/env';
import { createPostgresDatabase, createSqliteDatabase, openStore, TEST_REDIS_URL, type TestDatabase } from './support/databases';

const REVOKED_AT = Date.parse('2026-11-29T12:00:00.000Z');

/**
 * A token's issue time comes from the clock of the process that issued it; a revocation's from
 * the process that made it. Where several processes share the database, a token stamped a little
 * after a revocation may come from a host whose clock runs ahead, so it must still be refused.
 */
describe.each([
  { name: 'SQLite (embedded: one process, one clock)', create: createSqliteDatabase, env: {}, margin: 0 },
  { name: 'PostgreSQL (several processes, several clocks)', create: createPostgresDatabase, env: { REDIS_URL: TEST_REDIS_URL, TESSERA_PEPPER: 'ab'.repeat(32) }, margin: CLOCK_SKEW_MARGIN_MS },
])('a secret revocation on $name', ({ create, env, margin }) => {
  let db: TestDatabase;
  let store: Store;
  let revocations: RevocationService;
  const clock: Clock = { now: () => new Date(REVOKED_AT) };

  beforeAll(async () => {
    db = await create();
    store = await openStore(db);
    revocations = new RevocationService(store, new LocalInvalidationBus(), clock, loadConfig({ DATABASE_URL: db.url, ...env }));
    await revocations.onModuleInit();
    await revocations.publish([{ type: 'revoked', kind: 'secret', value: 'sec_leaked', revokedAt: REVOKED_AT, expiresAt: REVOKED_AT + 86_400_000 }]);
  });

  afterAll(async () => {
    revocations?.onApplicationShutdown();
    await store?.close();
    await db?.drop();
  });

  const issuedAt = (offsetMs: number) => ({ token: 'token:jti_x', secret: 'secret:sec_leaked', client: 'client:tci_x', issuedAt: REVOKED_AT + offsetMs });

  it('refuses tokens issued at or before it', () => {
    expect(revocations.isRevoked(issuedAt(-60_000))).toBe(true);
    expect(revocations.isRevoked(issuedAt(0))).toBe(true);
  });

  it(margin === 0 ? 'accepts a token issued a millisecond after it' : `refuses tokens stamped up to ${margin} ms after it, and accepts later ones`, () => {
    expect(revocations.isRevoked(issuedAt(1))).toBe(margin > 0);
    expect(revocations.isRevoked(issuedAt(margin))).toBe(true);
    expect(revocations.isRevoked(issuedAt(margin + 1))).toBe(false);
  });
});
