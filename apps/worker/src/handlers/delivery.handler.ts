import { WEBHOOK_HEADERS, WEBHOOK_SIGNATURE_PREFIX, WebhookEnvelope, webhookSignedContent, type DeliveryJob } from '@tessera/contracts';
import { newId, type Clock, type RandomBytes } from '@tessera/domain';
import type { AlertChannelRow, EventRow, NotificationRow, Store } from '@tessera/store';
import { createHmac } from 'node:crypto';
import { PrivateDestinationError, postWebhook, type Resolver } from './destination';
import type { Mailer, SecretOpener, WorkerLog } from './ports';

/** Attempts before a delivery is given up. */
export const MAX_ATTEMPTS = 8;
/** How long a claimed attempt is hidden from sweeps (longer than any send can take). */
const CLAIM_LEASE_MS = 5 * 60_000;
/**
 * The longest one send may take, whatever the receiver does. Well inside the claim: a send still
 * going when the claim ran out would be claimed, and sent, a second time beside it.
 */
const WEBHOOK_TIMEOUT_MS = 10_000;
const MAIL_TIMEOUT_MS = CLAIM_LEASE_MS / 5;

export interface DeliveryDependencies {
  /** Also the handlers' clock (`Store.now`), the one every worker shares. */
  readonly store: Store;
  /** This host's clock: only stamps when a transport schedules a scan; the handlers never read it. */
  readonly clock: Clock;
  readonly random: RandomBytes;
  /** Null when no SMTP server is configured: e-mail deliveries then fail with that reason. */
  readonly mailer: Mailer | null;
  readonly openSecret: SecretOpener;
  readonly log: WorkerLog;
  /** Allow webhooks to loopback and private addresses (default: refused, against SSRF). */
  readonly allowPrivateNetworks?: boolean;
  /** How webhook host names are resolved (default: the system resolver). */
  readonly resolve?: Resolver;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

/** Delay before attempt `n + 1` after `n` failed attempts: 30 s, 1 min, 2 min, … capped at 1 h. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * Delivers one notification to one channel: a signed webhook POST or an e-mail. Idempotent: a
 * delivery that is no longer pending is skipped. A failure is recorded with its next attempt time
 * (the scan re-offers it then) and never thrown, so every transport retries the same way; after
 * MAX_ATTEMPTS it is given up. A delivered secret notice leaves a `reminder.sent` audit event.
 * Its times (the claim, the next attempt, the signature's timestamp) are the database's: a claim
 * written by a worker whose clock runs behind would already look stale to another one's scan.
 */
export async function handleDelivery(job: DeliveryJob, deps: DeliveryDependencies): Promise<DeliveryOutcome> {
  const session = deps.store.session();
  const id = `${job.eventId}.${job.channelId}`;
  const delivery = await session.notifications.delivery(id);
  if (!delivery || delivery.status !== 'pending' || delivery.attempts + 1 !== job.attempt) return 'skipped';
  if (delivery.attempts >= MAX_ATTEMPTS) {
    // Its last attempt was claimed by a process that died before recording how it ended.
    await session.notifications.updateDelivery(id, { status: 'failed' }, delivery.attempts);
    deps.log.warn(`Delivery ${id} failed for good: its ${MAX_ATTEMPTS}th attempt never reported back.`);
    return 'failed';
  }
  const now = await deps.store.now();
  // Claim this attempt first: a scan re-offering the same delivery meanwhile finds nothing to do.
  if (!(await session.notifications.claimDelivery(id, delivery.attempts, new Date(now.getTime() + CLAIM_LEASE_MS)))) return 'skipped';
  const notification = await session.notifications.find(delivery.notificationId);
  const channel = notification && (await session.channels.find(notification.api, delivery.channelId));
  if (!notification || !channel) {
    const reason = 'The channel or notice no longer exists.';
    await session.notifications.updateDelivery(id, { status: 'failed', lastError: reason }, delivery.attempts + 1);
    deps.log.warn(`Delivery ${id} failed for good: ${reason}`);
    return 'failed';
  }
  try {
    await send(notification, channel, now, deps);
  } catch (error) {
    const attempts = delivery.attempts + 1;
    // Retrying cannot make a private address public.
    const final = attempts >= MAX_ATTEMPTS || error instanceof PrivateDestinationError;
    const reason = describe(error).slice(0, 500);
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(attempts));
    await session.notifications.updateDelivery(id, { status: final ? 'failed' : 'pending', attempts, lastError: reason, nextAttemptAt }, attempts);
    // The reason names hosts and statuses, never a URL's path or a secret (it is kept as lastError too).
    deps.log.warn(`Delivery ${id} ${final ? 'failed for good' : `failed (attempt ${attempts} of ${MAX_ATTEMPTS}; next at ${nextAttemptAt.toISOString()})`}: ${reason}`);
    return final ? 'failed' : 'retry';
  }
  await deps.store.transaction(async (tx) => {
    await tx.notifications.updateDelivery(id, { status: 'delivered', attempts: delivery.attempts + 1, lastError: null, deliveredAt: now }, delivery.attempts + 1);
    const sent = reminderSent(notification, channel, now, deps.random);
    if (sent) await tx.events.append([sent]);
  });
  return 'delivered';
}

async function send(notification: NotificationRow, channel: AlertChannelRow, now: Date, deps: DeliveryDependencies): Promise<void> {
  const envelope = WebhookEnvelope.parse(notification.payload);
  if (channel.kind === 'webhook') {
    if (!channel.encryptedSecret) throw new Error('The webhook channel has no signing secret.');
    const body = JSON.stringify(envelope);
    const timestamp = Math.floor(now.getTime() / 1000);
    const signed = webhookSignedContent(envelope.id, timestamp, body);
    const sign = (sealed: string) => `${WEBHOOK_SIGNATURE_PREFIX}${createHmac('sha256', deps.openSecret(sealed)).update(signed, 'utf8').digest('hex')}`;
    // During a rotation's overlap the previous secret signs too: receivers accept either.
    const signatures = [sign(channel.encryptedSecret)];
    if (channel.previousEncryptedSecret && channel.previousSecretExpiresAt && channel.previousSecretExpiresAt > now) {
      try {
        signatures.push(sign(channel.previousEncryptedSecret));
      } catch {
        // Sealed under an earlier pepper (rotated after a pepper change): the current one signs alone.
        deps.log.warn(`Webhook channel ${channel.id}: its previous signing secret cannot be decrypted (sealed under another pepper?); signing with the current secret only until the overlap ends.`);
      }
    }
    const status = await postWebhook(channel.target, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tessera-Webhook/1',
        [WEBHOOK_HEADERS.id]: envelope.id,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signatures.join(' '),
      },
      body,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      ...(deps.allowPrivateNetworks ? { allowPrivateNetworks: true } : {}),
      ...(deps.resolve ? { resolve: deps.resolve } : {}),
    });
    if (status < 200 || status >= 300) throw new Error(`The webhook answered HTTP ${status}.`);
    return;
  }
  if (!deps.mailer) throw new Error('No SMTP server is configured (SMTP_URL).');
  await deps.mailer.send({ to: channel.target, ...mail(envelope) }, MAIL_TIMEOUT_MS);
}

/** The e-mail for a notice: a subject a person can act on, and the details in plain text. */
export function mail(envelope: WebhookEnvelope): { subject: string; text: string } {
  const lines = (rows: [string, string][]) => rows.map(([k, v]) => `${k}: ${v}`).join('\n');
  switch (envelope.type) {
    case 'secret.expiring': {
      const d = envelope.data;
      return {
        subject: `[Tessera] ${envelope.api}: a secret of "${d.accountName}" ${d.daysLeft === 0 ? 'expires within a day' : `expires in ${days(d.daysLeft)}`}`,
        text: `A client secret expires soon. Add a new secret, move the callers to it, then disable the old one.\n\n${lines([
          ['API', envelope.api],
          ['Service account', `${d.accountName} (${d.accountId})`],
          ['Client ID', d.clientId],
          ['Secret', `${d.hint} (${d.secretId})`],
          ['Expires at', d.expiresAt],
        ])}\n`,
      };
    }
    case 'secret.expired': {
      const d = envelope.data;
      return {
        subject: `[Tessera] ${envelope.api}: a secret of "${d.accountName}" has expired`,
        text: `A client secret has expired; callers still using it can no longer get tokens.\n\n${lines([
          ['API', envelope.api],
          ['Service account', `${d.accountName} (${d.accountId})`],
          ['Client ID', d.clientId],
          ['Secret', `${d.hint} (${d.secretId})`],
          ['Expired at', d.expiredAt],
        ])}\n`,
      };
    }
    case 'secret.leaked': {
      const d = envelope.data;
      return {
        subject: `[Tessera] ${envelope.api}: a secret of "${d.accountName}" was reported as leaked`,
        text: `${d.disabledByReport ? 'Someone holding a client secret reported it as leaked, and Tessera disabled it: its tokens stopped working at once.' : 'Someone holding a client secret reported it as leaked; it was already disabled.'} Add a new secret, move the callers to it, delete the leaked one, and find out how it leaked. Where it was found is the reporter's word: check the address before you open it.\n\n${lines([
          ['API', envelope.api],
          ['Service account', `${d.accountName} (${d.accountId})`],
          ['Client ID', d.clientId],
          ['Secret', `${d.hint} (${d.secretId})`],
          ['Disabled at', d.disabledAt],
          ['Found at', d.url === '' ? 'not given' : d.url],
          ['Found in', d.source === '' ? 'not given' : d.source],
        ])}\n`,
      };
    }
    case 'account.unused': {
      const d = envelope.data;
      return {
        subject: `[Tessera] ${envelope.api}: "${d.accountName}" has not been used for ${days(d.unusedForDays)}`,
        text: `A service account has not been used for a long time. Disable it if it is no longer needed.\n\n${lines([
          ['API', envelope.api],
          ['Service account', `${d.accountName} (${d.accountId})`],
          ['Client ID', d.clientId],
          ['Last used', d.lastUsedAt ?? 'never'],
        ])}\n`,
      };
    }
  }
}

/** A count of whole days in words: `1 day`, `6 days`. */
function days(count: number): string {
  return count === 1 ? '1 day' : `${count} days`;
}

function reminderSent(notification: NotificationRow, channel: AlertChannelRow, now: Date, random: RandomBytes): EventRow | null {
  const envelope = WebhookEnvelope.parse(notification.payload);
  if (envelope.type === 'account.unused') return null;
  const subject = { accountId: envelope.data.accountId, secretId: envelope.data.secretId };
  return {
    id: newId('event', now, random),
    api: notification.api,
    type: 'reminder.sent',
    occurredAt: now,
    actor: { kind: 'system' },
    source: { ip: null, userAgent: null },
    subject,
    accountId: envelope.data.accountId,
    data: { secretId: envelope.data.secretId, reminderKey: notification.dedupeKey.slice(envelope.data.secretId.length + 1), channel: channel.kind },
    publishedAt: null,
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return 'Unknown error.';
}
