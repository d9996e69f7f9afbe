import { createServiceAccount, DEFAULT_API_POLICY } from '@tessera/domain';
import type { Store } from '@tessera/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../src/crypto/random';
import { CLI_CONTEXT } from '../src/events/audit-context';
import type { ApisService } from '../src/management/apis.service';
import type { SecretsService } from '../src/management/secrets.service';
import { openStore, TARGETS, type TestDatabase } from './support/databases';
import { managementServices } from './support/services';

const DAY = 86_400_000;

// Narrowing an API's policy applies to secrets made afterwards; the ones that already exist keep
// their expiry. The owner is told how many of them the new policy would not give now.
describe.each(TARGETS)('narrowing the secret lifetime policy on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  let apis: ApisService;
  let secrets: SecretsService;
  let accountId: string;
  const clock = { current: new Date('2027-03-01T09:00:00.000Z'), now() { return this.current; } };
  const random = pooledRandomBytes();

  beforeAll(async () => {
    db = await create();
    store = await openStore(db);
    ({ apis, secrets } = managementServices(store, clock, random));
    const account = createServiceAccount({ api: 'shop', name: 'billing job', scopes: [] }, clock.now(), random);
    if (!account.ok) throw account.error;
    accountId = account.value.id;
    await store.transaction(async (tx) => {
      await tx.apis.insert({ slug: 'shop', policy: { ...DEFAULT_API_POLICY, allowNeverExpires: true }, createdAt: clock.now(), updatedAt: clock.now() });
      await tx.accounts.insert(account.value);
    });
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** Each secret's expiry, by id. */
  async function expiries(): Promise<Record<string, string | null>> {
    const listed = await secrets.list('shop', accountId);
    if (!listed.ok) throw listed.error;
    return Object.fromEntries(listed.value.map((s) => [s.id, s.expiresAt?.toISOString() ?? null]));
  }

  it('keeps existing secrets as they are, and answers and records how many it would not give now', async () => {
    const added = [];
    for (const expiresAt of [null, undefined, undefined, new Date(clock.now().getTime() + 30 * DAY)]) {
      const secret = await secrets.add('shop', accountId, expiresAt === undefined ? {} : { expiresAt }, CLI_CONTEXT);
      if (!secret.ok) throw secret.error;
      added.push(secret.value.secret);
    }
    const [, twoYears, disabled] = added;
    expect(twoYears!.expiresAt).toEqual(new Date('2029-03-01T09:00:00.000Z'));
    expect((await secrets.update('shop', accountId, disabled!.id, { status: 'disabled' }, CLI_CONTEXT)).ok).toBe(true);
    const before = await expiries();

    const narrowed = await apis.update('shop', { allowNeverExpires: false, maxSecretLifetimeDays: 90 }, CLI_CONTEXT);
    // The never-expiring one and both two-year ones (a disabled secret can be enabled again).
    expect(narrowed.ok && narrowed.value.secretsBeyondPolicy).toBe(3);
    expect(await expiries()).toEqual(before);
    const [event] = await store.session().events.list('shop', { limit: 1, type: 'api.updated' });
    expect(event!.data).toEqual({ changes: ['allowNeverExpires', 'maxSecretLifetimeDays'], secretsBeyondPolicy: 3 });
    // A new secret gets the new rules.
    const refused = await secrets.add('shop', accountId, { expiresAt: twoYears!.expiresAt }, CLI_CONTEXT);
    expect(!refused.ok && refused.error.code).toBe('SECRET.EXPIRY_BEYOND_MAXIMUM');
  });

  it('counts a secret no longer once less of its life is left than the policy gives a new one', async () => {
    clock.current = new Date('2028-12-31T09:00:00.000Z'); // 60 days before the two-year secrets expire
    const changed = await apis.update('shop', { tokenLifetimeSeconds: 600 }, CLI_CONTEXT);
    expect(changed.ok && changed.value.secretsBeyondPolicy).toBe(1);
  });
});
