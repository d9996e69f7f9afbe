import { LockMode, type EntityManager } from '@mikro-orm/core';

/**
 * Find options that lock the rows read until the transaction ends: `SELECT … FOR UPDATE` on
 * PostgreSQL. SQLite has no row locks and needs none: it runs one writing transaction at a time.
 */
export function lockFor(em: EntityManager): { lockMode?: LockMode } {
  return em.getPlatform().constructor.name.toLowerCase().includes('sqlite') ? {} : { lockMode: LockMode.PESSIMISTIC_WRITE };
}
