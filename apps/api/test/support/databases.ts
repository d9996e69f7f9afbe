import { Client } from 'pg';
import { createPostgresDatabase, createSqliteDatabase, type TestDatabase } from '@tessera/store/testing';

export { createPostgresDatabase, createSqliteDatabase, openStore, TEST_DATABASE_URL, type TestDatabase } from '@tessera/store/testing';

/** Redis the distributed-mode tests use. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

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
