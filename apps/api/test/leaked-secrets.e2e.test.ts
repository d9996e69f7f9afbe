import { WEBHOOK_HEADERS, webhookSignedContent } from '@tessera/contracts';
import { generateSecret } from '@tessera/domain';
import { decodeMail, startMailSink, startWebhookSink, type MailSink, type WebhookSink } from '@tessera/worker/testing';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSqliteDatabase, dumpDatabase, sql, TARGETS, type TestDatabase } from './support/databases';
import { request, type JsonResponse } from './support/http';
import { auditTrail, snapshotOf } from './support/management';
import { runCli, startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor } from './support/world';

const API = 'leak-api';
const FOUND_AT = 'https://github.com/acme/shop/blob/4f2e9c1/.env';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A well-formed secret (prefix, length, checksum) that Tessera never issued. */
function unknownSecret(): string {
  return generateSecret((n) => new Uint8Array(randomBytes(n))).plaintext;
}

/** The same secret with one character of its random part changed: its checksum no longer matches. */
function withBadChecksum(secret: string): string {
  const i = 10;
  return `${secret.slice(0, i)}${secret[i] === 'a' ? 'b' : 'a'}${secret.slice(i + 1)}`;
}

function report(server: Pick<TesseraProcess, 'url'>, items: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return request(`${server.url}/leaked-secrets`, { json: items, headers });
}

function item(token: string, extra: Partial<Record<'type' | 'url' | 'source', string>> = {}) {
  return { token, type: 'tessera_client_secret', url: FOUND_AT, source: 'content', ...extra };
}

describe.each(TARGETS)('leaked secret reports on $name', (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  /** In distributed mode, a second API process on the same database and Redis. */
  let second: TesseraProcess | null = null;
  let webhook: WebhookSink;
  let mail: MailSink;
  let adminToken: string;
  let signingSecret: string;
  let leaked: Awaited<ReturnType<typeof createClient>>;
  let bystander: Awaited<ReturnType<typeof createClient>>;
  /** Every plaintext secret and token of this suite: none may reach a log line or a database row. */
  const plaintexts: string[] = [];

  /** The `secret.leak_reported` audit rows of a secret. */
  async function leakReports(secretId: string) {
    return (await auditTrail(db, API)).filter((e) => e.type === 'secret.leak_reported' && e.subject.secretId === secretId);
  }

  /** The dedupe keys of a secret's leak notices, as stored. */
  async function noticesOf(secretId: string): Promise<string[]> {
    const rows = await sql<{ dedupe_key: string }>(db, "select dedupe_key from notification where subject_id = ? and type = 'secret.leaked' order by dedupe_key", [secretId]);
    return rows.map((r) => r.dedupe_key);
  }

  /** The `secret.leaked` webhooks received about a secret, parsed. */
  function leakWebhooks(secretId: string) {
    return webhook.requests.map((r) => JSON.parse(r.body)).filter((e) => e.type === 'secret.leaked' && e.data.secretId === secretId);
  }

  /** Runs a scan where the embedded worker does not (distributed mode), as an operator would. */
  async function scan(): Promise<void> {
    if (target.redis) expect((await runCli(['reminders', 'scan', '--json'], server.env, server.cwd)).code).toBe(0);
  }

  beforeAll(async () => {
    db = await target.create();
    webhook = await startWebhookSink();
    mail = await startMailSink();
    // Embedded mode scans every second, so the server delivers; distributed mode leaves it to the
    // worker processes (here `tessera reminders scan`). The sinks listen on 127.0.0.1.
    // Distributed, both processes are one deployment (one issuer), as behind a load balancer.
    const env = { TESSERA_SCAN_INTERVAL_SECONDS: '1', TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', SMTP_URL: mail.url, ...(target.redis ? { TESSERA_ISSUER: 'http://tessera.test' } : {}) };
    server = await startTessera(db, env);
    if (target.redis) second = await startTessera(db, env);
    const admin = await bootstrap(server, API);
    adminToken = await tokenFor(server, admin.clientId, admin.clientSecret);
    leaked = await createClient(server, adminToken, API, ['orders:read'], 'billing exporter');
    bystander = await createClient(server, adminToken, API, ['orders:read'], 'bystander');
    plaintexts.push(admin.clientSecret, adminToken, leaked.clientSecret, bystander.clientSecret);
    const hook = await request(`${server.url}/apis/${API}/alert-channels`, { token: adminToken, json: { kind: 'webhook', url: webhook.url } });
    expect(hook.status, hook.text).toBe(201);
    signingSecret = hook.body.signingSecret;
    const email = await request(`${server.url}/apis/${API}/alert-channels`, { token: adminToken, json: { kind: 'email', address: 'security@leak-api.test' } });
    expect(email.status, email.text).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([server?.stop(), second?.stop()]);
    await webhook?.close();
    await mail?.close();
    await db?.drop();
  });

  it('disables a reported secret at once: true_positive, its live token refused on every process, no new token', async () => {
    const token = await tokenFor(server, leaked.clientId, leaked.clientSecret);
    plaintexts.push(token);
    for (const api of [server, second]) if (api) expect((await request(`${api.url}/${API}/orders`, { token })).status).toBe(200);

    const answer = await report(server, [item(leaked.clientSecret)]);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual([{ token_hash: sha256(leaked.clientSecret), token_type: 'tessera_client_secret', label: 'true_positive' }]);
    expect(answer.text).not.toContain(leaked.clientSecret);

    // Refused at once: on this process right after the answer, on the other one through Redis.
    expect((await request(`${server.url}/${API}/orders`, { token })).status).toBe(401);
    if (second) {
      const start = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - start < 1_000) status = (await request(`${second.url}/${API}/orders`, { token })).status;
      expect(status).toBe(401);
    }
    const again = await request(`${server.url}/oauth/token`, { form: { grant_type: 'client_credentials', client_id: leaked.clientId, client_secret: leaked.clientSecret } });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_client');
    const secrets = await request(`${server.url}/apis/${API}/service-accounts/${leaked.accountId}/secrets`, { token: adminToken });
    expect(secrets.body.items.find((s: { id: string }) => s.id === leaked.secretId)).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });

    // The audit trail says it was the leak report, from where, and what the reporter said.
    const trail = (await auditTrail(db, API)).filter((e) => e.subject.secretId === leaked.secretId && ['secret.disabled', 'secret.leak_reported'].includes(e.type));
    const subject = { accountId: leaked.accountId, secretId: leaked.secretId };
    expect(trail.map((e) => e.type).sort()).toEqual(['secret.disabled', 'secret.leak_reported']);
    for (const event of trail) {
      expect(event.actor).toEqual({ kind: 'leak_report' });
      expect(event.source.ip).toMatch(/127\.0\.0\.1/);
      expect(event.subject).toEqual(subject);
    }
    expect(trail.find((e) => e.type === 'secret.leak_reported')!.data).toEqual({ url: FOUND_AT, source: 'content', type: 'tessera_client_secret', disabled: true });
    const listed = await request(`${server.url}/apis/${API}/audit-events?type=secret.leak_reported`, { token: adminToken });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items).toHaveLength(1);
  });

  it('tells the security contacts once, by signed webhook and by e-mail, however often the secret is reported', async () => {
    await scan();
    let delivered: WebhookSink['requests'][number] | undefined;
    await vi.waitFor(() => {
      delivered = webhook.requests.find((r) => JSON.parse(r.body).type === 'secret.leaked');
      expect(delivered).toBeDefined();
    }, { timeout: 10_000, interval: 100 });
    const { headers, body } = delivered!;
    const signed = webhookSignedContent(String(headers[WEBHOOK_HEADERS.id.toLowerCase()]), String(headers[WEBHOOK_HEADERS.timestamp.toLowerCase()]), body);
    expect(headers[WEBHOOK_HEADERS.signature.toLowerCase()]).toBe(`v1=${createHmac('sha256', signingSecret).update(signed).digest('hex')}`);
    const envelope = JSON.parse(body);
    expect(envelope).toEqual({
      id: expect.stringMatching(/^evt_/),
      api: API,
      createdAt: expect.any(String),
      type: 'secret.leaked',
      data: {
        accountId: leaked.accountId,
        clientId: leaked.clientId,
        accountName: 'billing exporter',
        secretId: leaked.secretId,
        hint: `tsk_…${leaked.clientSecret.slice(-4)}`,
        url: FOUND_AT,
        source: 'content',
        disabledAt: expect.any(String),
        disabledByReport: true,
      },
    });
    expect(body).not.toContain(leaked.clientSecret);
    await vi.waitFor(() => expect(mail.messages.length).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    const message = decodeMail(mail.messages[0]!.raw);
    expect(mail.messages[0]!.to).toEqual(['security@leak-api.test']);
    expect(message).toContain(`Subject: [Tessera] ${API}: a secret of "billing exporter" was reported as leaked`);
    expect(message).toContain(leaked.secretId);
    expect(message).toContain(FOUND_AT);
    expect(message).not.toContain(leaked.clientSecret);

    // Reported again and again (by another scanner, elsewhere, 50 copies a request): still a
    // secret of ours, but nothing is written: no audit row, no second notice, the row untouched.
    const row = async () => JSON.stringify(await sql(db, 'select * from secret where id = ?', [leaked.secretId]));
    const rowBefore = await row();
    expect(await leakReports(leaked.secretId)).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      const again = await report(server, Array.from({ length: 50 }, () => item(leaked.clientSecret, { url: 'https://gist.github.com/x/1', source: 'gist' })));
      expect(again.status, again.text).toBe(200);
      expect(again.body).toEqual(Array.from({ length: 50 }, () => ({ token_hash: sha256(leaked.clientSecret), token_type: 'tessera_client_secret', label: 'true_positive' })));
    }
    expect((await leakReports(leaked.secretId)).map((e) => e.data)).toEqual([{ url: FOUND_AT, source: 'content', type: 'tessera_client_secret', disabled: true }]);
    expect(await noticesOf(leaked.secretId)).toHaveLength(1);
    expect(await row()).toBe(rowBefore);
    await scan();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(leakWebhooks(leaked.secretId)).toHaveLength(1);
    expect(mail.messages).toHaveLength(1);
    expect((await auditTrail(db, API)).filter((e) => e.type === 'secret.disabled' && e.subject.secretId === leaked.secretId)).toHaveLength(1);
  });

  it('answers false_positive, and changes nothing, for a token failing the checksum and for a well-formed unknown secret', async () => {
    const before = await snapshotOf(db, API);
    const stranger = unknownSecret();
    const mangled = withBadChecksum(bystander.clientSecret);
    plaintexts.push(stranger, mangled);
    const answer = await report(server, [item(mangled, { type: 'other_type' }), item(stranger), item('not a secret at all', { url: '', source: '' })]);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual([
      { token_hash: sha256(mangled), token_type: 'other_type', label: 'false_positive' },
      { token_hash: sha256(stranger), token_type: 'tessera_client_secret', label: 'false_positive' },
      { token_hash: sha256('not a secret at all'), token_type: 'tessera_client_secret', label: 'false_positive' },
    ]);
    expect(await snapshotOf(db, API)).toBe(before);
    // The secret one character away from the mangled one still works.
    expect((await request(`${server.url}/System/UserAccount`, { json: { clientId: bystander.clientId, clientSecret: bystander.clientSecret } })).status).toBe(200);
  });

  it('refuses malformed reports with a 4xx JSON error naming the problem, and writes nothing', async () => {
    const before = await snapshotOf(db, API);
    const secret = bystander.clientSecret;
    const expectRefused = (response: JsonResponse, status: number, code: string, path?: string) => {
      expect(response.status, response.text).toBe(status);
      expect(response.body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
      if (path !== undefined) expect(response.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
      expect(response.text).not.toContain(secret);
    };
    expectRefused(await report(server, item(secret)), 400, 'REQUEST.VALIDATION_FAILED', '');
    expectRefused(await report(server, []), 400, 'REQUEST.VALIDATION_FAILED', '');
    expectRefused(await report(server, Array.from({ length: 101 }, () => item(secret))), 400, 'REQUEST.VALIDATION_FAILED', '');
    const { url: _url, ...withoutUrl } = item(secret);
    expectRefused(await report(server, [item(secret), withoutUrl]), 400, 'REQUEST.VALIDATION_FAILED', '1.url');
    expectRefused(await report(server, [{ ...item(secret), type: 42 }]), 400, 'REQUEST.VALIDATION_FAILED', '0.type');
    expectRefused(await report(server, [item(secret, { url: `https://a.test/${'a'.repeat(2048)}` })]), 400, 'REQUEST.VALIDATION_FAILED', '0.url');
    expectRefused(await report(server, [item(secret, { source: 'content\r\nBcc: someone@else.test' })]), 400, 'REQUEST.VALIDATION_FAILED', '0.source');
    expectRefused(await request(`${server.url}/leaked-secrets`, { body: `[{"token":"${secret}"`, headers: { 'content-type': 'application/json' } }), 400, 'REQUEST.VALIDATION_FAILED');
    expectRefused(await request(`${server.url}/leaked-secrets`, { body: JSON.stringify([item(secret)]), headers: { 'content-type': 'text/plain' } }), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
    expectRefused(await request(`${server.url}/leaked-secrets`, { form: { token: secret, type: 't', url: '', source: '' } }), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
    const huge = Array.from({ length: 40 }, () => item(secret, { url: `https://a.test/${'a'.repeat(2000)}` }));
    expectRefused(await report(server, huge), 413, 'REQUEST.BODY_TOO_LARGE');
    expect(await snapshotOf(db, API)).toBe(before);
    // The secret in every refused body is still enabled.
    expect((await request(`${server.url}/System/UserAccount`, { json: { clientId: bystander.clientId, clientSecret: secret } })).status).toBe(200);
  });

  it('takes an item with a field it does not know (GitHub may add one), and acts once on a token repeated in one request', async () => {
    const extra = await createClient(server, adminToken, API, ['orders:read'], 'extra field');
    plaintexts.push(extra.clientSecret);
    const answer = await report(server, [
      { ...item(extra.clientSecret), secret_type: 'x', found_at: { line: 3 } },
      item(extra.clientSecret, { url: 'https://gist.github.com/x/2', source: 'gist' }),
    ]);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual([
      { token_hash: sha256(extra.clientSecret), token_type: 'tessera_client_secret', label: 'true_positive' },
      { token_hash: sha256(extra.clientSecret), token_type: 'tessera_client_secret', label: 'true_positive' },
    ]);
    expect(answer.text).not.toContain(extra.clientSecret);
    // Disabled, by the first item only; the unknown fields are stored nowhere.
    expect((await leakReports(extra.secretId)).map((e) => e.data)).toEqual([{ url: FOUND_AT, source: 'content', type: 'tessera_client_secret', disabled: true }]);
    expect((await auditTrail(db, API)).filter((e) => e.type === 'secret.disabled' && e.subject.secretId === extra.secretId)).toHaveLength(1);
    expect(await noticesOf(extra.secretId)).toHaveLength(1);
    expect((await dumpDatabase(db)).includes('found_at')).toBe(false);
    const again = await request(`${server.url}/oauth/token`, { form: { grant_type: 'client_credentials', client_id: extra.clientId, client_secret: extra.clientSecret } });
    expect(again.status).toBe(401);
  });

  it('tells the contacts again when a secret enabled again by its owner is reported again: one notice per disable', async () => {
    const path = `${server.url}/apis/${API}/service-accounts/${leaked.accountId}/secrets/${leaked.secretId}`;
    const enabled = await request(path, { method: 'PATCH', token: adminToken, json: { status: 'enabled' } });
    expect(enabled.status, enabled.text).toBe(200);
    expect((await tokenFor(server, leaked.clientId, leaked.clientSecret)).length).toBeGreaterThan(0);

    const answer = await report(server, [item(leaked.clientSecret, { url: 'https://github.com/acme/shop/blob/9a1b2c3/.env' })]);
    expect(answer.body).toEqual([{ token_hash: sha256(leaked.clientSecret), token_type: 'tessera_client_secret', label: 'true_positive' }]);
    const again = await request(`${server.url}/oauth/token`, { form: { grant_type: 'client_credentials', client_id: leaked.clientId, client_secret: leaked.clientSecret } });
    expect(again.status).toBe(401);
    expect((await leakReports(leaked.secretId)).map((e) => e.data)).toEqual([
      { url: FOUND_AT, source: 'content', type: 'tessera_client_secret', disabled: true },
      { url: 'https://github.com/acme/shop/blob/9a1b2c3/.env', source: 'content', type: 'tessera_client_secret', disabled: true },
    ]);
    const keys = await noticesOf(leaked.secretId);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(new RegExp(`^${leaked.secretId}:leaked:\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`));

    await scan();
    await vi.waitFor(() => expect(leakWebhooks(leaked.secretId)).toHaveLength(2), { timeout: 10_000, interval: 100 });
    const [first, second] = leakWebhooks(leaked.secretId);
    expect(second.data).toMatchObject({ url: 'https://github.com/acme/shop/blob/9a1b2c3/.env', disabledByReport: true });
    expect(new Date(second.data.disabledAt).getTime()).toBeGreaterThan(new Date(first.data.disabledAt).getTime());
    expect(keys.map((key) => key.slice(`${leaked.secretId}:leaked:`.length)).sort()).toEqual([first.data.disabledAt, second.data.disabledAt].sort());
    await vi.waitFor(() => expect(mail.messages.filter((m) => decodeMail(m.raw).includes(leaked.secretId))).toHaveLength(2), { timeout: 10_000, interval: 100 });

    // A repeat within this second disable writes nothing and sends nothing.
    expect((await report(server, [item(leaked.clientSecret)])).body[0].label).toBe('true_positive');
    await scan();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(leakWebhooks(leaked.secretId)).toHaveLength(2);
    expect(await leakReports(leaked.secretId)).toHaveLength(2);
  });

  it('documents the route in the OpenAPI document and counts reports in the metrics', async () => {
    const docs = await request(`${server.url}/docs/openapi.json`);
    const operation = docs.body?.paths?.['/leaked-secrets']?.post;
    expect(operation, docs.text.slice(0, 200)).toBeDefined();
    expect(operation.requestBody.content['application/json'].schema).toMatchObject({ type: 'array', minItems: 1, maxItems: 100 });
    // Unknown fields in an item are allowed (GitHub owns the format), and documented so.
    expect(operation.requestBody.content['application/json'].schema.items).toMatchObject({ type: 'object', required: ['token', 'type', 'url', 'source'] });
    expect(operation.requestBody.content['application/json'].schema.items.additionalProperties).toBeUndefined();
    expect(Object.keys(operation.responses)).toContain('200');
    expect(operation.security ?? []).toEqual([]);
    const metrics = await request(`${server.url}/metrics`);
    // True positives: 1 + 100 (repeats) + 2 (one a repeat in its request) + 2 (one a repeat).
    expect(metrics.text).toMatch(/tessera_leaked_secrets_reported_total\{label="true_positive"\} 105\n/);
    expect(metrics.text).toMatch(/tessera_leaked_secrets_reported_total\{label="false_positive"\} 3\n/);
    expect(metrics.text).toMatch(/tessera_leaked_secrets_repeated_total 102\n/);
  });

  it('keeps every plaintext secret and token out of the logs and the database', async () => {
    await new Promise((r) => setTimeout(r, 300)); // the last audit batch
    const logs = [server, second].map((api) => api?.logs() ?? '').join('\n') + readFileSync(join(db.dir, 'cli.log'), 'utf8');
    const stored = await dumpDatabase(db);
    expect(plaintexts.length).toBeGreaterThanOrEqual(6);
    for (const plaintext of plaintexts) {
      expect(logs.includes(plaintext), 'plaintext in logs').toBe(false);
      expect(stored.includes(plaintext), 'plaintext in the database').toBe(false);
    }
  });
});

describe('leak reports and the failure throttle', () => {
  let db: TestDatabase;
  let server: TesseraProcess;

  beforeAll(async () => {
    db = await createSqliteDatabase();
    server = await startTessera(db, { TESSERA_THROTTLE_PER_ADDRESS: '3', TESSERA_THROTTLE_WINDOW_SECONDS: '60' });
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('counts unknown well-formed secrets, not checksum failures, toward the address limit: then 429 with Retry-After, for reports and sign-ins alike', async () => {
    const admin = await bootstrap(server, API);
    // Checksum failures cost no database read and count for nothing.
    const mangled = Array.from({ length: 10 }, () => item(withBadChecksum(unknownSecret())));
    expect((await report(server, mangled)).status).toBe(200);
    expect((await report(server, mangled)).status).toBe(200);
    // Three unknown secrets reach the limit, each looked up once however often the request
    // repeats it (six look-ups would be refused at the fourth); the next look-up is refused
    // before it is made.
    const [a, b, c] = [unknownSecret(), unknownSecret(), unknownSecret()];
    const first = await report(server, [item(a), item(b), item(a), item(a), item(b), item(c)]);
    expect(first.status, first.text).toBe(200);
    expect(first.body.map((f: { label: string }) => f.label)).toEqual(Array.from({ length: 6 }, () => 'false_positive'));
    expect(first.body.map((f: { token_hash: string }) => f.token_hash)).toEqual([a, b, a, a, b, c].map(sha256));
    const blocked = await report(server, [item(unknownSecret())]);
    expect(blocked.status, blocked.text).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.error.code).toBe('AUTH.THROTTLED');
    // One counter for the address: its sign-ins are refused too, right secret included.
    const signIn = await request(`${server.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret: admin.clientSecret } });
    expect(signIn.status).toBe(429);
    // A real secret reported from the blocked address is not looked up either: it stays enabled.
    expect((await report(server, [item(admin.clientSecret)])).status).toBe(429);
    const trail = await auditTrail(db, API);
    expect(trail.filter((e) => e.type === 'secret.leak_reported' || e.type === 'secret.disabled')).toEqual([]);
  });
});
