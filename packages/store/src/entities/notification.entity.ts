import { EntitySchema } from '@mikro-orm/core';

/**
 * A notice for an API's security contacts (secret expiring or expired, account unused), decided
 * once: `dedupeKey` is unique (e.g. `sec_…:expiring:7`), so each threshold is noticed exactly once
 * however many scanners run. `payload` is the webhook envelope sent to every channel.
 */
export interface NotificationRow {
  id: string;
  api: string;
  type: string;
  subjectId: string;
  dedupeKey: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export const NotificationEntity = new EntitySchema<NotificationRow>({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    api: { type: 'string', length: 63 },
    type: { type: 'string', length: 40 },
    subjectId: { type: 'string', length: 40, index: true },
    dedupeKey: { type: 'string', length: 120, unique: true },
    payload: { type: 'json' },
    createdAt: { type: 'datetime' },
  },
});

/** The delivery of one notification to one channel: retried until delivered or given up. */
export interface DeliveryRow {
  id: string;
  notificationId: string;
  channelId: string;
  api: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
}

export const DeliveryEntity = new EntitySchema<DeliveryRow>({
  name: 'Delivery',
  tableName: 'delivery',
  properties: {
    id: { type: 'string', length: 90, primary: true },
    notificationId: { type: 'string', length: 40 },
    channelId: { type: 'string', length: 40 },
    api: { type: 'string', length: 63 },
    status: { type: 'string', length: 10 },
    attempts: { type: 'integer' },
    lastError: { type: 'string', length: 500, nullable: true },
    nextAttemptAt: { type: 'datetime' },
    deliveredAt: { type: 'datetime', nullable: true },
  },
  indexes: [{ properties: ['status', 'nextAttemptAt'] }],
});
