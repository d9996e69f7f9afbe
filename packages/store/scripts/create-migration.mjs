// Generates a migration for each dialect from the entity schemas, against a scratch database:
//   npm run migration:create -w @tessera/store            (PostgreSQL from TEST_DATABASE_URL or the local `test` database)
// Add the new classes to src/migrations/index.ts afterwards.
import { MikroORM } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const initial = process.argv.includes('--initial');
const { ENTITIES } = require('../dist/entities/index.js');
const { MIGRATIONS } = initial ? { MIGRATIONS: {} } : require('../dist/migrations/index.js');


const targets = [
  { dialect: 'sqlite', driver: BetterSqliteDriver, dbName: join(mkdtempSync(join(tmpdir(), 'tessera-mig-')), 'scratch.sqlite') },
  { dialect: 'postgresql', driver: PostgreSqlDriver, clientUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
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
  if (!initial) await migrator.down({ to: 0 });
  await orm.close(true);
}
