import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { SecretHasher } from '@tessera/domain';
import type { DatabaseTarget } from './database-url';
import { migrate, openDatabase } from './orm-config';
import { Store } from './store';

/**
 * Databases for the test suites of Tessera's workspaces (`@tessera/store/testing`): a new SQLite
 * file, or a new database on a PostgreSQL server, each dropped after its suite. Not for production
 * code, which a dependency rule enforces (`npm run lint`): its hasher has no pepper.
 */

/** The PostgreSQL server test databases are created on (the machine's own, by default). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database for one test suite. */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgresql';
  /** As `DATABASE_URL` takes it. */
  readonly url: string;
  readonly target: DatabaseTarget;
  /** A new folder for the suite's files; a SQLite database is `data/tessera.sqlite` in it. */
  readonly dir: string;
  /** Drops a PostgreSQL database (close its connections first); nothing for SQLite. */
  drop(): Promise<void>;
}

export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const path = join(dir, 'data', 'tessera.sqlite');
  return { kind: 'sqlite', url: `sqlite:${path}`, target: { dialect: 'sqlite', path }, dir, drop: async () => {} };
}

/** A new database on the test server; `options` are CREATE DATABASE's (a locale, say). */
export async function createPostgresDatabase(options = ''): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name} ${options}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'postgresql',
    url: url.toString(),
    target: { dialect: 'postgresql', url: url.toString() },
    dir,
    drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The two kinds of database every suite that touches one runs against. */
export const TEST_DATABASES = [
  { name: 'SQLite', create: createSqliteDatabase },
  { name: 'PostgreSQL', create: () => createPostgresDatabase() },
] as const;

async function onServer(statement: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The store of a test database, its schema migrated. */
export async function openStore(db: TestDatabase): Promise<Store> {
  const orm = await openDatabase(db.target);
  await migrate(orm);
  return new Store(orm);
}

/** A plain SHA-256 hasher (no pepper, for tests of the store and the worker), compared in constant time. */
export const sha256Hasher: SecretHasher = {
  hash: (plaintext) => createHash('sha256').update(plaintext).digest('hex'),
  matches: (plaintext, hash) => {
    const computed = createHash('sha256').update(plaintext).digest();
    const stored = Buffer.from(hash, 'hex');
    return computed.length === stored.length && timingSafeEqual(computed, stored);
  },
};
