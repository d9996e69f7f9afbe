import type { SecretHasher } from '@tessera/domain';
import { Store, migrate, openDatabase, type DatabaseTarget } from '@tessera/store';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh database, and how to drop it. */
export interface TestDatabase {
  readonly target: DatabaseTarget;
  drop(): Promise<void>;
}

async function postgresTarget(): Promise<TestDatabase> {
  const name = `tessera_worker_${randomBytes(5).toString('hex')}`;
  const run = async (sql: string) => {
    const c = new Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { target: { dialect: 'postgresql', url: url.toString() }, drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The two databases every worker test runs on. */
export const TARGETS: { name: 'SQLite' | 'PostgreSQL'; open: () => Promise<TestDatabase> }[] = [
  { name: 'SQLite', open: async () => ({ target: { dialect: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'tessera-worker-')), 'db.sqlite') }, drop: async () => {} }) },
  { name: 'PostgreSQL', open: postgresTarget },
];

/** A store on a fresh, migrated database, and how to drop that database (after closing the store). */
export async function openStore(open: () => Promise<TestDatabase>): Promise<{ store: Store; drop: () => Promise<void> }> {
  const opened = await open();
  const orm = await openDatabase(opened.target);
  await migrate(orm);
  return { store: new Store(orm), drop: opened.drop };
}

export const random = (n: number) => randomBytes(n);

/** A plain SHA-256 hasher: the tests need no pepper. */
export const hasher: SecretHasher = {
  hash: (p) => createHash('sha256').update(p).digest('hex'),
  matches: (p, h) => createHash('sha256').update(p).digest('hex') === h,
};
