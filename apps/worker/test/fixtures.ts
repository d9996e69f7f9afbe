import type { Store } from '@tessera/store';
import { openStore as openMigratedStore, type TestDatabase } from '@tessera/store/testing';
import { randomBytes } from 'node:crypto';

export { TEST_DATABASES as TARGETS, sha256Hasher as hasher } from '@tessera/store/testing';

/** A store on a fresh, migrated database, and how to drop that database (after closing the store). */
export async function openStore(create: () => Promise<TestDatabase>): Promise<{ store: Store; drop: () => Promise<void> }> {
  const db = await create();
  return { store: await openMigratedStore(db), drop: () => db.drop() };
}

export const random = (n: number) => randomBytes(n);
