import type { DeliveryJob, ExpiryScanJob, WebhookEnvelope } from '@tessera/contracts';
import { dueReminder, findUnused, newId, reminderKey, type RandomBytes, type ServiceAccount } from '@tessera/domain';
import type { Api, DeliveryRow, EventRow, Store } from '@tessera/store';
import { recordNotice, type Notice } from './notices';
import type { DeliveryQueue } from './ports';

const DAY_MS = 86_400_000;
/** Deliveries re-offered per scan (retries whose time has come). */
const SWEEP_LIMIT = 500;

export interface ExpiryScanDependencies {
  /** Also the scan's clock (`Store.now`): see handleExpiryScan. */
  readonly store: Store;
  readonly random: RandomBytes;
  readonly deliveries: DeliveryQueue;
}

export interface ExpiryScanResult {
  /** Notices decided in this scan (each exactly once, whatever else scans at the same time). */
  readonly notices: number;
  /** Delivery jobs handed to the queue (new ones and due retries). */
  readonly enqueued: number;
}

/**
 * Decides, for every API, which secrets crossed a reminder threshold (or expired) and which
 * accounts have gone unused, and records one notice for each — at most once per threshold, by a
 * unique dedupe key — with a delivery per security contact. Then hands due deliveries to the queue.
 * Safe to run concurrently and repeatedly.
 *
 * "Now" is the database's clock, not this host's nor the scheduler's (`job.scheduledAt`): the API
 * refuses an expired secret by its own clock, and a worker whose clock ran ahead would otherwise
 * announce (and audit) an expiry while the API still accepts the secret. One clock for every
 * worker also keeps the deliveries' claims, written by whichever worker sends, comparable here.
 */
export async function handleExpiryScan(_job: ExpiryScanJob, deps: ExpiryScanDependencies): Promise<ExpiryScanResult> {
  const now = await deps.store.now();
  let notices = 0;
  for (const api of await deps.store.session().apis.all()) notices += await scanApi(api, now, deps);
  const due = await deps.store.session().notifications.dueDeliveries(now, SWEEP_LIMIT);
  for (const delivery of due) await deps.deliveries.enqueue(deliveryJob(delivery));
  return { notices, enqueued: due.length };
}

/** The job that delivers one notification to one channel, for the attempt about to be made. */
export function deliveryJob(delivery: DeliveryRow): DeliveryJob {
  return { eventId: delivery.notificationId, channelId: delivery.channelId, attempt: delivery.attempts + 1 };
}

async function scanApi(api: Api, now: Date, deps: ExpiryScanDependencies): Promise<number> {
  const session = deps.store.session();
  const thresholds = api.policy.reminderThresholdsDays;
  const horizon = new Date(now.getTime() + Math.max(0, ...thresholds) * DAY_MS);
  const [secrets, accounts] = await Promise.all([session.secrets.expiringBefore(api.slug, horizon), session.accounts.enabled(api.slug)]);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const subjects = [...secrets.map((s) => s.id), ...accounts.map((a) => a.id)];
  const used = await session.notifications.keysFor(subjects);
  const notices: { notice: Notice; audit: EventRow | null }[] = [];

  for (const secret of secrets) {
    const account = byId.get(secret.accountId);
    if (!account) continue; // a disabled account's secrets cannot be used: nothing to remind
    const sent = (used.get(secret.id) ?? []).map((key) => key.slice(secret.id.length + 1));
    const due = dueReminder({ expiresAt: secret.expiresAt, thresholdsDays: thresholds, sent, now });
    if (!due || !secret.expiresAt) continue;
    const ref = { accountId: account.id, clientId: account.clientId, accountName: account.name, secretId: secret.id, hint: secret.hint };
    const id = newId('event', now, deps.random);
    const payload: WebhookEnvelope =
      due.kind === 'expired'
        ? { id, api: api.slug, createdAt: now.toISOString(), type: 'secret.expired', data: { ...ref, expiredAt: secret.expiresAt.toISOString() } }
        : {
            id,
            api: api.slug,
            createdAt: now.toISOString(),
            type: 'secret.expiring',
            data: { ...ref, expiresAt: secret.expiresAt.toISOString(), thresholdDays: due.thresholdDays, daysLeft: Math.max(0, Math.floor((secret.expiresAt.getTime() - now.getTime()) / DAY_MS)) },
          };
    const audit: EventRow | null =
      due.kind === 'expired'
        ? {
            id: newId('event', now, deps.random),
            api: api.slug,
            type: 'secret.expired',
            occurredAt: now,
            actor: { kind: 'system' },
            source: { ip: null, userAgent: null },
            subject: { accountId: account.id, secretId: secret.id },
            accountId: account.id,
            data: { expiredAt: secret.expiresAt.toISOString() },
            publishedAt: null,
          }
        : null;
    notices.push({ notice: { subjectId: secret.id, dedupeKey: `${secret.id}:${reminderKey(due)}`, payload }, audit });
  }

  for (const account of findUnused(accounts, api.policy.unusedAfterDays, now)) {
    const since = account.lastUsedAt ?? account.createdAt;
    const key = `${account.id}:unused:${since.toISOString()}`; // once per idle period
    if ((used.get(account.id) ?? []).includes(key)) continue;
    const payload: WebhookEnvelope = {
      id: newId('event', now, deps.random),
      api: api.slug,
      createdAt: now.toISOString(),
      type: 'account.unused',
      data: { ...unusedRef(account), lastUsedAt: account.lastUsedAt?.toISOString() ?? null, unusedForDays: Math.floor((now.getTime() - since.getTime()) / DAY_MS) },
    };
    notices.push({ notice: { subjectId: account.id, dedupeKey: key, payload }, audit: null });
  }

  let created = 0;
  for (const { notice, audit } of notices) {
    const made = await deps.store.transaction(async (tx) => recordNotice(tx, notice, now, audit));
    if (made) created += 1;
  }
  return created;
}

function unusedRef(account: ServiceAccount) {
  return { accountId: account.id, clientId: account.clientId, accountName: account.name };
}
