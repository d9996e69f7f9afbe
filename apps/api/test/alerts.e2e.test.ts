import { MAX_ALERT_CHANNELS_PER_API, WEBHOOK_HEADERS, webhookSignedContent } from '@tessera/contracts';
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
    expect(created.body).toEqual({ id: expect.stringMatching(/^chn_/), kind: 'webhook', target: sink.url, createdAt: expect.any(String), previousSecretExpiresAt: null, signingSecret: expect.stringMatching(/^whsec_/) });
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
      // The webhook is delivered; e-mail waits for a retry (no SMTP server configured here), so the
      // scan is done but says, by its exit code, that not everything reached its contact.
      expect(scan.json()).toEqual({ scanned: true, notices: 1, delivered: 1, retry: 1, failed: 0 });
      expect(scan.code).toBe(5);
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

  /** Adds a secret that expires in 3 days and answers the webhook request reminding of it. */
  async function reminderFor(name: string) {
    const account = await request(`${server.url}/apis/my-api/service-accounts`, { token, json: { name, scopes: ['exports:write'] } });
    const secret = await request(`${server.url}/apis/my-api/service-accounts/${account.body.id}/secrets`, { token, json: { expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } });
    // Exit 5: the webhook got it, the e-mail contact (no SMTP server here) waits for a retry.
    if (target.redis) expect((await runCli(['reminders', 'scan', '--json'], server.env, server.cwd)).code).toBe(5);
    let delivered: (typeof sink.received)[number] | undefined;
    await vi.waitFor(() => {
      delivered = sink.received.find((r) => JSON.parse(r.body).data.secretId === secret.body.id);
      expect(delivered).toBeDefined();
    }, { timeout: 10_000, interval: 100 });
    const { headers, body } = delivered!;
    const signed = webhookSignedContent(String(headers[WEBHOOK_HEADERS.id.toLowerCase()]), String(headers[WEBHOOK_HEADERS.timestamp.toLowerCase()]), body);
    return { signatures: String(headers[WEBHOOK_HEADERS.signature.toLowerCase()]).split(' '), expected: (key: string) => `v1=${createHmac('sha256', key).update(signed).digest('hex')}` };
  }

  const rotatedSecrets: string[] = [];

  it('rotates a webhook signing secret: both sign during the overlap, then only the new one', async () => {
    const started = Date.now();
    const rotated = await request(`${server.url}/apis/my-api/alert-channels/${channelId}/rotate-secret`, { token, json: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ id: channelId, kind: 'webhook', target: sink.url, createdAt: expect.any(String), previousSecretExpiresAt: expect.any(String), signingSecret: expect.stringMatching(/^whsec_/) });
    expect(rotated.body.signingSecret).not.toBe(signingSecret);
    const overlapEnds = Date.parse(rotated.body.previousSecretExpiresAt) - started;
    expect(overlapEnds).toBeGreaterThan(86_400_000 - 60_000);
    expect(overlapEnds).toBeLessThan(86_400_000 + 60_000);
    rotatedSecrets.push(rotated.body.signingSecret);

    const during = await reminderFor('during the overlap');
    expect(during.signatures).toEqual([during.expected(rotated.body.signingSecret), during.expected(signingSecret)]);
    const listed = await request(`${server.url}/apis/my-api/alert-channels`, { token });
    expect(listed.body.items.find((c: { id: string }) => c.id === channelId).previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect(listed.text).not.toContain(rotated.body.signingSecret);

    // A chosen secret, and no overlap: the secret it replaces stops signing at once.
    const chosen = `whsec_chosen_${'x'.repeat(32)}`;
    const again = await request(`${server.url}/apis/my-api/alert-channels/${channelId}/rotate-secret`, { token, json: { secret: chosen, previousSecretValidForSeconds: 0 } });
    expect(again.status).toBe(200);
    // A secret the caller chose is never echoed back.
    expect(again.body).toMatchObject({ previousSecretExpiresAt: null, signingSecret: null });
    expect(again.text).not.toContain(chosen);
    rotatedSecrets.push(chosen);
    const after = await reminderFor('after the overlap');
    expect(after.signatures).toEqual([after.expected(chosen)]);

    const audit = await request(`${server.url}/apis/my-api/audit-events?type=channel.secret_rotated`, { token });
    // Newest first.
    expect(audit.body.items.map((e: { data: unknown }) => e.data)).toEqual([
      { channelId, previousSecretExpiresAt: null },
      { channelId, previousSecretExpiresAt: rotated.body.previousSecretExpiresAt },
    ]);
    expect(audit.text).not.toContain('whsec_');
  });

  it(`keeps an API to ${MAX_ALERT_CHANNELS_PER_API} security contacts, also when they are added at once`, async () => {
    const crowded = await bootstrap(server, 'crowded-api');
    const crowdedToken = await tokenFor(server, crowded.clientId, crowded.clientSecret);
    const add = (n: number) => request(`${server.url}/apis/crowded-api/alert-channels`, { token: crowdedToken, json: { kind: 'email', address: `security-${n}@crowded.test` } });
    const answers = await Promise.all(Array.from({ length: MAX_ALERT_CHANNELS_PER_API + 5 }, (_, n) => add(n)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(MAX_ALERT_CHANNELS_PER_API);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => [a.status, a.body.error.code])).toEqual(Array(5).fill([409, 'CHANNEL.LIMIT_REACHED']));
    const listed = await request(`${server.url}/apis/crowded-api/alert-channels`, { token: crowdedToken });
    expect(listed.body.items).toHaveLength(MAX_ALERT_CHANNELS_PER_API);
    // Room again once one is removed.
    expect((await request(`${server.url}/apis/crowded-api/alert-channels/${listed.body.items[0].id}`, { method: 'DELETE', token: crowdedToken })).status).toBe(204);
    expect((await add(99)).status).toBe(201);
  });

  it('refuses to rotate e-mail contacts, unknown contacts, bad overlaps and other APIs\' contacts', async () => {
    const listed = await request(`${server.url}/apis/my-api/alert-channels`, { token });
    const email = listed.body.items.find((c: { kind: string }) => c.kind === 'email');
    const rotate = (path: string, json: object, as = token) => request(`${server.url}${path}`, { token: as, json });
    const onEmail = await rotate(`/apis/my-api/alert-channels/${email.id}/rotate-secret`, {});
    expect(onEmail.status).toBe(400);
    expect(onEmail.body.error.message).toContain('e-mail');
    expect((await rotate('/apis/my-api/alert-channels/chn_unknown/rotate-secret', {})).status).toBe(404);
    const tooLong = await rotate(`/apis/my-api/alert-channels/${channelId}/rotate-secret`, { previousSecretValidForSeconds: 8 * 86_400 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.issues[0].path).toBe('previousSecretValidForSeconds');
    const other = await bootstrap(server, 'third-api');
    const otherToken = await tokenFor(server, other.clientId, other.clientSecret);
    expect((await rotate(`/apis/my-api/alert-channels/${channelId}/rotate-secret`, {}, otherToken)).status).toBe(404);
    expect((await rotate(`/apis/third-api/alert-channels/${channelId}/rotate-secret`, {}, otherToken)).status).toBe(404);
    // Nothing changed by the refusals: the latest secret still signs alone.
    const after = await reminderFor('after the refusals');
    expect(after.signatures).toEqual([after.expected(rotatedSecrets.at(-1)!)]);
  });

  it('keeps the signing secret encrypted at rest, and removes contacts', async () => {
    const dump = await dumpDatabase(db);
    for (const secret of [signingSecret, ...rotatedSecrets]) {
      expect(dump).not.toContain(secret);
      expect(server.logs()).not.toContain(secret);
    }
    expect((await request(`${server.url}/apis/my-api/alert-channels/${channelId}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await request(`${server.url}/apis/my-api/alert-channels/${channelId}`, { method: 'DELETE', token })).status).toBe(404);
  });
});
