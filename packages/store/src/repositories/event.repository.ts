import type { EntityManager } from '@mikro-orm/core';
import { EventEntity, type EventRow } from '../entities';

/** The audit trail / outbox. Rows are appended in the transaction of the change they record. */
export class EventRepository {
  constructor(private readonly em: EntityManager) {}

  async append(events: readonly EventRow[]): Promise<void> {
    if (events.length > 0) await this.em.insertMany(EventEntity, [...events]);
  }

  /** The events of one API, newest first, optionally filtered by subject account. */
  async list(api: string, query: { limit: number; before?: string; type?: string; accountId?: string }): Promise<EventRow[]> {
    const where: Record<string, unknown> = { api };
    if (query.before) where.id = { $lt: query.before };
    if (query.type) where.type = query.type;
    if (query.accountId) where.accountId = query.accountId;
    return this.em.find(EventEntity, where, { orderBy: { id: 'desc' }, limit: query.limit + 1, disableIdentityMap: true });
  }

  async unpublished(limit: number): Promise<EventRow[]> {
    return this.em.find(EventEntity, { publishedAt: null }, { orderBy: { id: 'asc' }, limit, disableIdentityMap: true });
  }

  async markPublished(ids: readonly string[], at: Date): Promise<void> {
    if (ids.length > 0) await this.em.nativeUpdate(EventEntity, { id: { $in: [...ids] } }, { publishedAt: at });
  }
}
