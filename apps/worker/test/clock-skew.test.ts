import type { DeliveryJob } from '@tessera/contracts';
import { DEFAULT_API_POLICY, addSecret, createServiceAccount, newId, type Clock } from '@tessera/domain';
import { KeyEncryption, type Store } from '@tessera/store';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handleDelivery, handleExpiryScan, type DeliveryDependencies } from '../src';
import { TARGETS, hasher, openStore, random } from './fixtures';
import { startWebhookSink, type WebhookSink } from '../src/testing';

const MINUTE = 60_000;
/** A worker host whose clock is `offsetMs` off (the database's clock is the real one here). */
const skewed = (offsetMs: number): Clock => ({ now: () => new Date(Date.now() + offsetMs) });

// The API decides with its own clock, at each authentication, whether a secret has expired. A
// worker host whose clock is off must not tell the contacts a secret has expired while the API
// still accepts it, nor let a delivery it is still sending be claimed and sent again elsewhere.
describe.each(TARGETS)('worker clocks that are off, on $name', ({ create }) => {
  let store: Store;
  let drop: () => Promise<void>;
  let webhook: WebhookSink;
  let deps: DeliveryDependencies;
  const queued: DeliveryJob[] = [];
  const queue = { enqueue: async (job: DeliveryJob) => void queued.push(job) };

  /** Scans as a worker whose clock is `clock`, as its transport would; answers the delivery jobs. */
  async function scanWith(clock: Clock): Promise<DeliveryJob[]> {
    queued.length = 0;
    const worker: DeliveryDependencies = { ...deps, clock };
    await handleExpiryScan({ scheduledAt: clock.now().toISOString() }, { ...worker, deliveries: queue });
    return [...queued];
  }

  /** A used account with one secret expiring at `expiresAt` (real time). */
  async function secretExpiringAt(name: string, expiresAt: Date) {
    const now = new Date();
    const account = createServiceAccount({ api: 'skew', name, scopes: [] }, now, random);
    if (!account.ok) throw account.error;
    const added = addSecret(account.value, [], { expiresAt }, { now, random, hasher, policy: DEFAULT_API_POLICY });
    if (!added.ok) throw added.error;
    await store.transaction(async (tx) => {
      await tx.accounts.insert({ ...account.value, lastUsedAt: now });
      await tx.secrets.insert('skew', added.value.secret);
    });
    return added.value.secret;
  }

  beforeAll(async () => {
    ({ store, drop } = await openStore(create));
    webhook = await startWebhookSink();
    const sealer = new KeyEncryption(randomBytes(32), 'webhook-secret-encryption');
    deps = { store, clock: skewed(0), random, mailer: null, openSecret: (s) => sealer.decrypt(s), log: { info: () => {}, warn: () => {} }, allowPrivateNetworks: true };
    const now = new Date();
    await store.transaction(async (tx) => {
      await tx.apis.insert({ slug: 'skew', policy: DEFAULT_API_POLICY, createdAt: now, updatedAt: now });
      const signingSecret = sealer.encrypt(`whsec_${randomBytes(24).toString('base64url')}`);
      await tx.channels.insert({ id: newId('channel', now, random), api: 'skew', kind: 'webhook', target: webhook.url, encryptedSecret: signingSecret, previousEncryptedSecret: null, previousSecretExpiresAt: null, createdAt: now });
    });
  });

  afterAll(async () => {
    await webhook?.close();
    await store?.close();
    await drop?.();
  });

  it('sends no "expired" notice, and writes no secret.expired, while the secret is still valid, whatever the worker\'s clock says', async () => {
    const secret = await secretExpiringAt('nightly export', new Date(Date.now() + 5 * MINUTE));
    const jobs = await scanWith(skewed(10 * MINUTE));
    for (const job of jobs) expect(await handleDelivery(job, { ...deps, clock: skewed(10 * MINUTE) })).toBe('delivered');
    const notices = await store.session().notifications.keysFor([secret.id]);
    expect(notices.get(secret.id)).toEqual([`${secret.id}:expiring:1`]);
    expect(webhook.requests.map((r) => JSON.parse(r.body).type)).toEqual(['secret.expiring']);
    const events = await store.session().events.list('skew', { limit: 10 });
    expect(events.map((e) => e.type)).not.toContain('secret.expired');
  });

  it('does not claim again, and send twice, a delivery a worker whose clock runs behind is still sending', async () => {
    const secret = await secretExpiringAt('hourly sync', new Date(Date.now() + 2 * 86_400_000));
    const jobs = await scanWith(skewed(0));
    expect(jobs).toHaveLength(1);
    const before = webhook.requests.length;
    webhook.delayMs = 1_500;
    try {
      const sending = handleDelivery(jobs[0]!, { ...deps, clock: skewed(-10 * MINUTE) });
      await vi.waitFor(() => expect(webhook.requests).toHaveLength(before + 1), { timeout: 5_000, interval: 20 });
      // Meanwhile a worker whose clock is right scans, and delivers whatever it finds due.
      const offered = await scanWith(skewed(0));
      const others = await Promise.all(offered.map((j) => handleDelivery(j, deps)));
      expect(await sending).toBe('delivered');
      expect(others).toEqual([]);
      expect(webhook.requests.slice(before).map((r) => JSON.parse(r.body).data.secretId)).toEqual([secret.id]);
    } finally {
      webhook.delayMs = 0;
    }
  });
});
