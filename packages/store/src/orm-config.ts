import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseTarget } from './database-url';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** MikroORM options for a target; one entity set and one migration list per dialect. */
export function ormOptions(target: DatabaseTarget): Options {
  const common = {
    entities: ENTITIES,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList: MIGRATIONS[target.dialect],
      tableName: 'tessera_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    allowGlobalContext: false,
    debug: false,
    forceUtcTimezone: true,
  } satisfies Partial<Options>;
  if (target.dialect === 'sqlite') {
    return { ...common, driver: BetterSqliteDriver, dbName: target.path } as Options;
  }
  return { ...common, driver: PostgreSqlDriver, clientUrl: target.url, pool: { min: 0, max: 10 } } as Options;
}

/**
 * Opens the database and applies connection settings. A new SQLite file (and a folder created
 * for it) is readable by its owner only: it holds secret hashes and the encrypted signing keys.
 */
export async function openDatabase(target: DatabaseTarget): Promise<MikroORM> {
  if (target.dialect === 'sqlite' && target.path !== ':memory:') {
    mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
    try {
      // An empty file is an empty database; SQLite gives its -wal and -shm files the same mode.
      closeSync(openSync(target.path, 'wx', 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const orm = await MikroORM.init(ormOptions(target));
  if (target.dialect === 'sqlite') {
    const connection = orm.em.getConnection();
    // WAL lets the CLI and the server use one file at once; the busy timeout waits out short locks.
    await connection.execute('pragma journal_mode = WAL');
    await connection.execute('pragma busy_timeout = 5000');
    await connection.execute('pragma synchronous = NORMAL');
  }
  return orm;
}

/** Whether `orm` (or one of its entity managers) talks to SQLite (rather than PostgreSQL). */
export function isSqlite(orm: Pick<MikroORM, 'config'>): boolean {
  return (orm.config.get('driver')?.name ?? '').toLowerCase().includes('sqlite');
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.map((m) => m.name);
}

/** The database's schema is behind the code: `tessera migrate` has not been run since an upgrade. */
export class PendingMigrationsError extends Error {
  constructor(readonly names: readonly string[]) {
    super(`The database schema is not up to date (${names.length} pending migration(s)): run \`tessera migrate\` first.`);
    this.name = 'PendingMigrationsError';
  }
}

/** Refuses, with PendingMigrationsError, a database whose schema is behind the code. */
export async function assertSchemaCurrent(orm: MikroORM): Promise<void> {
  const pending = await pendingMigrations(orm);
  if (pending.length > 0) throw new PendingMigrationsError(pending);
}
