import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from './support/databases';
import { request } from './support/http';
import { startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor } from './support/world';

const SKEWED_CLOCK = join(__dirname, 'fixtures/skewed-clock.cjs');

/**
 * Distributed mode: API processes on hosts whose clocks disagree, one database. A token counts as
 * revoked when it was issued at or before the revocation; both times must come from one clock
 * (the database's), or a host running ahead issues tokens that outlive a disable, and a host
 * running behind issues tokens that a disable made before them refuses.
 */
describe('revocation across API processes whose clocks disagree (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let accurate: TesseraProcess;
  let ahead: TesseraProcess;
  let behind: TesseraProcess;
  let adminToken: string;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    accurate = await startTessera(db);
    // One deployment: the same issuer (and pepper) behind a load balancer.
    const skewed = (ms: number) => startTessera(db, { TESSERA_ISSUER: accurate.url, NODE_OPTIONS: `--require ${SKEWED_CLOCK}`, CLOCK_SKEW_MS: String(ms) });
    [ahead, behind] = await Promise.all([skewed(5_000), skewed(-5_000)]);
    const admin = await bootstrap(accurate, 'skew-api');
    adminToken = await tokenFor(accurate, admin.clientId, admin.clientSecret);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([accurate, ahead, behind].map((server) => server?.stop()));
    await db?.drop();
  });

  const products = async (server: TesseraProcess, token: string) => (await request(`${server.url}/skew-api/products`, { token })).status;
  const secretStatus = (client: { accountId: string; secretId: string }, status: 'enabled' | 'disabled', on = accurate) =>
    request(`${on.url}/apis/skew-api/service-accounts/${client.accountId}/secrets/${client.secretId}`, { method: 'PATCH', token: adminToken, json: { status } });

  it('refuses, on every process, a token issued by a host running ahead before the secret was disabled', async () => {
    const client = await createClient(accurate, adminToken, 'skew-api', ['products:read'], 'hammered');
    // Read on the host 5 s ahead: stamped by its clock, this token would count as issued after
    // a disable made within the next 5 s.
    const token = await tokenFor(ahead, client.clientId, client.clientSecret);
    expect(await products(accurate, token)).toBe(200);
    expect((await secretStatus(client, 'disabled')).status).toBe(200);
    for (const server of [accurate, ahead, behind]) expect(await products(server, token), server.url).toBe(401);
  });

  it('accepts a token issued by a host running behind right after the secret was enabled again', async () => {
    const client = await createClient(accurate, adminToken, 'skew-api', ['products:read'], 'flapping');
    const before = await tokenFor(behind, client.clientId, client.clientSecret);
    expect((await secretStatus(client, 'disabled')).status).toBe(200);
    expect((await secretStatus(client, 'enabled')).status).toBe(200);
    // Stamped by the clock 5 s behind, this token would count as issued before the disable.
    const after = await tokenFor(behind, client.clientId, client.clientSecret);
    for (const server of [accurate, ahead, behind]) {
      expect(await products(server, after), server.url).toBe(200);
      expect(await products(server, before), server.url).toBe(401);
    }
  });

  it('accepts a token issued right after a disable and a re-enable made on the host running ahead, also once every process has polled', async () => {
    const client = await createClient(accurate, adminToken, 'skew-api', ['products:read'], 'flapping ahead');
    const before = await tokenFor(accurate, client.clientId, client.clientSecret);
    expect((await secretStatus(client, 'disabled', ahead)).status).toBe(200);
    expect((await secretStatus(client, 'enabled', ahead)).status).toBe(200);
    const after = await tokenFor(accurate, client.clientId, client.clientSecret);
    // Polls read the revocation's row back (every 5 s with Redis): stamped by the clock 5 s
    // ahead, it would revoke this token too.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    for (const server of [accurate, ahead, behind]) {
      expect(await products(server, after), server.url).toBe(200);
      expect(await products(server, before), server.url).toBe(401);
    }
  }, 30_000);
});
