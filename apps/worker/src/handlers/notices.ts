import { WebhookEnvelope } from '@tessera/contracts';
import type { EventRow, NotificationRow, StoreSession } from '@tessera/store';

/** One notice for an API's security contacts: what it is about, its dedupe key and what it says. */
export interface Notice {
  /** The secret or account it is about. */
  readonly subjectId: string;
  /** Unique: a notice whose key exists already is not recorded again (`sec_…:expiring:7`, `sec_…:leaked:<disabledAt>`). */
  readonly dedupeKey: string;
  readonly payload: WebhookEnvelope;
}

/**
 * The key of a secret's leak notice: one per disable episode (the time the secret was disabled),
 * however often it is reported during it. A secret enabled again by its owner and then reported
 * again is disabled at a new time, so its contacts hear of the new leak.
 */
export function leakedNoticeKey(secretId: string, disabledAt: Date): string {
  return `${secretId}:leaked:${disabledAt.toISOString()}`;
}

/**
 * Records a notice with one pending delivery per security contact of its API (due at `now`), and
 * its audit event when it has one, inside the caller's transaction. Returns false, writing
 * nothing, when a notice with the same dedupe key exists already: concurrent writers decide each
 * notice exactly once. The next expiry scan hands the deliveries to the delivery handler.
 */
export async function recordNotice(tx: StoreSession, notice: Notice, now: Date, audit: EventRow | null = null): Promise<boolean> {
  const payload = WebhookEnvelope.parse(notice.payload);
  const row: NotificationRow = {
    id: payload.id,
    api: payload.api,
    type: payload.type,
    subjectId: notice.subjectId,
    dedupeKey: notice.dedupeKey,
    payload: payload as unknown as Record<string, unknown>,
    createdAt: now,
  };
  if (!(await tx.notifications.insertOnce(row))) return false;
  const channels = await tx.channels.list(row.api);
  await tx.notifications.insertDeliveries(
    channels.map((channel) => ({
      id: `${row.id}.${channel.id}`,
      notificationId: row.id,
      channelId: channel.id,
      api: row.api,
      status: 'pending',
      attempts: 0,
      lastError: null,
      nextAttemptAt: now,
      deliveredAt: null,
    })),
  );
  if (audit) await tx.events.append([audit]);
  return true;
}
