import { createServiceAccount, DEFAULT_API_POLICY } from '@tessera/domain';
import { SecretRepository, type Store } from '@tessera/store';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pooledRandomBytes } from '../src/crypto/random';
import { CLI_CONTEXT } from '../src/events/audit-context';
import type { SecretsService } from '../src/management/secrets.service';
import { openStore, TARGETS, type TestDatabase } from './support/databases';
import { managementServices } from './support/services';

const MINUTE = 60_000;

/**
 * The disables a rotation schedules, carried out by SecretsService (as a running API process does
 * every 15 s). They fall due by the database's clock (`Store.now`), which these tests hold apart
 * from this API host's clock (`clock`): the same time unless a test sets them apart.
 */
describe.each(TARGETS)('scheduled disables on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  let secrets: SecretsService;
  const clock = { current: new Date('2027-03-01T09:00:00.000Z'), now() { return this.current; } };
  /** How far the database's clock runs ahead of this host's (ms). */
  let databaseAhead = 0;
  const random = pooledRandomBytes();

  beforeAll(async () => {
    db = await create();
    store = await openStore(db);
    vi.spyOn(store, 'now').mockImplementation(async () => new Date(clock.now().getTime() + databaseAhead));
    ({ secrets } = managementServices(store, clock, random));
    await store.transaction((tx) => tx.apis.insert({ slug: 'shop', policy: DEFAULT_API_POLICY, createdAt: clock.now(), updatedAt: clock.now() }));
  });

  beforeEach(() => {
    databaseAhead = 0;
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** An account with one secret, rotated with the old secret's disable scheduled in a minute. */
  async function rotatedAccount(name: string) {
    const account = createServiceAccount({ api: 'shop', name, scopes: [] }, clock.now(), random);
    if (!account.ok) throw account.error;
    await store.transaction((tx) => tx.accounts.insert(account.value));
    const old = await secrets.add('shop', account.value.id, {}, CLI_CONTEXT);
    if (!old.ok) throw old.error;
    const rotated = await secrets.rotate('shop', account.value.id, { disableOthersAfter: new Date(clock.now().getTime() + MINUTE) }, CLI_CONTEXT);
    if (!rotated.ok) throw rotated.error;
    expect(rotated.value.stillEnabled.map((s) => [s.id, s.disableAt])).toEqual([[old.value.secret.id, new Date(clock.now().getTime() + MINUTE)]]);
    return { accountId: account.value.id, oldId: old.value.secret.id };
  }

  async function statusOf(accountId: string, secretId: string) {
    const listed = await secrets.list('shop', accountId);
    if (!listed.ok) throw listed.error;
    const secret = listed.value.find((s) => s.id === secretId)!;
    return { status: secret.status, disableAt: secret.disableAt };
  }

  it('cancels a scheduled disable when the secret is enabled by hand, as documented, and records it', async () => {
    const { accountId, oldId } = await rotatedAccount('cancelled by enable');
    const enabled = await secrets.update('shop', accountId, oldId, { status: 'enabled' }, CLI_CONTEXT);
    expect(enabled.ok && enabled.value.disableAt).toBeNull();
    expect(await statusOf(accountId, oldId)).toEqual({ status: 'enabled', disableAt: null });
    const trail = await store.session().events.list('shop', { limit: 100, type: 'secret.updated' });
    expect(trail.filter((e) => e.subject.secretId === oldId).map((e) => e.data)).toEqual([{ changes: ['scheduledDisableAt'] }]);

    clock.current = new Date(clock.current.getTime() + 2 * MINUTE);
    await secrets.disableScheduled();
    expect(await statusOf(accountId, oldId)).toEqual({ status: 'enabled', disableAt: null });
  });

  it('keeps the schedule when only the description changes, and disables the secret when its time comes', async () => {
    const { accountId, oldId } = await rotatedAccount('described');
    const described = await secrets.update('shop', accountId, oldId, { description: 'going away' }, CLI_CONTEXT);
    expect(described.ok && described.value.disableAt).toEqual(new Date(clock.now().getTime() + MINUTE));

    clock.current = new Date(clock.current.getTime() + 2 * MINUTE);
    await secrets.disableScheduled();
    expect(await statusOf(accountId, oldId)).toEqual({ status: 'disabled', disableAt: null });
  });

  it('checks the schedule again under the lock: a disable cancelled after the scheduler found it due does not happen', async () => {
    const { accountId, oldId } = await rotatedAccount('cancelled meanwhile');
    clock.current = new Date(clock.current.getTime() + 2 * MINUTE);
    const read = SecretRepository.prototype.dueForDisable;
    const due = vi.spyOn(SecretRepository.prototype, 'dueForDisable').mockImplementationOnce(async function (this: SecretRepository, now: Date) {
      const found = await read.call(this, now);
      // The owner enables the secret by hand between the scheduler's read and its write.
      expect((await secrets.update('shop', accountId, oldId, { status: 'enabled' }, CLI_CONTEXT)).ok).toBe(true);
      return found;
    });
    try {
      await secrets.disableScheduled();
      expect(due).toHaveBeenCalledTimes(1);
    } finally {
      due.mockRestore();
    }
    expect(await statusOf(accountId, oldId)).toEqual({ status: 'enabled', disableAt: null });
  });

  it('disables a secret when its time has come by the database\'s clock, though the host\'s clock runs behind', async () => {
    databaseAhead = 10 * MINUTE;
    // Due a minute after rotating by this host's clock: nine minutes ago by the database's.
    const { accountId, oldId } = await rotatedAccount('host behind');
    await secrets.disableScheduled();
    expect(await statusOf(accountId, oldId)).toEqual({ status: 'disabled', disableAt: null });
  });

  it('does not disable a secret early on a host whose clock runs ahead', async () => {
    databaseAhead = -10 * MINUTE;
    const { accountId, oldId } = await rotatedAccount('host ahead');
    // By this host's clock the disable is a minute overdue; by the database's, nine minutes away.
    clock.current = new Date(clock.current.getTime() + 2 * MINUTE);
    await secrets.disableScheduled();
    expect(await statusOf(accountId, oldId)).toEqual({ status: 'enabled', disableAt: new Date(clock.current.getTime() - MINUTE) });
  });
});
