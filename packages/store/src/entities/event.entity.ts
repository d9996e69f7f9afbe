import { EntitySchema } from '@mikro-orm/core';

/**
 * The audit trail and the outbox in one table: every state change writes its event here in the
 * same transaction; `publishedAt` is set once the event has been handed to the worker transport.
 */
export interface EventRow {
  id: string;
  api: string;
  type: string;
  occurredAt: Date;
  actor: Record<string, unknown>;
  source: Record<string, unknown>;
  subject: Record<string, unknown>;
  data: Record<string, unknown>;
  publishedAt: Date | null;
}

export const EventEntity = new EntitySchema<EventRow>({
  name: 'Event',
  tableName: 'event',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    api: { type: 'string', length: 63 },
    type: { type: 'string', length: 40 },
    occurredAt: { type: 'datetime' },
    actor: { type: 'json' },
    source: { type: 'json' },
    subject: { type: 'json' },
    data: { type: 'json' },
    publishedAt: { type: 'datetime', nullable: true },
  },
  indexes: [{ properties: ['api', 'id'] }, { properties: ['publishedAt'] }],
});
