import { WEBHOOK_HEADERS, webhookSignedContent } from '@tessera/contracts';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dumpDatabase, TARGETS, type TestDatabase } from './support/databases';
import { request } from './support/http';
import { runCli, startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, tokenFor, type Bootstrap } from './support/world';

async function webhookSink() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise((r) => server.close(r)) };
}

describe.each(TARGETS)('security contacts and reminders on $name', (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  let admin: Bootstrap;
  let token: string;
  let sink: Awaited<ReturnType<typeof webhookSink>>;
  let signingSecret: string;
  let channelId: string;

  beforeAll(async () => {
    db = await target.create();
    sink = await webhookSink();
    // Embedded mode scans every second here, so the server itself delivers; distributed mode
    // leaves it to the worker processes (and `tessera reminders scan`).
    // The sink listens on 127.0.0.1, so private networks are allowed here (refused by default).
    server = await startTessera(db, { TESSERA_SCAN_INTERVAL_SECONDS: '1', TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    admin = await bootstrap(server, 'my-api');
    token = await tokenFor(server, admin.clientId, admin.clientSecret);
  });

  afterAll(async () => {
    await server?.stop();
    await sink?.close();
    await db?.drop();
  });

  it('adds a webhook contact and shows its signing secret once', async () => {
    const created = await request(`${server.url}/apis/my-api/alert-channels`, { token, json: { kind: 'webhook', url: sink.url } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^chn_/), kind: 'webhook', target: sink.url, createdAt: expect.any(String), signingSecret: expect.stringMatching(/^whsec_/) });
    signingSecret = created.body.signingSecret;
    channelId = created.body.id;
    const email = await request(`${server.url}/apis/my-api/alert-channels`, { token, json: { kind: 'email', address: 'security@my-api.test' } });
    expect(email.status).toBe(201);
    expect(email.body.signingSecret).toBeNull();
    const list = await request(`${server.url}/apis/my-api/alert-channels`, { token });
    expect(list.body.items.map((c: { kind: string }) => c.kind)).toEqual(['webhook', 'email']);
    expect(list.text).not.toContain(signingSecret);
  });

  it('refuses bad contacts with a 400 naming the field, and other APIs with 404', async () => {
    const bad = await request(`${server.url}/apis/my-api/alert-channels`, { token, json: { kind: 'webhook', url: 'ftp://x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('url');
    const badMail = await request(`${server.url}/apis/my-api/alert-channels`, { token, json: { kind: 'email', address: 'nope' } });
    expect(badMail.status).toBe(400);
    const other = await bootstrap(server, 'other-api');
    const otherToken = await tokenFor(server, other.clientId, other.clientSecret);
    expect((await request(`${server.url}/apis/my-api/alert-channels`, { token: otherToken })).status).toBe(404);
    expect((await request(`${server.url}/apis/other-api/alert-channels/${channelId}`, { method: 'DELETE', token: otherToken })).status).toBe(404);
  });

  it('reminds the contacts before a secret expires, with a signature they can check', async () => {
    const account = await request(`${server.url}/apis/my-api/service-accounts`, { token, json: { name: 'nightly export', scopes: ['exports:write'] } });
    const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const secret = await request(`${server.url}/apis/my-api/service-accounts/${account.body.id}/secrets`, { token, json: { expiresAt } });
    expect(secret.status).toBe(201);
    if (target.redis) {
      const scan = await runCli(['reminders', 'scan', '--json'], server.env, server.cwd);
      expect(scan.code).toBe(0);
    }
    await vi.waitFor(() => expect(sink.received.length).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    const { headers, body } = sink.received[0]!;
    const envelope = JSON.parse(body);
    expect(envelope).toMatchObject({ type: 'secret.expiring', api: 'my-api', data: { secretId: secret.body.id, thresholdDays: 7, accountName: 'nightly export', clientId: account.body.clientId } });
    const signed = webhookSignedContent(String(headers[WEBHOOK_HEADERS.id.toLowerCase()]), String(headers[WEBHOOK_HEADERS.timestamp.toLowerCase()]), body);
    expect(headers[WEBHOOK_HEADERS.signature.toLowerCase()]).toBe(`v1=${createHmac('sha256', signingSecret).update(signed).digest('hex')}`);
    expect(body).not.toContain(secret.body.clientSecret);
    // Once only: another scan finds nothing new.
    await runCli(['reminders', 'scan'], server.env, server.cwd);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.received.filter((r) => JSON.parse(r.body).data.secretId === secret.body.id)).toHaveLength(1);
    const audit = await request(`${server.url}/apis/my-api/audit-events?type=reminder.sent`, { token });
    expect(audit.body.items.map((e: { data: { channel: string } }) => e.data.channel)).toContain('webhook');
  });

  it('keeps the signing secret encrypted at rest, and removes contacts', async () => {
    expect(await dumpDatabase(db)).not.toContain(signingSecret);
    expect(server.logs()).not.toContain(signingSecret);
    expect((await request(`${server.url}/apis/my-api/alert-channels/${channelId}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await request(`${server.url}/apis/my-api/alert-channels/${channelId}`, { method: 'DELETE', token })).status).toBe(404);
  });
});
