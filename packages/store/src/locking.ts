import { LockMode, type EntityManager } from '@mikro-orm/core';
import { isSqlite } from './orm-config';

/**
 * Find options that lock the rows read until the transaction ends: `SELECT … FOR UPDATE` (or
 * `FOR SHARE`: others may read-lock too, nobody may change it) on PostgreSQL. SQLite has no row locks and needs none: it runs one writing transaction at a time.
 */
export function lockFor(em: EntityManager, mode: 'update' | 'share' = 'update'): { lockMode?: LockMode } {
  if (isSqlite(em)) return {};
  return { lockMode: mode === 'share' ? LockMode.PESSIMISTIC_READ : LockMode.PESSIMISTIC_WRITE };
}
