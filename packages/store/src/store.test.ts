import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { DEFAULT_API_POLICY, createServiceAccount, addSecret, type AccountId, type RandomBytes } from '@tessera/domain';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, pendingMigrations, Store, type DeliveryRow } from './index';
import { createPostgresDatabase, sha256Hasher, TEST_DATABASES } from './testing';

const random: RandomBytes = (n) => randomBytes(n);
const hasher = sha256Hasher;

describe.each(TEST_DATABASES)('store on $name', ({ create }) => {
  let store: Store;
  let drop: () => Promise<void>;
  const now = new Date('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    const opened = await create();
    drop = opened.drop;
    const orm = await openDatabase(opened.target);
    expect((await pendingMigrations(orm)).length).toBeGreaterThan(0);
    await migrate(orm);
    expect(await pendingMigrations(orm)).toEqual([]);
    store = new Store(orm);
    await store.transaction(async (tx) => {
      for (const slug of ['alpha', 'beta']) await tx.apis.insert({ slug, policy: DEFAULT_API_POLICY, createdAt: now, updatedAt: now });
    });
  });

  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  function account(api: string, name: string) {
    const created = createServiceAccount({ api, name, scopes: ['a:read'] }, now, random);
    if (!created.ok) throw created.error;
    return created.value;
  }

  it("reads the database's clock, to the millisecond, in UTC", async () => {
    const before = Date.now();
    const now = await store.now();
    // Within a second of this host's clock (the test database may run elsewhere): a time read in
    // the wrong zone would be hours off.
    expect(now.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(now.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = (await store.now()).getTime() - now.getTime();
    expect(later).toBeGreaterThanOrEqual(19); // milliseconds, not whole seconds
    expect(later).toBeLessThan(1_000);
  });

  it('round-trips an API policy', async () => {
    const api = await store.session().apis.find('alpha');
    expect(api?.policy).toEqual(DEFAULT_API_POLICY);
    expect(api?.createdAt.toISOString()).toBe(now.toISOString());
  });

  it('keeps every tenant in its own API: another API sees "not found"', async () => {
    const a = account('alpha', 'tenant check');
    const added = addSecret(a, [], {}, { now, random, hasher, policy: DEFAULT_API_POLICY });
    if (!added.ok) throw added.error;
    await store.transaction(async (tx) => {
      await tx.accounts.insert(a);
      await tx.secrets.insert('alpha', added.value.secret);
    });
    const session = store.session();
    expect(await session.accounts.find('alpha', a.id)).toMatchObject({ id: a.id, scopes: ['a:read'], lastUsedAt: null });
    expect(await session.accounts.find('beta', a.id)).toBeNull();
    expect(await session.secrets.listByAccount('beta', a.id)).toEqual([]);
    expect(await session.secrets.find('beta', a.id, added.value.secret.id)).toBeNull();
    expect((await session.accounts.list('beta', { limit: 100 })).map((x) => x.id)).not.toContain(a.id);
    expect((await session.secrets.findByHash(added.value.secret.hash))?.id).toBe(added.value.secret.id);
  });

  it('rolls back everything a failed transaction wrote', async () => {
    const a = account('alpha', 'rolled back');
    await expect(
      store.transaction(async (tx) => {
        await tx.accounts.insert(a);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.session().accounts.find('alpha', a.id)).toBeNull();
  });

  it('finds an account by name whatever its case, and refuses a second account of that name in the same API', async () => {
    const a = account('alpha', 'Billing Sync');
    await store.session().accounts.insert(a);
    expect((await store.session().accounts.findByName('alpha', 'billing SYNC'))?.id).toBe(a.id);
    expect(await store.session().accounts.findByName('beta', 'Billing Sync')).toBeNull();
    // The database itself keeps names unique per API: two writers that both checked first cannot both win.
    await expect(store.session().accounts.insert(account('alpha', 'BILLING sync'))).rejects.toThrow(UniqueConstraintViolationException);
    await store.session().accounts.insert(account('beta', 'billing sync'));
    // Renaming onto a taken name is refused too; keeping one's own name in another case is not.
    const b = account('alpha', 'Billing Async');
    await store.session().accounts.insert(b);
    await expect(store.session().accounts.update({ ...b, name: 'billing sync' })).rejects.toThrow(UniqueConstraintViolationException);
    await store.session().accounts.update({ ...b, name: 'BILLING ASYNC' });
    expect((await store.session().accounts.find('alpha', b.id))?.name).toBe('BILLING ASYNC');
  });

  it('pages accounts in creation order without gaps or repeats, and filters by name', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const a = account('beta', `pager ${i}`);
      await store.session().accounts.insert(a);
      ids.push(a.id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const rows = await store.session().accounts.list('beta', { limit: 3, q: 'pager', ...(after ? { after } : {}) });
      const page = rows.slice(0, 3);
      seen.push(...page.map((r) => r.id));
      if (rows.length <= 3) break;
      after = page[page.length - 1]!.id;
    }
    expect(seen).toEqual([...ids].sort());
    expect((await store.session().accounts.list('beta', { limit: 10, q: 'PAGER 3' })).map((r) => r.name)).toEqual(['pager 3']);
    expect(await store.session().accounts.list('beta', { limit: 10, q: '%' })).toEqual([]);
    expect(await store.session().accounts.list('beta', { limit: 10, q: 'pager_' })).toEqual([]);
  });

  it('writes usage batches atomically: events appended, last-used times only moved forward', async () => {
    const a = account('alpha', 'usage');
    const added = addSecret(a, [], {}, { now, random, hasher, policy: DEFAULT_API_POLICY });
    if (!added.ok) throw added.error;
    await store.transaction(async (tx) => {
      await tx.accounts.insert(a);
      await tx.secrets.insert('alpha', added.value.secret);
    });
    const later = new Date(now.getTime() + 60_000);
    const event = (id: string) => ({
      id,
      api: 'alpha',
      type: 'token.issued',
      occurredAt: later,
      actor: { kind: 'account', clientId: a.clientId },
      source: { ip: '127.0.0.1', userAgent: null },
      subject: { accountId: a.id, secretId: added.value.secret.id },
      accountId: a.id,
      data: { jtis: [`${id}_a`, `${id}_b`], scope: 'a:read', expiresAt: later.toISOString(), grant: 'client_credentials' },
      publishedAt: null,
    });
    await store.writeUsage({ events: [event('evt_usage1'), event('evt_usage2')], accountsUsed: new Map([[a.id, later]]), secretsUsed: new Map([[added.value.secret.id, later]]) });
    // An older use never moves last-used back.
    await store.writeUsage({ events: [], accountsUsed: new Map([[a.id, now]]), secretsUsed: new Map([[added.value.secret.id, now]]) });
    const session = store.session();
    expect((await session.accounts.find('alpha', a.id))?.lastUsedAt?.toISOString()).toBe(later.toISOString());
    expect((await session.secrets.find('alpha', a.id, added.value.secret.id))?.lastUsedAt?.toISOString()).toBe(later.toISOString());
    const events = await session.events.list('alpha', { limit: 10, accountId: a.id });
    expect(events.map((e) => e.id).sort()).toEqual(['evt_usage1', 'evt_usage2']);
    expect(events[0]).toMatchObject({ type: 'token.issued', actor: { kind: 'account', clientId: a.clientId }, data: { grant: 'client_credentials' }, publishedAt: null });
    expect(events[0]!.occurredAt.toISOString()).toBe(later.toISOString());
    // Every token an event lists counts, from the events in the window only.
    expect(await session.events.countTokensIssued('alpha', a.id, now)).toBe(4);
    expect(await session.events.countTokensIssued('alpha', a.id, new Date(later.getTime() + 1))).toBe(0);
    // A failing batch writes nothing (duplicate id).
    await expect(store.writeUsage({ events: [event('evt_usage3'), event('evt_usage1')], accountsUsed: new Map(), secretsUsed: new Map() })).rejects.toThrow();
    expect((await session.events.list('alpha', { limit: 10, accountId: a.id })).length).toBe(2);
  });

  it('shares a delivery sweep between APIs: one with hundreds of due deliveries cannot crowd out another', async () => {
    const delivery = (api: string, n: number, minutesAgo: number): DeliveryRow => ({
      id: `dlv_${api}_${String(n).padStart(3, '0')}`,
      notificationId: `ntf_${api}`,
      channelId: `chn_${api}`,
      api,
      status: 'pending',
      attempts: 1,
      lastError: null,
      nextAttemptAt: new Date(now.getTime() - minutesAgo * 60_000),
      deliveredAt: null,
    });
    // The flooding API's deliveries are all older than the quiet one's; one of each is not due yet.
    const flood = Array.from({ length: 300 }, (_, n) => delivery('flood', n, 600 - n));
    const quiet = [delivery('quiet', 0, 5), delivery('quiet', 1, 4)];
    await store.transaction((tx) => tx.notifications.insertDeliveries([...flood, ...quiet, delivery('flood', 999, -1), delivery('quiet', 999, -1)]));

    // The quiet API needs 2 of the 10: the flooding one gets the other 8, and they take turns.
    const sweep = await store.session().notifications.dueDeliveries(now, 10);
    expect(sweep.map((d) => d.id)).toEqual([
      ...['dlv_flood_000', 'dlv_quiet_000', 'dlv_flood_001', 'dlv_quiet_001'],
      ...['dlv_flood_002', 'dlv_flood_003', 'dlv_flood_004', 'dlv_flood_005', 'dlv_flood_006', 'dlv_flood_007'],
    ]);
    // A sweep of one: the API waiting longest.
    expect((await store.session().notifications.dueDeliveries(now, 1)).map((d) => d.id)).toEqual(['dlv_flood_000']);
    // Alone, an API has the whole sweep, oldest first.
    const alone = await store.session().notifications.dueDeliveries(new Date(now.getTime() - 10 * 60_000), 10);
    expect(alone.map((d) => d.id)).toEqual(flood.slice(0, 10).map((d) => d.id));
  });

  it('returns live revocations made since a time', async () => {
    const at = new Date();
    await store.session().revocations.upsert({ id: 'secret:sec_x', kind: 'secret', value: 'sec_x', api: 'alpha', revokedAt: at, expiresAt: new Date(at.getTime() + 60_000) });
    await store.session().revocations.upsert({ id: 'secret:sec_x', kind: 'secret', value: 'sec_x', api: 'alpha', revokedAt: at, expiresAt: new Date(at.getTime() + 120_000) });
    const rows = await store.session().revocations.since(new Date(at.getTime() - 1000), at);
    expect(rows.map((r) => r.id)).toEqual(['secret:sec_x']);
    expect(await store.session().revocations.since(new Date(at.getTime() + 1000), at)).toEqual([]);
    expect(await store.session().revocations.purgeExpired(new Date(at.getTime() + 200_000))).toBe(1);
  });

  it('rewrites token.issued events of one jti to a list of jtis, and back', async () => {
    const opened = await create();
    const orm = await openDatabase(opened.target);
    const older = new Store(orm);
    try {
      await orm.getMigrator().up({ to: 'Migration20261128034508' });
      const row = (id: string, type: string, data: Record<string, unknown>) => ({
        id, api: 'alpha', type, occurredAt: now, actor: { kind: 'system' }, source: { ip: null, userAgent: null }, subject: {}, accountId: 'sa_x', data, publishedAt: null,
      });
      const issued = { jti: 'jti_old', scope: 'a:read', expiresAt: now.toISOString(), grant: 'client_credentials' };
      const revoked = { jti: 'jti_old', expiresAt: now.toISOString(), reason: 'revocation_request' };
      await older.writeUsage({ events: [row('evt_a', 'token.issued', issued), row('evt_b', 'token.revoked', revoked)], accountsUsed: new Map(), secretsUsed: new Map() });
      const data = async () => {
        const rows: { type: string; data: string | Record<string, unknown> }[] = await orm.em.fork().getConnection().execute('select type, data from event order by id');
        return rows.map((r) => [r.type, typeof r.data === 'string' ? JSON.parse(r.data) : r.data]);
      };

      // An event of the old form counts as one token (a process not yet upgraded still writes it).
      expect(await older.session().events.countTokensIssued('alpha', 'sa_x', new Date(0))).toBe(1);

      await migrate(orm);
      expect(await older.session().events.countTokensIssued('alpha', 'sa_x', new Date(0))).toBe(1);
      const { jti: _jti, ...rest } = issued;
      expect(await data()).toEqual([['token.issued', { ...rest, jtis: ['jti_old'] }], ['token.revoked', revoked]]);

      await orm.getMigrator().down({ migrations: ['Migration20261128150000'] });
      expect(await data()).toEqual([['token.issued', issued], ['token.revoked', revoked]]);
    } finally {
      await older.close();
      await opened.drop();
    }
  });
});

describe.each(TEST_DATABASES)('account-name migration on $name', ({ create }) => {
  it('gives accounts that shared a name in one API distinct names, the oldest keeping it', async () => {
    const opened = await create();
    const orm = await openDatabase(opened.target);
    try {
      await orm.getMigrator().up({ to: 'Migration20261128150000' });
      const connection = orm.em.fork().getConnection();
      const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
      /** An account row as the schema before this migration holds it, created at `minute`. */
      const insertAccount = (id: string, api: string, name: string, minute: number) =>
        connection.execute(
          "insert into service_account (id, api, client_id, name, description, scopes, status, created_at, updated_at) values (?, ?, ?, ?, '', '[]', 'enabled', ?, ?)",
          [id, api, `tci_${id}`, name, at(minute), at(minute)],
        );
      const rows: [string, string, string, number][] = [
        ['sa_1', 'alpha', 'Billing', 1],
        ['sa_2', 'alpha', 'billing', 2],
        ['sa_3', 'alpha', 'Billing (2)', 3],
        ['sa_4', 'alpha', 'BILLING', 4],
        ['sa_5', 'beta', 'billing', 5],
        ['sa_6', 'alpha', 'x'.repeat(100), 6],
        ['sa_7', 'alpha', 'X'.repeat(100), 7],
      ];
      for (const [id, api, name, minute] of rows) await insertAccount(id, api, name, minute);
      await migrate(orm);
      const names: { id: string; name: string }[] = await connection.execute('select id, name from service_account order by id');
      expect(names.map((r) => r.name)).toEqual(['Billing', 'billing (3)', 'Billing (2)', 'BILLING (4)', 'billing', 'x'.repeat(100), `${'X'.repeat(96)} (2)`]);
      const store = new Store(orm);
      expect((await store.session().accounts.findByName('alpha', 'BILLING (3)'))?.id).toBe('sa_2');

      await orm.getMigrator().down({ migrations: ['Migration20261128170000'] });
      // Without the index a duplicate name can be written again.
      await insertAccount('sa_8', 'alpha', 'Billing', 8);
    } finally {
      await orm.close();
      await opened.drop();
    }
  });
});

describe('identifiers on a PostgreSQL database whose default collation is linguistic (ICU en-US)', () => {
  it('lists and pages by the bytes of ids, as on any other database', async () => {
    // en-US puts `a` beside `A`; ids are base62, whose order is that of their bytes (0-9A-Za-z).
    const opened = await createPostgresDatabase("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
    const orm = await openDatabase(opened.target);
    try {
      await migrate(orm);
      const store = new Store(orm);
      const now = new Date('2026-06-01T00:00:00Z');
      await store.transaction((tx) => tx.apis.insert({ slug: 'alpha', policy: DEFAULT_API_POLICY, createdAt: now, updatedAt: now }));
      const ids = ['0A', '0a', '0B'];
      await store.session().events.append(
        ids.map((id) => ({
          id: `evt_${id}`,
          api: 'alpha',
          type: 'account.created',
          occurredAt: now,
          actor: { kind: 'system' },
          source: { ip: null, userAgent: null },
          subject: {},
          accountId: null,
          data: {},
          publishedAt: null,
        })),
      );
      for (const [i, id] of ids.entries()) {
        const created = createServiceAccount({ api: 'alpha', name: `account ${i}`, scopes: [] }, now, random);
        if (!created.ok) throw created.error;
        await store.session().accounts.insert({ ...created.value, id: `sa_${id}` as AccountId });
      }
      const newestFirst = ['evt_0a', 'evt_0B', 'evt_0A'];
      expect((await store.session().events.list('alpha', { limit: 10 })).map((e) => e.id)).toEqual(newestFirst);
      expect((await store.session().events.list('alpha', { limit: 10, before: 'evt_0B' })).map((e) => e.id)).toEqual(['evt_0A']);
      expect((await store.session().accounts.list('alpha', { limit: 10 })).map((a) => a.id)).toEqual(['sa_0A', 'sa_0B', 'sa_0a']);
      expect((await store.session().accounts.list('alpha', { limit: 10, after: 'sa_0B' })).map((a) => a.id)).toEqual(['sa_0a']);
    } finally {
      await orm.close();
      await opened.drop();
    }
  });
});

describe('SQLite files', () => {
  it('creates a new database readable by its owner only, and leaves an existing file as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-store-mode-'));
    const path = join(dir, 'nested', 'db.sqlite');
    const orm = await openDatabase({ dialect: 'sqlite', path });
    await migrate(orm);
    await orm.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) expect(statSync(path + suffix).mode & 0o077).toBe(0);
    chmodSync(path, 0o640);
    const again = await openDatabase({ dialect: 'sqlite', path });
    expect(await pendingMigrations(again)).toEqual([]);
    await again.close();
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});
