import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate, openDatabase, parseDatabaseUrl, Store, type DatabaseTarget } from '@tessera/store';

/** PostgreSQL server the tests create their databases on (the machine's own, by default). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Redis the distributed-mode tests use. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A database for one test suite, dropped afterwards. */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgresql';
  readonly url: string;
  /** Folder for files of this suite (SQLite file, pepper, logs). */
  readonly dir: string;
  drop(): Promise<void>;
}

export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  return { kind: 'sqlite', url: `sqlite:${join(dir, 'data', 'tessera.sqlite')}`, dir, drop: async () => {} };
}

export async function createPostgresDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  await admin(async (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'postgresql',
    url: url.toString(),
    dir,
    drop: async () => {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The two targets every end-to-end suite runs against. */
export const TARGETS = [
  { name: 'SQLite (embedded)', create: createSqliteDatabase, redis: false },
  { name: 'PostgreSQL + Redis (distributed)', create: createPostgresDatabase, redis: true },
] as const;

/** Runs one SQL statement on a test database (`?` placeholders); returns the rows. */
export async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  if (db.kind === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const connection = new Database(db.url.slice('sqlite:'.length));
    try {
      const statement = connection.prepare(text);
      const values = params.map((p) => (p instanceof Date ? p.getTime() : typeof p === 'boolean' ? Number(p) : p));
      return (statement.reader ? statement.all(...values) : (statement.run(...values), [])) as T[];
    } finally {
      connection.close();
    }
  }
  let index = 0;
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text.replace(/\?/g, () => `$${++index}`), params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The store of a test database, its schema migrated (for tests of services without a server). */
export async function openStore(db: TestDatabase): Promise<Store> {
  const orm = await openDatabase(parseDatabaseUrl(db.url) as DatabaseTarget);
  await migrate(orm);
  return new Store(orm);
}

/** The token ids a `token.issued` event's `data` column lists (JSON text on SQLite, jsonb on PostgreSQL). */
export function jtisOf(data: unknown): string[] {
  return (typeof data === 'string' ? JSON.parse(data) : (data as { jtis: string[] })).jtis;
}

/** Every row of every Tessera table as text: what a leak scan of the database reads. */
export async function dumpDatabase(db: TestDatabase): Promise<string> {
  const tables = ['api', 'service_account', 'secret', 'signing_key', 'event', 'revocation', 'document', 'alert_channel', 'notification', 'delivery'];
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify(await sql(db, `select * from ${table}`)));
  if (db.kind === 'sqlite') {
    const { readFileSync, existsSync } = await import('node:fs');
    const file = db.url.slice('sqlite:'.length);
    for (const f of [file, `${file}-wal`]) if (existsSync(f)) parts.push(readFileSync(f).toString('latin1'));
  }
  return parts.join('\n');
}
