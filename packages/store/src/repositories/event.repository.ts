import type { EntityManager } from '@mikro-orm/core';
import { EventEntity, type EventRow } from '../entities';

/** The audit trail / outbox. Rows are appended in the transaction of the change they record. */
export class EventRepository {
  constructor(private readonly em: EntityManager) {}

  async append(events: readonly EventRow[]): Promise<void> {
    if (events.length > 0) await this.em.insertMany(EventEntity, [...events]);
  }

  /**
   * The events of one API, newest first (ids sort by time), optionally filtered by type, subject
   * account and time range. One row more than `limit`, so the caller knows whether more follow.
   */
  async list(api: string, query: { limit: number; before?: string; type?: string; accountId?: string; since?: Date; until?: Date }): Promise<EventRow[]> {
    const where: Record<string, unknown> = { api };
    if (query.before) where.id = { $lt: query.before };
    if (query.type) where.type = query.type;
    if (query.accountId) where.accountId = query.accountId;
    if (query.since || query.until) {
      where.occurredAt = { ...(query.since ? { $gte: query.since } : {}), ...(query.until ? { $lt: query.until } : {}) };
    }
    return this.em.find(EventEntity, where, { orderBy: { id: 'desc' }, limit: query.limit + 1, disableIdentityMap: true });
  }

  /** How many events of a type one account has had since a time. */
  async count(api: string, accountId: string, type: string, since: Date): Promise<number> {
    return this.em.count(EventEntity, { api, accountId, type, occurredAt: { $gte: since } });
  }
}
