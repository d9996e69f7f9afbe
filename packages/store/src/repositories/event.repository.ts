import { raw, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { EventEntity, type EventRow } from '../entities';
import { isSqlite } from '../orm-config';

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

  /**
   * How many tokens one account was issued since a time: the ids its `token.issued` events list.
   * An event of the form before `jtis` (one `jti`, still written by a process not yet upgraded)
   * counts as one.
   */
  async countTokensIssued(api: string, accountId: string, since: Date): Promise<number> {
    const listed = isSqlite(this.em) ? "coalesce(json_array_length(data, '$.jtis'), 1)" : "coalesce(jsonb_array_length(data -> 'jtis'), 1)";
    const row = await (this.em as SqlEntityManager)
      .createQueryBuilder(EventEntity)
      .select(raw(`coalesce(sum(${listed}), 0) as tokens`))
      .where({ api, accountId, type: 'token.issued', occurredAt: { $gte: since } })
      .execute<{ tokens: number | string }>('get');
    return Number(row.tokens);
  }
}
