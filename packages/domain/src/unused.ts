import { MS_PER_DAY } from './time.js';

/**
 * Items (accounts or secrets) not used for `unusedAfterDays`: those whose last use — or creation,
 * if never used — is at or before `now - unusedAfterDays` days. Order is kept.
 */
export function findUnused<T extends { readonly createdAt: Date; readonly lastUsedAt: Date | null }>(
  items: readonly T[],
  unusedAfterDays: number,
  now: Date,
): T[] {
  const cutoff = now.getTime() - unusedAfterDays * MS_PER_DAY;
  return items.filter((item) => (item.lastUsedAt ?? item.createdAt).getTime() <= cutoff);
}
