import type { EntityManager } from '@mikro-orm/core';
import { RevocationEntity, type RevocationRow } from '../entities';

/** Durable revocations; each API process also holds the live ones in memory. */
export class RevocationRepository {
  constructor(private readonly em: EntityManager) {}

  async upsert(row: RevocationRow): Promise<void> {
    await this.em.upsert(RevocationEntity, row);
  }

  async live(now: Date): Promise<RevocationRow[]> {
    return this.em.find(RevocationEntity, { expiresAt: { $gt: now } }, { disableIdentityMap: true });
  }

  /** Live revocations made at or after `since` (for processes catching up by polling). */
  async since(since: Date, now: Date): Promise<RevocationRow[]> {
    return this.em.find(RevocationEntity, { revokedAt: { $gte: since }, expiresAt: { $gt: now } }, { disableIdentityMap: true });
  }

  /** Moves a revocation's time forward (to after its commit); never backwards. */
  async restamp(id: string, revokedAt: Date): Promise<void> {
    await this.em.nativeUpdate(RevocationEntity, { id, revokedAt: { $lt: revokedAt } }, { revokedAt });
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.em.nativeDelete(RevocationEntity, { expiresAt: { $lte: now } });
  }
}
