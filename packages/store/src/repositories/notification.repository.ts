import { raw, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { DeliveryEntity, NotificationEntity, type DeliveryRow, type NotificationRow } from '../entities';

/** Notices to security contacts and their deliveries, one per channel. */
export class NotificationRepository {
  constructor(private readonly em: EntityManager) {}

  /** The dedupe keys already used for these subjects (secrets or accounts). */
  async keysFor(subjectIds: readonly string[]): Promise<Map<string, string[]>> {
    const keys = new Map<string, string[]>();
    if (subjectIds.length === 0) return keys;
    const rows = await this.em.find(NotificationEntity, { subjectId: { $in: [...subjectIds] } }, { fields: ['subjectId', 'dedupeKey'], disableIdentityMap: true });
    for (const row of rows) keys.set(row.subjectId, [...(keys.get(row.subjectId) ?? []), row.dedupeKey]);
    return keys;
  }

  /** Whether a notice with this dedupe key exists (a read of the unique index). */
  async hasKey(dedupeKey: string): Promise<boolean> {
    return (await this.em.count(NotificationEntity, { dedupeKey })) > 0;
  }

  /**
   * Records a notice unless its dedupe key exists already (another scanner got there first).
   * Returns whether this call created it.
   */
  async insertOnce(row: NotificationRow): Promise<boolean> {
    const result = await (this.em as SqlEntityManager).createQueryBuilder(NotificationEntity).insert(row).onConflict('dedupeKey').ignore().execute('run');
    return (result as { affectedRows?: number }).affectedRows === 1;
  }

  async find(id: string): Promise<NotificationRow | null> {
    return this.em.findOne(NotificationEntity, { id }, { disableIdentityMap: true });
  }

  async insertDeliveries(rows: readonly DeliveryRow[]): Promise<void> {
    if (rows.length > 0) await this.em.insertMany(DeliveryEntity, [...rows]);
  }

  async delivery(id: string): Promise<DeliveryRow | null> {
    return this.em.findOne(DeliveryEntity, { id }, { disableIdentityMap: true });
  }

  /**
   * Pending deliveries whose next attempt is due, at most `limit`, shared between APIs: an API
   * gets what it has due up to an equal share of what is left (what one does not need goes to
   * the others), its oldest first, and the APIs are taken in turns, the one waiting longest first.
   * An API whose contacts all fail, or that has many notices at once, cannot fill every sweep and
   * hold back the notices of the others; the rest of its deliveries go out at the next sweeps.
   */
  async dueDeliveries(now: Date, limit: number): Promise<DeliveryRow[]> {
    const due = { status: 'pending', nextAttemptAt: { $lte: now } };
    const waiting = await (this.em as SqlEntityManager)
      .createQueryBuilder(DeliveryEntity)
      .select(['api', raw('count(*) as due'), raw('min(next_attempt_at) as oldest')])
      .where(due)
      .groupBy('api')
      .execute<{ api: string; due: number | string; oldest: Date | string | number }[]>('all');
    const apis = waiting
      .map((row) => ({ api: row.api, due: Number(row.due), oldest: new Date(row.oldest).getTime() }))
      .sort((a, b) => a.oldest - b.oldest || (a.api < b.api ? -1 : 1))
      .slice(0, limit);
    const shares = new Map<string, number>();
    let left = limit;
    [...apis].sort((a, b) => a.due - b.due).forEach(({ api, due: count }, index, all) => {
      const share = Math.min(count, Math.floor(left / (all.length - index)));
      shares.set(api, share);
      left -= share;
    });
    const lists: DeliveryRow[][] = [];
    for (const { api } of apis) {
      const share = shares.get(api)!;
      if (share > 0) lists.push(await this.em.find(DeliveryEntity, { ...due, api }, { orderBy: { nextAttemptAt: 'asc', id: 'asc' }, limit: share, disableIdentityMap: true }));
    }
    // In turns: each API's oldest, then each one's second oldest, …
    const fair: DeliveryRow[] = [];
    for (let rank = 0; fair.length < limit && lists.some((list) => rank < list.length); rank++) {
      for (const list of lists) if (rank < list.length) fair.push(list[rank]!);
    }
    return fair;
  }

  /**
   * Takes a pending delivery for one attempt: only one caller wins (the row moves to the next
   * attempt number and is hidden from sweeps until `leaseUntil`). Returns whether this caller won.
   */
  async claimDelivery(id: string, attempts: number, leaseUntil: Date): Promise<boolean> {
    const changed = await this.em.nativeUpdate(DeliveryEntity, { id, status: 'pending', attempts }, { attempts: attempts + 1, nextAttemptAt: leaseUntil });
    return changed === 1;
  }

  /**
   * Records the outcome of an attempt. With `claimedAttempts`, only while the row is still at that
   * attempt: a late outcome never overwrites a newer claim.
   */
  async updateDelivery(
    id: string,
    fields: Partial<Pick<DeliveryRow, 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'deliveredAt'>>,
    claimedAttempts?: number,
  ): Promise<void> {
    await this.em.nativeUpdate(DeliveryEntity, claimedAttempts === undefined ? { id } : { id, attempts: claimedAttempts }, fields);
  }
}
