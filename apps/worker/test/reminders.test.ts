import { WEBHOOK_HEADERS, webhookSignedContent } from '@tessera/contracts';
import { DEFAULT_API_POLICY, addSecret, createServiceAccount, newId } from '@tessera/domain';
import { KeyEncryption, type Store } from '@tessera/store';
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeliveryJob } from '@tessera/contracts';
import { EmbeddedWorker, MAX_ATTEMPTS, createMailer, handleDelivery, handleExpiryScan } from '../src';
import { BullmqWorker } from '../src/bullmq-worker';
import { TARGETS, hasher, openStore, random } from './fixtures';
import { decodeMail, startMailSink, startWebhookSink, type MailSink, type WebhookSink } from '../src/testing';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY = 86_400_000;

describe.each(TARGETS)('reminders and alerts on $name', ({ name, create }) => {
  let store: Store;
  let drop: () => Promise<void>;
  let webhook: WebhookSink;
  let mail: MailSink;
  const pepper = randomBytes(32);
  const sealer = new KeyEncryption(pepper, 'webhook-secret-encryption');
  const signingSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const start = new Date('2027-03-01T09:00:00.000Z');
  const clock = { current: start, now() { return this.current; } };
  let secretId: string;
  let expiresAt: Date;
  let deps: Parameters<typeof handleDelivery>[1];
  const queued: DeliveryJob[] = [];
  /** What the handlers and workers logged as warnings. */
  const warnings: string[] = [];
  const queue = { enqueue: async (job: DeliveryJob) => void queued.push(job) };

  /** Runs a scan and delivers everything it queued, like a transport would. */
  async function scanAndDeliver(): Promise<{ notices: number; outcomes: string[] }> {
    queued.length = 0;
    const { notices } = await handleExpiryScan({ scheduledAt: clock.now().toISOString() }, { ...deps, deliveries: queue });
    const outcomes = [];
    for (const job of [...queued]) outcomes.push(await handleDelivery(job, deps));
    return { notices, outcomes };
  }

  /** A used account with one secret expiring in `days` days, as of the test clock. */
  async function addExpiringSecret(name: string, days: number) {
    const account = createServiceAccount({ api: 'shop', name, scopes: [] }, clock.now(), random);
    if (!account.ok) throw account.error;
    const added = addSecret(account.value, [], { expiresAt: new Date(clock.now().getTime() + days * DAY) }, { now: clock.now(), random, hasher, policy: DEFAULT_API_POLICY });
    if (!added.ok) throw added.error;
    await store.transaction(async (tx) => {
      await tx.accounts.insert({ ...account.value, lastUsedAt: clock.now() });
      await tx.secrets.insert('shop', added.value.secret);
    });
    return added.value.secret;
  }

  async function rows<T>(sql: string): Promise<T[]> {
    return store.orm.em.fork().getConnection().execute(sql) as Promise<T[]>;
  }

  beforeAll(async () => {
    ({ store, drop } = await openStore(create));
    // The handlers go by the database's clock: here it reads the test clock, which moves by days.
    vi.spyOn(store, 'now').mockImplementation(async () => clock.now());
    webhook = await startWebhookSink();
    mail = await startMailSink();
    // The sinks listen on 127.0.0.1: private networks allowed here (the default refuses them).
    deps = { store, clock, random, mailer: createMailer(mail.url, 'Tessera <tessera@test>'), openSecret: (s) => sealer.decrypt(s), log: { info: () => {}, warn: (m) => warnings.push(m) }, allowPrivateNetworks: true };
    const account = createServiceAccount({ api: 'shop', name: 'billing job', scopes: ['orders:read'] }, start, random);
    if (!account.ok) throw account.error;
    expiresAt = new Date(start.getTime() + 5 * DAY);
    const secret = addSecret(account.value, [], { expiresAt }, { now: start, random, hasher, policy: DEFAULT_API_POLICY });
    if (!secret.ok) throw secret.error;
    secretId = secret.value.secret.id;
    await store.transaction(async (tx) => {
      await tx.apis.insert({ slug: 'shop', policy: { ...DEFAULT_API_POLICY, unusedAfterDays: 3650 }, createdAt: start, updatedAt: start });
      await tx.accounts.insert({ ...account.value, lastUsedAt: start });
      await tx.secrets.insert('shop', secret.value.secret);
      for (const [kind, target, sealed] of [['webhook', webhook.url, sealer.encrypt(signingSecret)], ['email', 'security@shop.test', null]] as const) {
        await tx.channels.insert({ id: newId('channel', start, random), api: 'shop', kind, target, encryptedSecret: sealed, previousEncryptedSecret: null, previousSecretExpiresAt: null, createdAt: start });
      }
    });
  });

  afterAll(async () => {
    await webhook?.close();
    await mail?.close();
    await store?.close();
    await drop?.();
  });

  it('sends the 7-day reminder, never the 30-day one late, by signed webhook and e-mail', async () => {
    const result = await scanAndDeliver();
    expect(result).toEqual({ notices: 1, outcomes: ['delivered', 'delivered'] });
    expect(webhook.requests).toHaveLength(1);
    const { headers, body } = webhook.requests[0]!;
    const envelope = JSON.parse(body);
    expect(envelope).toMatchObject({ type: 'secret.expiring', api: 'shop', data: { secretId, thresholdDays: 7, daysLeft: 5, accountName: 'billing job', hint: expect.stringMatching(/^tsk_…/) } });
    const id = headers[WEBHOOK_HEADERS.id.toLowerCase()] as string;
    const timestamp = headers[WEBHOOK_HEADERS.timestamp.toLowerCase()] as string;
    const expected = createHmac('sha256', signingSecret).update(webhookSignedContent(id, timestamp, body)).digest('hex');
    expect(headers[WEBHOOK_HEADERS.signature.toLowerCase()]).toBe(`v1=${expected}`);
    expect(id).toBe(envelope.id);
    expect(mail.messages).toHaveLength(1);
    expect(mail.messages[0]!.to).toEqual(['security@shop.test']);
    const message = decodeMail(mail.messages[0]!.raw);
    expect(message).toMatch(/^Subject: \[Tessera\] shop: a secret of "billing job" expires in 5 days$/m);
    expect(message).toContain('A client secret expires soon. Add a new secret, move the callers to it, then disable the old one.');
    expect(message).toContain(`Secret: tsk_…`);
    expect(body + mail.messages[0]!.raw).not.toContain(signingSecret);
  });

  it('sends each threshold exactly once, even with scans running at the same time', async () => {
    const twice = await Promise.all([scanAndDeliver(), handleExpiryScan({ scheduledAt: clock.now().toISOString() }, { ...deps, deliveries: queue })]);
    expect(twice.map((r) => r.notices)).toEqual([0, 0]);
    clock.current = new Date(expiresAt.getTime() - 12 * 3_600_000);
    const concurrent = await Promise.all([handleExpiryScan({ scheduledAt: clock.now().toISOString() }, { ...deps, deliveries: queue }), handleExpiryScan({ scheduledAt: clock.now().toISOString() }, { ...deps, deliveries: queue })]);
    expect(concurrent[0].notices + concurrent[1].notices).toBe(1);
    const notices = await rows<{ dedupe_key: string }>(`select dedupe_key from notification order by dedupe_key`);
    expect(notices.map((n) => n.dedupe_key)).toEqual([`${secretId}:expiring:1`, `${secretId}:expiring:7`]);
  });

  it('retries a failed webhook later and gives the reason, then delivers', async () => {
    for (const job of [...queued]) await handleDelivery(job, deps); // deliver the 1-day notice
    webhook.status = 500;
    clock.current = new Date(expiresAt.getTime() + 60_000);
    const failed = await scanAndDeliver();
    expect(failed.notices).toBe(1);
    expect(failed.outcomes.sort()).toEqual(['delivered', 'retry']);
    const [pending] = await rows<{ status: string; attempts: number; last_error: string }>(`select status, attempts, last_error from delivery where status = 'pending'`);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, last_error: 'The webhook answered HTTP 500.' });
    expect(warnings).toContainEqual(expect.stringMatching(/^Delivery \S+ failed \(attempt 1 of 8; next at \S+Z\): The webhook answered HTTP 500\.$/));
    expect((await scanAndDeliver()).outcomes).toEqual([]); // not due yet
    webhook.status = 200;
    clock.current = new Date(clock.current.getTime() + 31_000);
    expect(await scanAndDeliver()).toEqual({ notices: 0, outcomes: ['delivered'] });
    const last = JSON.parse(webhook.requests.at(-1)!.body);
    expect(last).toMatchObject({ type: 'secret.expired', data: { secretId } });
  });

  it('gives a delivery up, without sending, when its last attempt was claimed by a process that died', async () => {
    const [row] = await rows<{ id: string; notification_id: string; channel_id: string }>(`select id, notification_id, channel_id from delivery where status = 'delivered' order by id limit 1`);
    // As a claim of the 8th attempt leaves it: still pending, its lease run out.
    await rows(`update delivery set status = 'pending', attempts = ${MAX_ATTEMPTS}, delivered_at = null where id = '${row!.id}'`);
    const sent = webhook.requests.length + mail.messages.length;
    expect(await handleDelivery({ eventId: row!.notification_id, channelId: row!.channel_id, attempt: MAX_ATTEMPTS + 1 }, deps)).toBe('failed');
    expect(webhook.requests.length + mail.messages.length).toBe(sent);
    const [after] = await rows<{ status: string; attempts: number }>(`select status, attempts from delivery where id = '${row!.id}'`);
    expect(after).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    await rows(`delete from delivery where id = '${row!.id}'`); // later tests count failed deliveries
  });

  it('records the expiry and every reminder sent in the audit trail', async () => {
    const events = await store.session().events.list('shop', { limit: 50 });
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'secret.expired')).toHaveLength(1);
    const sent = events.filter((e) => e.type === 'reminder.sent').map((e) => `${e.data.reminderKey}/${e.data.channel}`).sort();
    expect(sent).toEqual(['expired/email', 'expired/webhook', 'expiring:1/email', 'expiring:1/webhook', 'expiring:7/email', 'expiring:7/webhook']);
    expect(events.every((e) => e.actor.kind === 'system')).toBe(true);
  });

  it('reports an account unused past the policy, once per idle period', async () => {
    await store.session().apis.update({ slug: 'shop', policy: { ...DEFAULT_API_POLICY, unusedAfterDays: 30 }, createdAt: start, updatedAt: start });
    clock.current = new Date(start.getTime() + 40 * DAY);
    const first = await scanAndDeliver();
    expect(first.notices).toBe(1);
    expect(JSON.parse(webhook.requests.at(-1)!.body)).toMatchObject({ type: 'account.unused', data: { accountName: 'billing job', unusedForDays: 40 } });
    expect((await scanAndDeliver()).notices).toBe(0);
  });

  it.runIf(name === 'PostgreSQL')('runs on BullMQ workers: a scheduled scan delivers to the webhook', async () => {
    const secret = await addExpiringSecret('queue job', 2);
    const url = new URL(REDIS_URL);
    const before = webhook.requests.length;
    const worker = new BullmqWorker({ host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null }, deps, 500, `tessera-test-${randomBytes(4).toString('hex')}`);
    await worker.start();
    try {
      await vi.waitFor(() => expect(webhook.requests.slice(before).map((r) => JSON.parse(r.body).data.secretId)).toContain(secret.id), { timeout: 15_000, interval: 200 });
    } finally {
      await worker.purge();
      await worker.stop();
    }
  });

  it('runs embedded: the timer scans and delivers in-process', async () => {
    const secret = await addExpiringSecret('embedded job', 3);
    const worker = new EmbeddedWorker(deps, 200);
    worker.start();
    try {
      await vi.waitFor(() => expect(webhook.requests.map((r) => JSON.parse(r.body).data.secretId)).toContain(secret.id), { timeout: 10_000, interval: 100 });
    } finally {
      await worker.stop();
    }
  });
  it('refuses to call a webhook on a private address unless allowed, without retrying', async () => {
    clock.current = new Date(clock.current.getTime() + 120_000);
    const refused = await store.session().notifications.dueDeliveries(clock.now(), 10);
    expect(refused).toEqual([]);
    const strict = { ...deps, allowPrivateNetworks: false };
    await addExpiringSecret('ssrf probe', 2);
    queued.length = 0;
    await handleExpiryScan({ scheduledAt: clock.now().toISOString() }, { ...strict, deliveries: queue });
    const outcomes = [];
    for (const job of [...queued]) outcomes.push(await handleDelivery(job, strict));
    expect(outcomes.sort()).toEqual(['delivered', 'failed']); // e-mail goes out; the webhook is refused for good
    const [row] = await rows<{ status: string; last_error: string }>(`select status, last_error from delivery where status = 'failed'`);
    expect(row!.last_error).toContain('resolves to a non-public address (127.0.0.1)');
    expect(warnings).toContainEqual(expect.stringMatching(/^Delivery \S+ failed for good: .*resolves to a non-public address \(127\.0\.0\.1\)/));
  });
  it('signs with both secrets during a rotation overlap, with the new one alone once it ends', async () => {
    const channel = (await store.session().channels.list('shop')).find((c) => c.kind === 'webhook')!;
    const next = `whsec_${randomBytes(24).toString('base64url')}`;
    const signaturesFor = async (secret: { id: string }) => {
      const request = webhook.requests.find((r) => JSON.parse(r.body).data.secretId === secret.id)!;
      const signed = webhookSignedContent(String(request.headers[WEBHOOK_HEADERS.id.toLowerCase()]), String(request.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()]), request.body);
      const expected = (key: string) => `v1=${createHmac('sha256', key).update(signed).digest('hex')}`;
      return { given: String(request.headers[WEBHOOK_HEADERS.signature.toLowerCase()]).split(' '), expected };
    };
    const rotate = (previousEncryptedSecret: string | null, overlapMs: number) =>
      store.transaction((tx) => tx.channels.rotateSecret('shop', channel.id, { encryptedSecret: sealer.encrypt(next), previousEncryptedSecret, previousSecretExpiresAt: new Date(clock.now().getTime() + overlapMs) }));
    const deliver = async (name: string) => {
      const secret = await addExpiringSecret(name, 2);
      await scanAndDeliver();
      return signaturesFor(secret);
    };

    await rotate(channel.encryptedSecret, 60_000);
    const during = await deliver('during the overlap');
    expect(during.given).toEqual([during.expected(next), during.expected(signingSecret)]);

    clock.current = new Date(clock.current.getTime() + 61_000); // the overlap ends by itself
    const after = await deliver('after the overlap');
    expect(after.given).toEqual([after.expected(next)]);

    // A previous secret sealed under another pepper (rotated after a pepper change) cannot sign:
    // the current one signs alone, and the notice still goes out.
    await rotate(new KeyEncryption(randomBytes(32), 'webhook-secret-encryption').encrypt(signingSecret), 3_600_000);
    warnings.length = 0;
    const repeppered = await deliver('after a pepper change');
    expect(repeppered.given).toEqual([repeppered.expected(next)]);
    // …and the operator is told why, naming the channel (never a secret).
    expect(warnings).toEqual([expect.stringContaining(`Webhook channel ${channel.id}: its previous signing secret cannot be decrypted`)]);
    expect(warnings.join('\n')).not.toContain(signingSecret);
  });
});
