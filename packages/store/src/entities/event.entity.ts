import { EntitySchema } from '@mikro-orm/core';

/**
 * The audit trail and the outbox in one table: every state change writes its event here in the
 * same transaction; `publishedAt` is set once the event has been handed to the worker transport.
 */
export interface EventRow {
  id: string;
  /** Null only for failed authentications whose client ID matched no account. */
  api: string | null;
  type: string;
  occurredAt: Date;
  actor: Record<string, unknown>;
  source: Record<string, unknown>;
  subject: Record<string, unknown>;
  /** The service account the event is about, when there is one (for per-account activity). */
  accountId: string | null;
  data: Record<string, unknown>;
  publishedAt: Date | null;
}

export const EventEntity = new EntitySchema<EventRow>({
  name: 'Event',
  tableName: 'event',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    api: { type: 'string', length: 63, nullable: true },
    type: { type: 'string', length: 40 },
    occurredAt: { type: 'datetime' },
    actor: { type: 'json' },
    source: { type: 'json' },
    subject: { type: 'json' },
    accountId: { type: 'string', length: 40, nullable: true },
    data: { type: 'json' },
    publishedAt: { type: 'datetime', nullable: true },
  },
  indexes: [{ properties: ['api', 'id'] }, { properties: ['api', 'accountId', 'id'] }, { properties: ['publishedAt'] }],
});
