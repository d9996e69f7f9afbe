import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, type TestDatabase } from './support/databases';
import { request } from './support/http';
import { startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor, type Bootstrap } from './support/world';

describe.each(TARGETS)('activity review on $name', (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  let admin: Bootstrap;
  let adminToken: string;
  let client: Awaited<ReturnType<typeof createClient>>;
  const clientTokens: string[] = [];

  beforeAll(async () => {
    db = await target.create();
    server = await startTessera(db);
    admin = await bootstrap(server, 'my-api');
    adminToken = await tokenFor(server, admin.clientId, admin.clientSecret);
    client = await createClient(server, adminToken, 'my-api', ['products:read'], 'worker');
    for (let i = 0; i < 3; i++) clientTokens.push(await tokenFor(server, client.clientId, client.clientSecret));
    // Refused before any database read (not even a secret's shape), yet still the account's failures.
    for (const malformed of ['wrong', client.clientSecret.slice(0, -1)]) await request(`${server.url}/System/UserAccount`, { json: { clientId: client.clientId, clientSecret: malformed } });
    for (let i = 0; i < 2; i++) await request(`${server.url}/System/UserAccount`, { json: { clientId: client.clientId, clientSecret: admin.clientSecret } });
    await new Promise((r) => setTimeout(r, 700)); // authentication events are written in batches
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('reports the usage of an account: last use, tokens issued, failures, per secret', async () => {
    const response = await request(`${server.url}/apis/my-api/service-accounts/${client.accountId}/usage`, { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      accountId: client.accountId,
      clientId: client.clientId,
      lastUsedAt: expect.any(String),
      unused: false,
      tokensIssued: { last24Hours: 3, last7Days: 3, last30Days: 3 },
      authenticationFailures: { last24Hours: 4, last7Days: 4, last30Days: 4 },
      secrets: [{ id: client.secretId, status: 'enabled', lastUsedAt: expect.any(String), expiresAt: expect.any(String) }],
    });
    expect(JSON.stringify(response.body)).not.toContain(client.clientSecret);
    expect(response.body.secrets[0].hint).toMatch(/^tsk_…/);
  });

  it('lists the audit trail newest first, filtered and paged, with who and from where', async () => {
    const all = await request(`${server.url}/apis/my-api/audit-events?limit=100`, { token: adminToken });
    expect(all.status).toBe(200);
    const types = all.body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['api.created', 'account.created', 'secret.created', 'token.issued', 'authentication.failed']));
    const ids = all.body.items.map((e: { id: string }) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const created = all.body.items.find((e: { type: string; subject: { accountId?: string } }) => e.type === 'account.created' && e.subject.accountId === client.accountId);
    expect(created).toMatchObject({ actor: { kind: 'account', clientId: admin.clientId }, source: { ip: '127.0.0.1' }, api: 'my-api' });

    // Tokens asked for in a burst share token.issued events, which list every one of them.
    const issued = await request(`${server.url}/apis/my-api/audit-events?type=token.issued&accountId=${client.accountId}`, { token: adminToken });
    expect(issued.body.items.flatMap((e: { data: { jtis: string[] } }) => e.data.jtis).sort()).toEqual(clientTokens.map((t) => decodeJwt(t).jti).sort());
    expect(issued.body.items[0]).toMatchObject({ subject: { accountId: client.accountId, secretId: client.secretId }, data: { scope: 'products:read' } });

    const failures = await request(`${server.url}/apis/my-api/audit-events?type=authentication.failed&accountId=${client.accountId}`, { token: adminToken });
    expect(failures.body.items.map((e: { data: { reason: string } }) => e.data.reason)).toEqual(['SECRET_NOT_OF_ACCOUNT', 'SECRET_NOT_OF_ACCOUNT', 'SECRET_MALFORMED', 'SECRET_MALFORMED']);
    expect(failures.body.items[0].data).toMatchObject({ reason: 'SECRET_NOT_OF_ACCOUNT', grant: 'seed', clientId: client.clientId });
    expect(failures.body.items[3]).toMatchObject({ api: 'my-api', subject: { accountId: client.accountId } });
    expect(failures.text).not.toContain(client.clientSecret.slice(0, -1));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await request(`${server.url}/apis/my-api/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: adminToken });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const future = await request(`${server.url}/apis/my-api/audit-events?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: adminToken });
    expect(future.body).toEqual({ items: [], nextCursor: null });
  });

  it('takes a date alone for since and until: the start of that day in UTC, until left out', async () => {
    const idsOf = async (query: string) => {
      const response = await request(`${server.url}/apis/my-api/audit-events?limit=100&${query}`, { token: adminToken });
      expect(response.status, `${query}: ${response.text}`).toBe(200);
      return response.body.items.map((e: { id: string }) => e.id) as string[];
    };
    const all = await idsOf('');
    expect(all.length).toBeGreaterThan(0);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
    // The same instant as a date-time at 00:00 UTC, whichever parameter takes it.
    for (const day of [today, tomorrow]) {
      expect(await idsOf(`since=${day}`)).toEqual(await idsOf(`since=${day}T00:00:00Z`));
      expect(await idsOf(`until=${day}`)).toEqual(await idsOf(`until=${day}T00:00:00Z`));
    }
    expect(await idsOf(`since=${tomorrow}`)).toEqual([]);
    expect(await idsOf(`until=${tomorrow}`)).toEqual(all);
    expect(await idsOf(`since=${today}&until=${tomorrow}`)).toEqual(await idsOf(`since=${today}`));
    // until leaves its own instant out: the same date for both is an empty range.
    expect(await idsOf(`since=${today}&until=${today}`)).toEqual([]);
    for (const [name, value] of [['since', '2026-02-30'], ['until', '2027-02-29'], ['until', '2026-13-01'], ['since', '2026-03-01T10:00'], ['since', '2026-3-1']]) {
      const bad = await request(`${server.url}/apis/my-api/audit-events?${name}=${value}`, { token: adminToken });
      expect(bad.status, `${name}=${value}`).toBe(400);
      expect(bad.body.error.code).toBe('REQUEST.VALIDATION_FAILED');
      expect(bad.body.error.issues, `${name}=${value}`).toEqual([{ path: name, message: expect.stringMatching(/date-time with a time zone.*or a date, e\.g\. 2027-01-31 \(the start of that day, UTC\)/) }]);
    }
  });

  it('refuses bad filters with a 400 naming the field, and keeps other APIs out', async () => {
    const bad = await request(`${server.url}/apis/my-api/audit-events?type=nope`, { token: adminToken });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('type');
    for (const path of ['/apis/my-api/audit-events?cursor=garbage', '/apis/my-api/service-accounts?cursor=garbage', '/apis/my-api/audit-events?cursor=evt_x', '/apis/my-api/service-accounts?cursor=sa_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz']) {
      const badCursor = await request(`${server.url}${path}`, { token: adminToken });
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.issues).toEqual([{ path: 'cursor', message: expect.stringContaining('nextCursor') }]);
    }
    const other = await bootstrap(server, 'other-api');
    const otherToken = await tokenFor(server, other.clientId, other.clientSecret);
    expect((await request(`${server.url}/apis/my-api/audit-events`, { token: otherToken })).status).toBe(404);
    expect((await request(`${server.url}/apis/my-api/service-accounts/${client.accountId}/usage`, { token: otherToken })).status).toBe(404);
    expect((await request(`${server.url}/apis/other-api/service-accounts/${client.accountId}/usage`, { token: otherToken })).status).toBe(404);
    const mine = await request(`${server.url}/apis/other-api/audit-events?limit=100`, { token: otherToken });
    expect(mine.body.items.every((e: { api: string }) => e.api === 'other-api')).toBe(true);
  });
});
