// Generates a migration for each dialect from the entity schemas, against scratch databases (a
// temporary SQLite file, and a PostgreSQL database created on the server of TEST_DATABASE_URL —
// default the local one — and dropped afterwards):
//   npm run migration:create -w @tessera/store
// Add the new classes to src/migrations/index.ts afterwards.
import { MikroORM } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const initial = process.argv.includes('--initial');
const { ENTITIES } = require('../dist/entities/index.js');
const { MIGRATIONS } = initial ? { MIGRATIONS: {} } : require('../dist/migrations/index.js');


const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const scratchName = `tessera_migration_scratch_${randomBytes(4).toString('hex')}`;
const admin = async (sql) => {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};
await admin(`CREATE DATABASE ${scratchName}`);
const scratchUrl = new URL(server);
scratchUrl.pathname = `/${scratchName}`;
const targets = [
  { dialect: 'sqlite', driver: BetterSqliteDriver, dbName: join(mkdtempSync(join(tmpdir(), 'tessera-mig-')), 'scratch.sqlite') },
  { dialect: 'postgresql', driver: PostgreSqlDriver, clientUrl: scratchUrl.toString() },
];
for (const { dialect, ...options } of targets) {
  const orm = await MikroORM.init({
    ...options,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: {
      path: resolve(import.meta.dirname, '../src/migrations', dialect),
      emit: 'ts',
      snapshot: false,
      tableName: 'tessera_migrations_scratch',
      migrationsList: initial ? [] : MIGRATIONS[dialect],
    },
  });
  const migrator = orm.getMigrator();
  if (!initial) await migrator.up();
  const result = await migrator.createMigration(undefined, false, initial);
  console.log(dialect, result.fileName || '(no changes)');
  await orm.close(true);
}
await admin(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
