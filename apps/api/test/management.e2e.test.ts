import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql, TARGETS, type TestDatabase } from './support/databases';
import { request, type JsonResponse } from './support/http';
import {
  auditTrail,
  count,
  expectError,
  expectValidationError,
  hasClientSecretKey,
  ManagementClient,
  maySeeSecret,
  SECRET_PATTERN,
  snapshotOf,
} from './support/management';
import { startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor, type Bootstrap } from './support/world';

const ACCOUNT_KEYS = ['id', 'clientId', 'name', 'description', 'scopes', 'status', 'createdAt', 'updatedAt', 'lastUsedAt'].sort();
const SECRET_KEYS = ['id', 'hint', 'description', 'status', 'createdAt', 'expiresAt', 'disabledAt', 'lastUsedAt', 'scheduledDisableAt'].sort();
const CREATED_SECRET_KEYS = ['id', 'clientId', 'clientSecret', 'hint', 'description', 'status', 'createdAt', 'expiresAt'].sort();
const DAY = 86_400_000;

type Client = Awaited<ReturnType<typeof createClient>>;
interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly json?: unknown;
}

/** Every route under `/apis/:api`, with valid bodies so that only authorisation can refuse them. */
function routes(api: string, accountId: string, secretId: string): Route[] {
  const account = `/apis/${api}/service-accounts/${accountId}`;
  return [
    { method: 'GET', path: `/apis/${api}` },
    { method: 'PATCH', path: `/apis/${api}`, json: { tokenLifetimeSeconds: 120 } },
    { method: 'POST', path: `/apis/${api}/service-accounts`, json: { name: 'intruder', scopes: ['tessera:admin'] } },
    { method: 'GET', path: `/apis/${api}/service-accounts` },
    { method: 'GET', path: account },
    { method: 'PATCH', path: account, json: { status: 'disabled' } },
    { method: 'DELETE', path: account },
    { method: 'POST', path: `${account}/secrets`, json: {} },
    { method: 'GET', path: `${account}/secrets` },
    { method: 'POST', path: `${account}/secrets/rotate`, json: { disableOthersAfter: new Date(Date.now() + DAY).toISOString() } },
    { method: 'PATCH', path: `${account}/secrets/${secretId}`, json: { status: 'disabled' } },
    { method: 'DELETE', path: `${account}/secrets/${secretId}` },
  ];
}

describe.each(TARGETS)('management API on $name', (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  let http: ManagementClient;
  let adminA: Bootstrap;
  let adminB: Bootstrap;
  let tokenA: string;
  let tokenB: string;
  let readerA: Client;
  let readerToken: string;
  /** Accounts and secrets of API B that A must never see or touch. */
  let b: { account: Client; oldSecretId: string; empty: string };
  /** An account of A with one secret, the target of the route tables. */
  let a: Client;
  /** Every plaintext secret seen in this suite. */
  const plaintexts: string[] = [];

  async function call(method: string, path: string, json?: unknown, token: string | null = tokenA): Promise<JsonResponse> {
    return http.call(method, path, { ...(token ? { token } : {}), ...(json !== undefined ? { json } : {}) });
  }

  async function newAccount(name: string, scopes: string[] = ['products:read'], api = 'alpha-api', token = tokenA): Promise<JsonResponse> {
    const created = await call('POST', `/apis/${api}/service-accounts`, { name, scopes }, token);
    expect(created.status, created.text).toBe(201);
    return created;
  }

  async function newSecret(path: string, json: unknown = {}, token = tokenA): Promise<JsonResponse> {
    const created = await call('POST', `${path}/secrets`, json, token);
    expect(created.status, created.text).toBe(201);
    plaintexts.push(created.body.clientSecret);
    return created;
  }

  /** Status of a seed token request with these credentials: 200 or 401. */
  async function seedStatus(clientId: string, clientSecret: string): Promise<number> {
    return (await request(`${server.url}/System/UserAccount`, { json: { clientId, clientSecret } })).status;
  }

  beforeAll(async () => {
    db = await target.create();
    server = await startTessera(db);
    http = new ManagementClient(server.url);
    adminA = await bootstrap(server, 'alpha-api');
    adminB = await bootstrap(server, 'beta-api');
    tokenA = await tokenFor(server, adminA.clientId, adminA.clientSecret);
    tokenB = await tokenFor(server, adminB.clientId, adminB.clientSecret);
    readerA = await createClient(server, tokenA, 'alpha-api', ['products:read'], 'reader');
    readerToken = await tokenFor(server, readerA.clientId, readerA.clientSecret);
    a = await createClient(server, tokenA, 'alpha-api', ['orders:read'], 'a-target');
    const bAccount = await createClient(server, tokenB, 'beta-api', ['orders:read'], 'b-main');
    const old = await request(`${server.url}/apis/beta-api/service-accounts/${bAccount.accountId}/secrets`, { token: tokenB, json: {} });
    await request(`${server.url}/apis/beta-api/service-accounts/${bAccount.accountId}/secrets/${old.body.id}`, {
      method: 'PATCH',
      token: tokenB,
      json: { status: 'disabled' },
    });
    const empty = await request(`${server.url}/apis/beta-api/service-accounts`, { token: tokenB, json: { name: 'b-empty', scopes: [] } });
    b = { account: bAccount, oldSecretId: old.body.id, empty: empty.body.id };
    plaintexts.push(adminA.clientSecret, adminB.clientSecret, readerA.clientSecret, a.clientSecret, bAccount.clientSecret, old.body.clientSecret);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  describe('API policy: GET and PATCH /apis/:api', () => {
    it('shows the default policy', async () => {
      const response = await call('GET', '/apis/alpha-api');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        api: 'alpha-api',
        tokenLifetimeSeconds: 900,
        reminderThresholdsDays: [30, 7, 1],
        maxSecretLifetimeDays: null,
        allowNeverExpires: false,
        maxSecretsPerAccount: 10,
        unusedAfterDays: 90,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('changes the policy, and new tokens follow the new lifetime at once', async () => {
      const changed = await call('PATCH', '/apis/alpha-api', { tokenLifetimeSeconds: 600, reminderThresholdsDays: [14, 2] });
      expect(changed.status, changed.text).toBe(200);
      const { secretsBeyondPolicy, ...policy } = changed.body;
      expect(policy).toMatchObject({ api: 'alpha-api', tokenLifetimeSeconds: 600, reminderThresholdsDays: [14, 2], maxSecretsPerAccount: 10 });
      expect(secretsBeyondPolicy).toBe(0);
      expect((await call('GET', '/apis/alpha-api')).body).toEqual(policy);
      const token = await request(`${server.url}/System/UserAccount`, { json: { clientId: readerA.clientId, clientSecret: readerA.clientSecret } });
      expect(token.body.expiresIn).toBe(600);
      const restored = await call('PATCH', '/apis/alpha-api', { tokenLifetimeSeconds: 900, reminderThresholdsDays: [30, 7, 1] });
      expect(restored.body).toMatchObject({ tokenLifetimeSeconds: 900, reminderThresholdsDays: [30, 7, 1] });
    });

    it('takes reminder days in any order and keeps them largest first', async () => {
      const changed = await call('PATCH', '/apis/alpha-api', { reminderThresholdsDays: [1, 7] });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body.reminderThresholdsDays).toEqual([7, 1]);
      expect((await call('GET', '/apis/alpha-api')).body.reminderThresholdsDays).toEqual([7, 1]);
      const restored = await call('PATCH', '/apis/alpha-api', { reminderThresholdsDays: [1, 30, 7] });
      expect(restored.body.reminderThresholdsDays).toEqual([30, 7, 1]);
    });

    it('rejects invalid and unknown fields, naming them, and changes nothing', async () => {
      const before = await snapshotOf(db, 'alpha-api');
      expectValidationError(await call('PATCH', '/apis/alpha-api', { tokenLifetimeSeconds: 10 }), 'tokenLifetimeSeconds');
      expectValidationError(await call('PATCH', '/apis/alpha-api', { tokenLifetimeSeconds: '600' }), 'tokenLifetimeSeconds');
      expectValidationError(await call('PATCH', '/apis/alpha-api', { reminderThresholdsDays: [7, 7] }), 'reminderThresholdsDays');
      expectValidationError(await call('PATCH', '/apis/alpha-api', { maxSecretsPerAccount: 0 }), 'maxSecretsPerAccount');
      // The contract's bound is the domain's: a 400 naming the field and the real maximum, not POLICY.INVALID.
      const tooLong = await call('PATCH', '/apis/alpha-api', { maxSecretLifetimeDays: 5000 });
      expectValidationError(tooLong, 'maxSecretLifetimeDays');
      expect(tooLong.body.error.issues).toEqual([{ path: 'maxSecretLifetimeDays', message: expect.stringContaining('3650') }]);
      expectValidationError(await call('PATCH', '/apis/alpha-api', { allowNeverExpires: 'yes' }), 'allowNeverExpires');
      expectValidationError(await call('PATCH', '/apis/alpha-api', { tokenLifetimeSeconds: 600, api: 'beta-api' }), 'api');
      expectValidationError(await call('PATCH', '/apis/alpha-api', { tokenLifetime: 600 }), 'tokenLifetime');
      const empty = await call('PATCH', '/apis/alpha-api', {});
      expectError(empty, 400, 'REQUEST.VALIDATION_FAILED');
      // A combination the domain refuses as a whole: no half of it is applied.
      const contradictory = await call('PATCH', '/apis/alpha-api', { maxSecretsPerAccount: 5, allowNeverExpires: true, maxSecretLifetimeDays: 30 });
      expectError(contradictory, 400, 'POLICY.INVALID');
      expect(await snapshotOf(db, 'alpha-api')).toBe(before);
      expect((await call('GET', '/apis/alpha-api')).body.maxSecretsPerAccount).toBe(10);
    });
  });

  describe('service accounts', () => {
    it('creates, reads, updates and deletes an account', async () => {
      const created = await call('POST', '/apis/alpha-api/service-accounts', { name: '  billing  ', description: 'Nightly billing run', scopes: ['invoices:read', 'invoices:write'] });
      expect(created.status, created.text).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual(ACCOUNT_KEYS);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^sa_/),
        clientId: expect.stringMatching(/^tci_/),
        name: 'billing',
        description: 'Nightly billing run',
        scopes: ['invoices:read', 'invoices:write'],
        status: 'enabled',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        lastUsedAt: null,
      });
      const path = `/apis/alpha-api/service-accounts/${created.body.id}`;
      expect((await call('GET', path)).body).toEqual(created.body);

      const renamed = await call('PATCH', path, { name: 'billing-v2', description: null, scopes: ['invoices:read'] });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body).toMatchObject({ id: created.body.id, clientId: created.body.clientId, name: 'billing-v2', scopes: ['invoices:read'], status: 'enabled' });
      expect(renamed.body.description === null || renamed.body.description === '').toBe(true);
      expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
      expect(renamed.body.createdAt).toBe(created.body.createdAt);

      const disabled = await call('PATCH', path, { status: 'disabled' });
      expect(disabled.body.status).toBe('disabled');
      expect((await call('GET', path)).body.status).toBe('disabled');
      const enabled = await call('PATCH', path, { status: 'enabled' });
      expect(enabled.body.status).toBe('enabled');

      const deleted = await call('DELETE', path);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expectError(await call('GET', path), 404, 'RESOURCE.NOT_FOUND');
      expectError(await call('DELETE', path), 404, 'RESOURCE.NOT_FOUND');
      expect(await count(db, 'service_account', 'id = ?', [created.body.id])).toBe(0);
    });

    it('keeps account names unique per API (case and Unicode form ignored) with 409 ACCOUNT.NAME_TAKEN, writing nothing', async () => {
      const first = await newAccount('Ledger Sync');
      const accounts = await count(db, 'service_account');
      const events = (await auditTrail(db, 'alpha-api')).length;
      for (const name of ['Ledger Sync', 'ledger sync', '  LEDGER SYNC  ', '\uff2cedger Sync']) {
        const refused = await call('POST', '/apis/alpha-api/service-accounts', { name, scopes: ['products:read'] });
        expectError(refused, 409, 'ACCOUNT.NAME_TAKEN');
        expect(refused.body.error.message).toContain(JSON.stringify(name.trim()));
      }
      // Another API may use the name; the account may change the case of its own name.
      await newAccount('Ledger Sync', ['products:read'], 'beta-api', tokenB);
      const other = await newAccount('Ledger Sync v2');
      expectError(await call('PATCH', `/apis/alpha-api/service-accounts/${other.body.id}`, { name: 'LEDGER SYNC' }), 409, 'ACCOUNT.NAME_TAKEN');
      const recased = await call('PATCH', `/apis/alpha-api/service-accounts/${first.body.id}`, { name: 'ledger sync' });
      expect(recased.status, recased.text).toBe(200);
      expect(recased.body.name).toBe('ledger sync');
      expect(await count(db, 'service_account')).toBe(accounts + 2);
      expect((await auditTrail(db, 'alpha-api')).length).toBe(events + 2);
      // Concurrent creations of one name: exactly one wins, whichever check the others passed.
      const racers = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/apis/alpha-api/service-accounts', { name: 'Race', scopes: [] })));
      expect(racers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of racers.filter((x) => x.status === 409)) expectError(r, 409, 'ACCOUNT.NAME_TAKEN');
    });

    it('answers 404 for unknown and malformed account ids', async () => {
      for (const id of ['sa_00000000000000000000000000', 'nope', b.account.accountId]) {
        expectError(await call('GET', `/apis/alpha-api/service-accounts/${id}`), 404, 'RESOURCE.NOT_FOUND');
      }
    });

    it('rejects invalid bodies with 400 naming the field, and writes nothing', async () => {
      const accounts = await count(db, 'service_account');
      const events = (await auditTrail(db, 'alpha-api')).length;
      const url = '/apis/alpha-api/service-accounts';
      expectValidationError(await call('POST', url, { scopes: ['a:read'] }), 'name');
      expectValidationError(await call('POST', url, { name: '   ', scopes: [] }), 'name');
      expectValidationError(await call('POST', url, { name: 'x' }), 'scopes');
      expectValidationError(await call('POST', url, { name: 'x', scopes: 'a:read' }), 'scopes');
      expectValidationError(await call('POST', url, { name: 'x', scopes: ['a read'] }), 'scopes.0');
      expectValidationError(await call('POST', url, { name: 'x', scopes: ['a:read', 'a:read'] }), 'scopes');
      expectValidationError(await call('POST', url, { name: 'x', scopes: [], role: 'owner' }), 'role');
      expectValidationError(await call('POST', url, { name: 'x', scopes: [], clientId: 'tci_mine' }), 'clientId');
      expectValidationError(await call('POST', url, { name: 'x', scopes: [], status: 'disabled' }), 'status');
      expectValidationError(await call('POST', url, { name: 'x'.repeat(101), scopes: [] }), 'name');
      expectValidationError(await call('POST', url, { name: 'x', description: 'd'.repeat(1025), scopes: [] }), 'description');
      // Half a surrogate pair, as JSON can carry it: refused by the domain's text rules.
      const lone = await http.call('POST', url, { token: tokenA, body: '{"name":"a\\ud800","scopes":[]}', headers: { 'content-type': 'application/json' } });
      expectError(lone, 400, 'ACCOUNT.NAME_INVALID');
      expect(lone.body.error.details).toMatchObject({ reason: 'invalid_unicode' });
      const notJson = await http.call('POST', url, { token: tokenA, body: '{"name":', headers: { 'content-type': 'application/json' } });
      expectError(notJson, 400, 'REQUEST.VALIDATION_FAILED');

      const path = `${url}/${a.accountId}`;
      expectValidationError(await call('PATCH', path, { status: 'paused' }), 'status');
      expectValidationError(await call('PATCH', path, { clientId: 'tci_other' }), 'clientId');
      expectValidationError(await call('PATCH', path, { name: 'ok', api: 'beta-api' }), 'api');
      expectValidationError(await call('PATCH', path, { scopes: [''] }), 'scopes.0');
      expectError(await call('PATCH', path, {}), 400, 'REQUEST.VALIDATION_FAILED');

      expect(await count(db, 'service_account')).toBe(accounts);
      expect((await auditTrail(db, 'alpha-api')).length).toBe(events);
      expect((await call('GET', path)).body).toMatchObject({ name: 'a-target', scopes: ['orders:read'], status: 'enabled' });
    });

    it('refuses to delete an account while it has an enabled secret (409), and deletes it once disabled', async () => {
      const account = await newAccount('to-delete');
      const path = `/apis/alpha-api/service-accounts/${account.body.id}`;
      const secret = await newSecret(path);
      const refused = await call('DELETE', path);
      expectError(refused, 409, 'ACCOUNT.DELETE_WHILE_SECRET_ENABLED');
      expect((await call('GET', path)).status).toBe(200);
      expect(await count(db, 'secret', 'account_id = ?', [account.body.id])).toBe(1);
      expect(await seedStatus(secret.body.clientId, secret.body.clientSecret)).toBe(200);

      expect((await call('PATCH', `${path}/secrets/${secret.body.id}`, { status: 'disabled' })).status).toBe(200);
      expect((await call('DELETE', path)).status).toBe(204);
      expectError(await call('GET', path), 404, 'RESOURCE.NOT_FOUND');
      expectError(await call('GET', `${path}/secrets`), 404, 'RESOURCE.NOT_FOUND');
      expect(await count(db, 'secret', 'account_id = ?', [account.body.id])).toBe(0);
      expect(await seedStatus(secret.body.clientId, secret.body.clientSecret)).toBe(401);
    });

    it('refuses to delete an account whose only enabled secret is one of several', async () => {
      const account = await newAccount('two-secrets');
      const path = `/apis/alpha-api/service-accounts/${account.body.id}`;
      const first = await newSecret(path);
      await newSecret(path);
      await call('PATCH', `${path}/secrets/${first.body.id}`, { status: 'disabled' });
      expectError(await call('DELETE', path), 409, 'ACCOUNT.DELETE_WHILE_SECRET_ENABLED');
      expect(await count(db, 'secret', 'account_id = ?', [account.body.id])).toBe(2);
    });
  });

  describe('listing accounts: filters and cursor paging', () => {
    const ids: string[] = [];
    const clientIds: string[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 7; i += 1) {
        const created = await newAccount(`pager-${i}`);
        ids.push(created.body.id);
        clientIds.push(created.body.clientId);
      }
    });

    async function walk(query: string, limit: number, between?: (page: number) => Promise<void>): Promise<{ items: any[]; pages: number[] }> {
      const items: any[] = [];
      const pages: number[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page += 1) {
        const response = await call('GET', `/apis/alpha-api/service-accounts?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(response.status, response.text).toBe(200);
        expect(Object.keys(response.body).sort()).toEqual(['items', 'nextCursor']);
        items.push(...response.body.items);
        pages.push(response.body.items.length);
        cursor = response.body.nextCursor;
        if (cursor === null) return { items, pages };
        await between?.(page);
      }
      throw new Error('paging did not end');
    }

    it('pages through a filtered list without duplicates or gaps, in a stable order', async () => {
      const whole = await call('GET', '/apis/alpha-api/service-accounts?q=pager-&limit=100');
      expect(whole.body.nextCursor).toBeNull();
      expect(whole.body.items.map((i: any) => i.id).sort()).toEqual([...ids].sort());
      for (const item of whole.body.items) expect(Object.keys(item).sort()).toEqual(ACCOUNT_KEYS);

      const paged = await walk('q=pager-', 3);
      expect(paged.pages).toEqual([3, 3, 1]);
      expect(paged.items.map((i) => i.id)).toEqual(whole.body.items.map((i: any) => i.id));
      // Asking again gives the same order.
      expect((await walk('q=pager-', 3)).items.map((i) => i.id)).toEqual(whole.body.items.map((i: any) => i.id));
    });

    it('keeps every existing account exactly once when accounts are added while paging', async () => {
      const added: string[] = [];
      const paged = await walk('q=pager-', 2, async () => {
        added.push((await newAccount(`pager-late-${added.length}`)).body.id);
      });
      const seen = paged.items.map((i) => i.id);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of ids) expect(seen.filter((s) => s === id)).toHaveLength(1);
      // Tidy up so the other tests see the seven accounts only.
      for (const id of added) expect((await call('DELETE', `/apis/alpha-api/service-accounts/${id}`)).status).toBe(204);
    });

    it('pages through all accounts of the API, and only of this API', async () => {
      const paged = await walk('', 2);
      const seen = paged.items.map((i) => i.id);
      expect(new Set(seen).size).toBe(seen.length);
      const stored = await sql<{ id: string }>(db, "select id from service_account where api = 'alpha-api'");
      expect([...seen].sort()).toEqual(stored.map((r) => r.id).sort());
      expect(seen).not.toContain(b.account.accountId);
      expect(seen).not.toContain(b.empty);
      expect(paged.pages.slice(0, -1).every((n) => n === 2)).toBe(true);
    });

    it('filters by status', async () => {
      for (const id of ids.slice(0, 2)) expect((await call('PATCH', `/apis/alpha-api/service-accounts/${id}`, { status: 'disabled' })).status).toBe(200);
      const disabled = await walk('q=pager-&status=disabled', 1);
      expect(disabled.items.map((i) => i.id).sort()).toEqual(ids.slice(0, 2).sort());
      expect(disabled.items.every((i) => i.status === 'disabled')).toBe(true);
      const enabled = await walk('q=pager-&status=enabled', 2);
      expect(enabled.items.map((i) => i.id).sort()).toEqual(ids.slice(2).sort());
      for (const id of ids.slice(0, 2)) await call('PATCH', `/apis/alpha-api/service-accounts/${id}`, { status: 'enabled' });
    });

    it('searches by name and by client ID', async () => {
      const byName = await call('GET', '/apis/alpha-api/service-accounts?q=pager-3');
      expect(byName.body.items.map((i: any) => i.id)).toEqual([ids[3]]);
      const byClientId = await call('GET', `/apis/alpha-api/service-accounts?q=${clientIds[5]}`);
      expect(byClientId.body.items.map((i: any) => i.id)).toEqual([ids[5]]);
      // Another API's client ID finds nothing.
      const foreign = await call('GET', `/apis/alpha-api/service-accounts?q=${b.account.clientId}`);
      expect(foreign.body).toEqual({ items: [], nextCursor: null });
      const nothing = await call('GET', '/apis/alpha-api/service-accounts?q=no-such-account');
      expect(nothing.body).toEqual({ items: [], nextCursor: null });
    });

    it('treats LIKE wildcards in q as plain characters', async () => {
      const underscored = await newAccount('svc_nightly');
      const percent = await newAccount('100% ready');
      const found = await call('GET', '/apis/alpha-api/service-accounts?q=svc_');
      expect(found.body.items.map((i: any) => i.id)).toEqual([underscored.body.id]);
      const foundPercent = await call('GET', `/apis/alpha-api/service-accounts?q=${encodeURIComponent('100%')}`);
      expect(foundPercent.body.items.map((i: any) => i.id)).toEqual([percent.body.id]);
      // "_" and "%" alone match only names that contain them, not every name.
      expect((await call('GET', '/apis/alpha-api/service-accounts?q=_')).body.items.map((i: any) => i.id)).toEqual([underscored.body.id]);
      expect((await call('GET', `/apis/alpha-api/service-accounts?q=${encodeURIComponent('%')}`)).body.items.map((i: any) => i.id)).toEqual([percent.body.id]);
      for (const created of [underscored, percent]) await call('DELETE', `/apis/alpha-api/service-accounts/${created.body.id}`);
    });

    it('rejects invalid query parameters naming them', async () => {
      const url = '/apis/alpha-api/service-accounts';
      expectValidationError(await call('GET', `${url}?limit=0`), 'limit');
      expectValidationError(await call('GET', `${url}?limit=101`), 'limit');
      expectValidationError(await call('GET', `${url}?limit=ten`), 'limit');
      expectValidationError(await call('GET', `${url}?status=paused`), 'status');
      expectValidationError(await call('GET', `${url}?sort=name`), 'sort');
      expectValidationError(await call('GET', `${url}?cursor=`), 'cursor');
      expectValidationError(await call('GET', `${url}?q=${'x'.repeat(129)}`), 'q');
    });
  });

  describe('secrets', () => {
    it('adds a secret shown once with the default expiry of two years, which then works', async () => {
      const path = `/apis/alpha-api/service-accounts/${a.accountId}`;
      const created = await newSecret(path);
      expect(Object.keys(created.body).sort()).toEqual(CREATED_SECRET_KEYS);
      expect(created.body).toMatchObject({ id: expect.stringMatching(/^sec_/), clientId: a.clientId, status: 'enabled', clientSecret: expect.stringMatching(/^tsk_/) });
      expect(created.body.hint).toBe(`tsk_…${created.body.clientSecret.slice(-4)}`);
      const lifetime = (Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)) / DAY;
      expect([730, 731]).toContain(lifetime);
      expect(await seedStatus(a.clientId, created.body.clientSecret)).toBe(200);
    });

    it('adds a secret with an expiry and a description', async () => {
      const path = `/apis/alpha-api/service-accounts/${a.accountId}`;
      const expiresAt = new Date(Date.now() + 30 * DAY).toISOString();
      const created = await newSecret(path, { expiresAt, description: 'for the CI' });
      expect(created.body).toMatchObject({ expiresAt, description: 'for the CI', status: 'enabled' });
      const listed = await call('GET', `${path}/secrets`);
      expect(listed.body.items.find((s: any) => s.id === created.body.id)).toMatchObject({ expiresAt, description: 'for the CI' });
    });

    it('reads a date alone as the start of that day in UTC, as the CLI does: the expiry and the disable time of a rotation', async () => {
      const account = await newAccount('dated');
      const path = `/apis/alpha-api/service-accounts/${account.body.id}`;
      const created = await newSecret(path, { expiresAt: '2030-01-31' });
      expect(created.body.expiresAt).toBe('2030-01-31T00:00:00.000Z');
      const day = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10);
      const rotated = await call('POST', `${path}/secrets/rotate`, { expiresAt: '2030-02-28', disableOthersAfter: day });
      expect(rotated.status, rotated.text).toBe(201);
      plaintexts.push(rotated.body.secret.clientSecret);
      expect(rotated.body.secret.expiresAt).toBe('2030-02-28T00:00:00.000Z');
      expect(rotated.body.scheduledDisableAt).toBe(`${day}T00:00:00.000Z`);
      expect(rotated.body.stillEnabled).toEqual([expect.objectContaining({ id: created.body.id, expiresAt: '2030-01-31T00:00:00.000Z', scheduledDisableAt: `${day}T00:00:00.000Z` })]);
    });

    it('lists secrets as metadata only', async () => {
      const path = `/apis/alpha-api/service-accounts/${a.accountId}`;
      const listed = await call('GET', `${path}/secrets`);
      expect(listed.status).toBe(200);
      expect(Object.keys(listed.body)).toEqual(['items']);
      const stored = await sql<{ id: string }>(db, 'select id from secret where account_id = ? order by id', [a.accountId]);
      expect(listed.body.items.map((s: any) => s.id).sort()).toEqual(stored.map((r) => r.id).sort());
      for (const item of listed.body.items) {
        expect(Object.keys(item).sort()).toEqual(SECRET_KEYS);
        expect(item.hint).toMatch(/^tsk_…[A-Za-z0-9]{4}$/);
      }
      expect(listed.text).not.toMatch(SECRET_PATTERN);
      expect(listed.text).not.toContain('hash');
    });

    it('disables, re-enables, re-describes and deletes a secret; delete is refused while enabled', async () => {
      const path = `/apis/alpha-api/service-accounts/${a.accountId}`;
      const created = await newSecret(path, { description: 'temporary' });
      const secretPath = `${path}/secrets/${created.body.id}`;

      expectError(await call('DELETE', secretPath), 409, 'SECRET.DELETE_WHILE_ENABLED');
      expect(await count(db, 'secret', 'id = ?', [created.body.id])).toBe(1);
      expect(await seedStatus(a.clientId, created.body.clientSecret)).toBe(200);

      const described = await call('PATCH', secretPath, { description: 'still temporary' });
      expect(described.status).toBe(200);
      expect(described.body).toMatchObject({ id: created.body.id, description: 'still temporary', status: 'enabled' });
      expect(Object.keys(described.body).sort()).toEqual(SECRET_KEYS);

      const disabled = await call('PATCH', secretPath, { status: 'disabled' });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
      expect(await seedStatus(a.clientId, created.body.clientSecret)).toBe(401);

      const enabled = await call('PATCH', secretPath, { status: 'enabled' });
      expect(enabled.body).toMatchObject({ status: 'enabled' });
      expect(await seedStatus(a.clientId, created.body.clientSecret)).toBe(200);

      await call('PATCH', secretPath, { status: 'disabled' });
      const deleted = await call('DELETE', secretPath);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect(await count(db, 'secret', 'id = ?', [created.body.id])).toBe(0);
      expect((await call('GET', `${path}/secrets`)).body.items.map((s: any) => s.id)).not.toContain(created.body.id);
      expectError(await call('DELETE', secretPath), 404, 'RESOURCE.NOT_FOUND');
      expectError(await call('PATCH', secretPath, { status: 'enabled' }), 404, 'RESOURCE.NOT_FOUND');
      expect(await seedStatus(a.clientId, created.body.clientSecret)).toBe(401);
    });

    it('answers 404 for secrets of unknown accounts and unknown secrets', async () => {
      const unknown = '/apis/alpha-api/service-accounts/sa_00000000000000000000000000';
      expectError(await call('GET', `${unknown}/secrets`), 404, 'RESOURCE.NOT_FOUND');
      expectError(await call('POST', `${unknown}/secrets`, {}), 404, 'RESOURCE.NOT_FOUND');
      expectError(await call('POST', `${unknown}/secrets/rotate`, {}), 404, 'RESOURCE.NOT_FOUND');
      const path = `/apis/alpha-api/service-accounts/${a.accountId}/secrets/sec_00000000000000000000000000`;
      expectError(await call('PATCH', path, { status: 'disabled' }), 404, 'RESOURCE.NOT_FOUND');
      expectError(await call('DELETE', path), 404, 'RESOURCE.NOT_FOUND');
    });

    it('rejects invalid bodies with 400 naming the field, and writes nothing', async () => {
      const secrets = await count(db, 'secret');
      const events = (await auditTrail(db, 'alpha-api')).length;
      const path = `/apis/alpha-api/service-accounts/${a.accountId}`;
      // A day that does not exist, alone or in a date-time.
      expectValidationError(await call('POST', `${path}/secrets`, { expiresAt: '2030-02-30' }), 'expiresAt');
      expectValidationError(await call('POST', `${path}/secrets/rotate`, { expiresAt: '2030-02-30T00:00:00Z' }), 'expiresAt');
      expectValidationError(await call('POST', `${path}/secrets/rotate`, { disableOthersAfter: '2030-02-30' }), 'disableOthersAfter');
      expectValidationError(await call('POST', `${path}/secrets`, { expiresAt: '2030-01-31T00:00:00' }), 'expiresAt');
      expectValidationError(await call('POST', `${path}/secrets`, { expiresAt: 'next year' }), 'expiresAt');
      expectValidationError(await call('POST', `${path}/secrets`, { expiresAt: 1893456000000 }), 'expiresAt');
      expectValidationError(await call('POST', `${path}/secrets`, { description: 42 }), 'description');
      expectValidationError(await call('POST', `${path}/secrets`, { clientSecret: 'tsk_chosen_by_me' }), 'clientSecret');
      expectValidationError(await call('POST', `${path}/secrets`, { status: 'disabled' }), 'status');
      expectValidationError(await call('POST', `${path}/secrets/rotate`, { disableOthersAfter: 'tomorrow' }), 'disableOthersAfter');
      expectValidationError(await call('POST', `${path}/secrets/rotate`, { disableOthers: true }), 'disableOthers');
      // In the year 10000 once in UTC: PostgreSQL refused it as written, a 500 until the contract checked the year.
      expectValidationError(await call('POST', `${path}/secrets/rotate`, { disableOthersAfter: '9999-12-31T23:59:59-23:59' }), 'disableOthersAfter');
      expectValidationError(await call('POST', `${path}/secrets`, { expiresAt: '9999-12-31T23:59:59-01:00' }), 'expiresAt');
      const yearTenThousand = await call('GET', `/apis/alpha-api/audit-events?until=${encodeURIComponent('9999-12-31T23:59:59-23:59')}`);
      expectValidationError(yearTenThousand, 'until');
      const secretPath = `${path}/secrets/${a.secretId}`;
      expectValidationError(await call('PATCH', secretPath, { status: 'revoked' }), 'status');
      expectValidationError(await call('PATCH', secretPath, { status: 'disabled', expiresAt: new Date(Date.now() + DAY).toISOString() }), 'expiresAt');
      expectError(await call('PATCH', secretPath, {}), 400, 'REQUEST.VALIDATION_FAILED');
      // A past disable time for the others is refused too, and names the field.
      const past = await call('POST', `${path}/secrets/rotate`, { disableOthersAfter: new Date(Date.now() - 60_000).toISOString() });
      expectError(past, 400, 'REQUEST.VALIDATION_FAILED');
      expect(past.body.error.message).toContain('disableOthersAfter');

      expect(await count(db, 'secret')).toBe(secrets);
      expect((await auditTrail(db, 'alpha-api')).length).toBe(events);
      expect((await call('GET', `${path}/secrets`)).body.items.find((s: any) => s.id === a.secretId)).toMatchObject({ status: 'enabled' });
    });
  });

  describe('secret rules of the API policy', () => {
    let admin: Bootstrap;
    let token: string;

    beforeAll(async () => {
      admin = await bootstrap(server, 'gamma-api');
      token = await tokenFor(server, admin.clientId, admin.clientSecret);
      plaintexts.push(admin.clientSecret);
    });

    async function gammaAccount(name: string): Promise<string> {
      const created = await newAccount(name, ['products:read'], 'gamma-api', token);
      return `/apis/gamma-api/service-accounts/${created.body.id}`;
    }

    it('refuses an expiry in the past (SECRET.EXPIRY_IN_PAST) and adds no row', async () => {
      const path = await gammaAccount('past');
      const secrets = await count(db, 'secret');
      const response = await call('POST', `${path}/secrets`, { expiresAt: new Date(Date.now() - DAY).toISOString() }, token);
      expectError(response, 400, 'SECRET.EXPIRY_IN_PAST');
      expect(await count(db, 'secret')).toBe(secrets);
      expect((await auditTrail(db, 'gamma-api')).filter((e) => e.type === 'secret.created' && e.subject.accountId === path.split('/').pop())).toEqual([]);
    });

    it('refuses a secret that never expires until the policy allows it', async () => {
      const path = await gammaAccount('forever');
      const secrets = await count(db, 'secret');
      expectError(await call('POST', `${path}/secrets`, { expiresAt: null }, token), 400, 'SECRET.NEVER_EXPIRES_NOT_ALLOWED');
      expectError(await call('POST', `${path}/secrets/rotate`, { expiresAt: null }, token), 400, 'SECRET.NEVER_EXPIRES_NOT_ALLOWED');
      expect(await count(db, 'secret')).toBe(secrets);

      const allowed = await call('PATCH', '/apis/gamma-api', { allowNeverExpires: true }, token);
      expect(allowed.status, allowed.text).toBe(200);
      expect(allowed.body.allowNeverExpires).toBe(true);
      const created = await newSecret(path, { expiresAt: null }, token);
      expect(created.body.expiresAt).toBeNull();
      expect(await seedStatus(created.body.clientId, created.body.clientSecret)).toBe(200);
      expect(await count(db, 'secret')).toBe(secrets + 1);

      const back = await call('PATCH', '/apis/gamma-api', { allowNeverExpires: false }, token);
      expect(back.body.allowNeverExpires).toBe(false);
      // Existing secrets keep their expiry: the never-expiring one still works, and is counted.
      expect(back.body.secretsBeyondPolicy).toBe(1);
      expect(await seedStatus(created.body.clientId, created.body.clientSecret)).toBe(200);
    });

    it('refuses an expiry beyond the maximum lifetime', async () => {
      const path = await gammaAccount('short-lived');
      expect((await call('PATCH', '/apis/gamma-api', { maxSecretLifetimeDays: 30 }, token)).status).toBe(200);
      const secrets = await count(db, 'secret');
      expectError(await call('POST', `${path}/secrets`, { expiresAt: new Date(Date.now() + 60 * DAY).toISOString() }, token), 400, 'SECRET.EXPIRY_BEYOND_MAXIMUM');
      expect(await count(db, 'secret')).toBe(secrets);
      const capped = await newSecret(path, {}, token);
      expect(Math.round((Date.parse(capped.body.expiresAt) - Date.parse(capped.body.createdAt)) / DAY)).toBe(30);
      expect((await call('PATCH', '/apis/gamma-api', { maxSecretLifetimeDays: null }, token)).status).toBe(200);
    });

    it('refuses more than maxSecretsPerAccount secrets (409 SECRET.LIMIT_REACHED), for add and rotate alike', async () => {
      const path = await gammaAccount('limited');
      const limited = await call('PATCH', '/apis/gamma-api', { maxSecretsPerAccount: 3 }, token);
      expect(limited.body.maxSecretsPerAccount).toBe(3);
      const created = [];
      for (let i = 0; i < 3; i += 1) created.push(await newSecret(path, {}, token));
      const secrets = await count(db, 'secret');
      const events = (await auditTrail(db, 'gamma-api')).length;
      expectError(await call('POST', `${path}/secrets`, {}, token), 409, 'SECRET.LIMIT_REACHED');
      expectError(await call('POST', `${path}/secrets/rotate`, { disableOthersAfter: new Date(Date.now() + DAY).toISOString() }, token), 409, 'SECRET.LIMIT_REACHED');
      // Disabled secrets still count.
      await call('PATCH', `${path}/secrets/${created[0]!.body.id}`, { status: 'disabled' }, token);
      expectError(await call('POST', `${path}/secrets`, {}, token), 409, 'SECRET.LIMIT_REACHED');
      expect(await count(db, 'secret')).toBe(secrets);
      // Nothing was scheduled by the refused rotation.
      const scheduled = await sql(db, 'select id from secret where account_id = ? and disable_at is not null', [path.split('/').pop()]);
      expect(scheduled).toEqual([]);
      expect((await auditTrail(db, 'gamma-api')).slice(events).map((e) => e.type)).toEqual(['secret.disabled']);
      // Deleting one makes room again.
      expect((await call('DELETE', `${path}/secrets/${created[0]!.body.id}`, undefined, token)).status).toBe(204);
      await newSecret(path, {}, token);
      await call('PATCH', '/apis/gamma-api', { maxSecretsPerAccount: 10 }, token);
    });
  });

  describe('rotation', () => {
    it('adds a secret and reports the ones still enabled, both working', async () => {
      const account = await newAccount('rotating');
      const path = `/apis/alpha-api/service-accounts/${account.body.id}`;
      const first = await newSecret(path);
      const rotated = await call('POST', `${path}/secrets/rotate`, { description: 'next' });
      expect(rotated.status, rotated.text).toBe(201);
      plaintexts.push(rotated.body.secret.clientSecret);
      expect(Object.keys(rotated.body).sort()).toEqual(['scheduledDisableAt', 'secret', 'stillEnabled']);
      expect(Object.keys(rotated.body.secret).sort()).toEqual(CREATED_SECRET_KEYS);
      expect(rotated.body.secret).toMatchObject({ clientId: account.body.clientId, description: 'next', status: 'enabled', clientSecret: expect.stringMatching(/^tsk_/) });
      expect(rotated.body.scheduledDisableAt).toBeNull();
      expect(rotated.body.stillEnabled).toEqual([expect.objectContaining({ id: first.body.id, status: 'enabled', scheduledDisableAt: null })]);
      for (const s of rotated.body.stillEnabled) expect(Object.keys(s).sort()).toEqual(SECRET_KEYS);
      expect(await seedStatus(account.body.clientId, first.body.clientSecret)).toBe(200);
      expect(await seedStatus(account.body.clientId, rotated.body.secret.clientSecret)).toBe(200);
    });

    it('schedules the older secrets to be disabled, and the server disables them when the time comes', { timeout: 45_000 }, async () => {
      const account = await newAccount('scheduled');
      const path = `/apis/alpha-api/service-accounts/${account.body.id}`;
      const first = await newSecret(path);
      const second = await newSecret(path);
      const disableOthersAfter = new Date(Date.now() + 2_000).toISOString();
      const rotated = await call('POST', `${path}/secrets/rotate`, { disableOthersAfter });
      expect(rotated.status, rotated.text).toBe(201);
      plaintexts.push(rotated.body.secret.clientSecret);
      expect(rotated.body.scheduledDisableAt).toBe(disableOthersAfter);
      expect(rotated.body.stillEnabled.map((s: any) => [s.id, s.scheduledDisableAt]).sort()).toEqual(
        [
          [first.body.id, disableOthersAfter],
          [second.body.id, disableOthersAfter],
        ].sort(),
      );
      const listed = (await call('GET', `${path}/secrets`)).body.items;
      expect(listed.find((s: any) => s.id === first.body.id).scheduledDisableAt).toBe(disableOthersAfter);
      expect(listed.find((s: any) => s.id === rotated.body.secret.id).scheduledDisableAt).toBeNull();
      const rotatedEvent = (await auditTrail(db, 'alpha-api')).find((e) => e.type === 'secret.rotated' && e.subject.secretId === rotated.body.secret.id);
      expect(rotatedEvent?.data).toMatchObject({ scheduledDisableAt: disableOthersAfter });

      await vi.waitFor(
        async () => {
          const items = (await call('GET', `${path}/secrets`)).body.items;
          expect(items.filter((s: any) => s.status === 'disabled').map((s: any) => s.id).sort()).toEqual([first.body.id, second.body.id].sort());
        },
        { timeout: 20_000, interval: 500 },
      );
      const after = (await call('GET', `${path}/secrets`)).body.items;
      for (const s of after) expect(s.scheduledDisableAt).toBeNull();
      expect(after.find((s: any) => s.id === rotated.body.secret.id).status).toBe('enabled');
      expect(await seedStatus(account.body.clientId, first.body.clientSecret)).toBe(401);
      expect(await seedStatus(account.body.clientId, second.body.clientSecret)).toBe(401);
      expect(await seedStatus(account.body.clientId, rotated.body.secret.clientSecret)).toBe(200);
      const disables = (await auditTrail(db, 'alpha-api')).filter((e) => e.type === 'secret.disabled' && e.subject.accountId === account.body.id);
      expect(disables.map((e) => [e.subject.secretId, e.actor.kind]).sort()).toEqual(
        [
          [first.body.id, 'system'],
          [second.body.id, 'system'],
        ].sort(),
      );
    });
  });

  describe('authentication of every route', () => {
    it('asks for a token (401) when there is none, and changes nothing', async () => {
      const before = await snapshotOf(db, 'alpha-api');
      for (const route of routes('alpha-api', a.accountId, a.secretId)) {
        const response = await call(route.method, route.path, route.json, null);
        expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({ route: `${route.method} ${route.path}`, status: 401 });
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
      }
      expect(await snapshotOf(db, 'alpha-api')).toBe(before);
    });

    it('rejects a malformed token with 401 invalid_token', async () => {
      const before = await snapshotOf(db, 'alpha-api');
      for (const route of routes('alpha-api', a.accountId, a.secretId)) {
        const response = await call(route.method, route.path, route.json, 'not.a.token');
        expect({ route: `${route.method} ${route.path}`, status: response.status, code: response.body?.error?.code }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
          code: 'AUTH.INVALID_TOKEN',
        });
      }
      expect(await snapshotOf(db, 'alpha-api')).toBe(before);
    });

    it('refuses a token of the same API without tessera:admin with 403 insufficient_scope', async () => {
      const before = await snapshotOf(db, 'alpha-api');
      for (const route of routes('alpha-api', a.accountId, a.secretId)) {
        const response = await call(route.method, route.path, route.json, readerToken);
        expect({ route: `${route.method} ${route.path}`, status: response.status, code: response.body?.error?.code }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 403,
          code: 'AUTH.INSUFFICIENT_SCOPE',
        });
        expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="tessera:admin"/);
      }
      expect(await snapshotOf(db, 'alpha-api')).toBe(before);
    });
  });

  describe('tenant isolation of every route', () => {
    async function expectNotFound(list: Route[], token = tokenA): Promise<void> {
      for (const route of list) {
        const response = await call(route.method, route.path, route.json, token);
        expect({ route: `${route.method} ${route.path}`, status: response.status, code: response.body?.error?.code }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 404,
          code: 'RESOURCE.NOT_FOUND',
        });
        expect(response.text).not.toContain(b.account.clientId);
      }
    }

    function combos(api: string): Route[] {
      return [
        ...routes(api, b.account.accountId, b.account.secretId),
        ...routes(api, b.account.accountId, b.oldSecretId),
        ...routes(api, b.empty, b.oldSecretId),
      ];
    }

    it("answers 404 to an admin of A for every route of B, whatever the ids, and changes nothing of B's", async () => {
      const before = await snapshotOf(db, 'beta-api');
      await expectNotFound(combos('beta-api'));
      // Also for made-up ids and an API that does not exist.
      await expectNotFound(routes('beta-api', 'sa_00000000000000000000000000', 'sec_00000000000000000000000000'));
      await expectNotFound(routes('ghost-api', b.account.accountId, b.account.secretId));
      expect(await snapshotOf(db, 'beta-api')).toBe(before);
      expect(await seedStatus(b.account.clientId, b.account.clientSecret)).toBe(200);
    });

    it("answers 404 to an admin of A using B's account and secret ids under A's own path", async () => {
      const beforeA = await snapshotOf(db, 'alpha-api');
      const beforeB = await snapshotOf(db, 'beta-api');
      // B's accounts under /apis/alpha-api: every route that names an account.
      await expectNotFound(combos('alpha-api').filter((route) => route.path.includes('/service-accounts/')));
      // A's own account with B's secrets.
      const mixed = [
        ...routes('alpha-api', a.accountId, b.account.secretId),
        ...routes('alpha-api', a.accountId, b.oldSecretId),
      ].filter((route) => route.path.includes('/secrets/sec_'));
      expect(mixed).toHaveLength(4);
      await expectNotFound(mixed);
      expect(await snapshotOf(db, 'beta-api')).toBe(beforeB);
      expect(await snapshotOf(db, 'alpha-api')).toBe(beforeA);
      expect(await seedStatus(b.account.clientId, b.account.clientSecret)).toBe(200);
    });

    it('answers 404 to an admin of B for every route of A (the other way round)', async () => {
      const before = await snapshotOf(db, 'alpha-api');
      await expectNotFound(routes('alpha-api', a.accountId, a.secretId), tokenB);
      await expectNotFound(
        routes('beta-api', a.accountId, a.secretId).filter((route) => route.path.includes('/service-accounts/')),
        tokenB,
      );
      expect(await snapshotOf(db, 'alpha-api')).toBe(before);
      expect(await seedStatus(a.clientId, a.clientSecret)).toBe(200);
    });
  });

  describe('audit trail', () => {
    it("records every mutation with the admin's client ID as actor and the caller's address", async () => {
      const before = (await auditTrail(db, 'alpha-api')).length;
      const account = await newAccount('audited');
      const id = account.body.id as string;
      const path = `/apis/alpha-api/service-accounts/${id}`;
      await call('PATCH', path, { name: 'audited-renamed' });
      await call('PATCH', path, { status: 'disabled' });
      await call('PATCH', path, { status: 'enabled' });
      const first = await newSecret(path);
      await call('PATCH', `${path}/secrets/${first.body.id}`, { description: 'first' });
      const rotated = await call('POST', `${path}/secrets/rotate`, {});
      plaintexts.push(rotated.body.secret.clientSecret);
      await call('PATCH', `${path}/secrets/${first.body.id}`, { status: 'disabled' });
      await call('PATCH', `${path}/secrets/${first.body.id}`, { status: 'enabled' });
      await call('PATCH', `${path}/secrets/${first.body.id}`, { status: 'disabled' });
      await call('DELETE', `${path}/secrets/${first.body.id}`);
      await call('PATCH', `${path}/secrets/${rotated.body.secret.id}`, { status: 'disabled' });
      expect((await call('DELETE', path)).status).toBe(204);
      expect((await call('PATCH', '/apis/alpha-api', { unusedAfterDays: 120 })).status).toBe(200);

      const trail = (await auditTrail(db, 'alpha-api')).slice(before);
      // Events of one transaction may share a millisecond, so their relative order is not asserted.
      const key = (e: (string | null)[]) => e.join(' ');
      expect(trail.map((e) => [e.type, e.subject.accountId ?? null, e.subject.secretId ?? null]).sort((x, y) => key(x).localeCompare(key(y)))).toEqual([
        ['account.created', id, null],
        ['account.updated', id, null],
        ['account.disabled', id, null],
        ['account.enabled', id, null],
        ['secret.created', id, first.body.id],
        ['secret.updated', id, first.body.id],
        ['secret.created', id, rotated.body.secret.id],
        ['secret.rotated', id, rotated.body.secret.id],
        ['secret.disabled', id, first.body.id],
        ['secret.enabled', id, first.body.id],
        ['secret.disabled', id, first.body.id],
        ['secret.deleted', id, first.body.id],
        ['secret.disabled', id, rotated.body.secret.id],
        ['account.deleted', id, null],
        ['api.updated', null, null],
      ].sort((x, y) => key(x).localeCompare(key(y))));
      for (const event of trail) {
        expect(event.actor).toEqual({ kind: 'account', clientId: adminA.clientId });
        expect(event.source.ip).toMatch(/127\.0\.0\.1/);
        expect(event.api).toBe('alpha-api');
      }
      expect(trail.find((e) => e.type === 'api.updated')!.data).toEqual({ changes: ['unusedAfterDays'], secretsBeyondPolicy: 0 });
      // The audit trail never holds a secret either.
      expect(JSON.stringify(trail)).not.toMatch(SECRET_PATTERN);
    });

    it('writes no event for a refused or a no-op request', async () => {
      const before = (await auditTrail(db, 'alpha-api')).length;
      const path = `/apis/alpha-api/service-accounts/${a.accountId}`;
      expectError(await call('DELETE', path), 409, 'ACCOUNT.DELETE_WHILE_SECRET_ENABLED');
      expectError(await call('DELETE', `${path}/secrets/${a.secretId}`), 409, 'SECRET.DELETE_WHILE_ENABLED');
      expectValidationError(await call('POST', `${path}/secrets`, { expiresAt: 'soon' }), 'expiresAt');
      expect((await call('PATCH', `${path}/secrets/${a.secretId}`, { status: 'enabled' })).status).toBe(200);
      expect((await call('PATCH', '/apis/alpha-api', { unusedAfterDays: 120 })).status).toBe(200);
      expect((await auditTrail(db, 'alpha-api')).length).toBe(before);
    });
  });

  describe('nothing leaks', () => {
    it('never returns a client secret except when creating or rotating one', async () => {
      // A leak report carries a secret in and must answer with its SHA-256 only.
      const reported = await newSecret(`/apis/alpha-api/service-accounts/${(await newAccount('leaked')).body.id}`);
      const leak = await http.call('POST', '/leaked-secrets', { json: [{ token: reported.body.clientSecret, type: 'tessera_client_secret', url: '', source: '' }] });
      expect(leak.body).toEqual([expect.objectContaining({ label: 'true_positive' })]);
      expect(http.exchanges.length).toBeGreaterThan(150);
      const carriers = http.exchanges.filter(maySeeSecret);
      expect(carriers.length).toBeGreaterThan(10);
      for (const carrier of carriers) expect(carrier.response.text).toMatch(SECRET_PATTERN);
      expect(plaintexts.length).toBeGreaterThan(20);
      for (const exchange of http.exchanges.filter((e) => !maySeeSecret(e))) {
        const where = `${exchange.method} ${exchange.path} → ${exchange.response.status}`;
        expect(exchange.response.text, where).not.toMatch(SECRET_PATTERN);
        expect(hasClientSecretKey(exchange.response.body), where).toBe(false);
        for (const plaintext of plaintexts) expect(exchange.response.text.includes(plaintext), where).toBe(false);
      }
    });
  });
});
