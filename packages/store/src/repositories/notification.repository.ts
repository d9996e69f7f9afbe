import type { EntityManager } from '@mikro-orm/core';
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

  /** Pending deliveries whose next attempt is due, oldest first. */
  async dueDeliveries(now: Date, limit: number): Promise<DeliveryRow[]> {
    return this.em.find(DeliveryEntity, { status: 'pending', nextAttemptAt: { $lte: now } }, { orderBy: { nextAttemptAt: 'asc' }, limit, disableIdentityMap: true });
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
