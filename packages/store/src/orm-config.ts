import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { databaseUrlForLogs, type DatabaseTarget } from './database-url';
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
    // A database that does not exist is reported (DatabaseUnavailableError), never created: a
    // mistyped DATABASE_URL must not leave a new database behind, nor start a process on it.
    ensureDatabase: false,
    debug: false,
    forceUtcTimezone: true,
  } satisfies Partial<Options>;
  if (target.dialect === 'sqlite') {
    return { ...common, driver: BetterSqliteDriver, dbName: target.path } as Options;
  }
  return { ...common, driver: PostgreSqlDriver, clientUrl: target.url, pool: { min: 0, max: 10 } } as Options;
}

/**
 * The database could not be opened when a process started: the server cannot be reached, refused
 * the login, or has no database of that name. The message names the database without its password.
 */
export class DatabaseUnavailableError extends Error {
  constructor(target: DatabaseTarget, cause: unknown) {
    super(`Could not ${target.dialect === 'sqlite' ? 'open' : 'connect to'} the database at ${databaseUrlForLogs(target)}: ${reasonOf(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** PostgreSQL's SQLSTATE for a connection to a database that does not exist. */
const INVALID_CATALOG_NAME = '3D000';

/** Why the database could not be opened, in one line, with the fix when there is one to give. */
function reasonOf(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  if ((cause as { code?: unknown }).code === INVALID_CATALOG_NAME) {
    return `${cause.message}. Tessera does not create databases: create it (createdb, or CREATE DATABASE in psql), then run \`tessera migrate\`.`;
  }
  // Node reports a host name that resolves to several addresses (localhost: ::1 and 127.0.0.1),
  // all refused, as an AggregateError without a message of its own.
  if (cause.message === '' && cause instanceof AggregateError) return cause.errors.map((error) => (error instanceof Error ? error.message : String(error))).join('; ');
  return cause.message || ((cause as { code?: unknown }).code as string | undefined) || cause.name;
}

/**
 * Creates a folder and the missing folders above it (`mkdir -p`), one level at a time. Node's own
 * `mkdirSync(path, { recursive: true })` never returns for some paths where nothing can be created
 * (under `/proc`, with Node 20: it spins at full CPU), which hung the server and the CLI on a
 * mistyped DATABASE_URL; made one by one, such a folder fails with the system's error.
 */
export function makeDirectory(path: string, mode?: number): void {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      // Made meanwhile by another process (the server and the CLI starting together): fine.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Opens the database, checks that it answers, and applies connection settings. A failure is
 * reported as {@link DatabaseUnavailableError}, naming the database. A new SQLite file (and a
 * folder created for it) is readable by its owner only: it holds secret hashes and the encrypted
 * signing keys.
 */
export async function openDatabase(target: DatabaseTarget): Promise<MikroORM> {
  let orm: MikroORM | undefined;
  try {
    if (target.dialect === 'sqlite' && target.path !== ':memory:') {
      makeDirectory(dirname(target.path), 0o700);
      try {
        // An empty file is an empty database; SQLite gives its -wal and -shm files the same mode.
        closeSync(openSync(target.path, 'wx', 0o600));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    orm = await MikroORM.init(ormOptions(target));
    // MikroORM only logs (when debugging) that it could not connect: ask, and stop here if not.
    const check = await orm.checkConnection();
    if (!check.ok) throw check.error ?? new Error(check.reason);
  } catch (error) {
    await orm?.close(true).catch(() => undefined);
    throw new DatabaseUnavailableError(target, error);
  }
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
