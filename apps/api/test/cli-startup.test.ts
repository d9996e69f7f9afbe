import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type TestDatabase } from './support/databases';
import { environmentFor, runCli, type CliResult } from './support/tessera-process';

const RECORDER = resolve(__dirname, 'fixtures/record-modules.cjs');

/**
 * The application's dependencies, slow to load (most of a command's start-up time): the CLI loads
 * them only once a command runs (src/cli/application.ts), never to show help or refuse a command
 * line or a configuration.
 */
const APPLICATION_PACKAGES = /^(@nestjs\/.*|@mikro-orm\/.*|knex|umzug|pg|better-sqlite3|bullmq|ioredis|nodemailer)$/;

// Which npm packages the built CLI loads, seen from inside the process (no timing: deterministic).
describe('tessera CLI start-up', { timeout: 60_000 }, () => {
  let db: TestDatabase;
  let runs = 0;

  beforeAll(async () => {
    db = await createSqliteDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Runs the CLI; returns its result and the npm packages it loaded. */
  async function tessera(args: string[], env: Record<string, string> = {}): Promise<{ result: CliResult; packages: string[] }> {
    const file = join(db.dir, `modules-${++runs}.json`);
    const result = await runCli(args, { ...env, NODE_OPTIONS: `--require "${RECORDER}"`, TESSERA_TEST_MODULES_FILE: file }, db.dir);
    const packages = new Set<string>();
    for (const path of JSON.parse(readFileSync(file, 'utf8')) as string[]) {
      // A file's package: the last node_modules/<name> or node_modules/@scope/<name> in its path.
      const name = [...path.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1)?.[1];
      if (name) packages.add(name);
    }
    return { result, packages: [...packages].sort() };
  }

  it.each<[string, string[], number]>([
    ['shows the help', ['--help'], 0],
    ["shows a command's help", ['accounts', 'list', '--help'], 0],
    ['refuses a missing subcommand', ['accounts'], 2],
    ['prints the version', ['--version'], 0],
    ['refuses an unknown option', ['--verbose'], 2],
    ['refuses a missing required option', ['accounts', 'list'], 2],
    ['refuses an invalid option value', ['secrets', 'add', '--api', 'my-api', '--account', 'sa_1', '--expires-at', '2027-02-30'], 2],
  ])('%s without loading the application', async (_, args, code) => {
    const { result, packages } = await tessera(args);
    expect(result.code, result.stderr).toBe(code);
    expect(packages.filter((name) => APPLICATION_PACKAGES.test(name))).toEqual([]);
  });

  it('refuses a configuration without loading the application', async () => {
    const { result, packages } = await tessera(['migrate'], { DATABASE_URL: 'mysql://localhost/tessera' });
    expect(result.code, result.stderr).toBe(78);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(packages.filter((name) => APPLICATION_PACKAGES.test(name))).toEqual([]);
  });

  // The recorder sees what a command loads once it runs (through import()): the checks above do not
  // pass merely because it misses modules loaded late.
  it('loads the application when a command runs', async () => {
    expect((await runCli(['migrate'], environmentFor(db), db.dir)).code).toBe(0);
    const { result, packages } = await tessera(['bootstrap', '--api', 'my-api', '--json'], environmentFor(db));
    expect(result.code, result.stderr).toBe(0);
    expect(packages).toEqual(expect.arrayContaining(['@nestjs/core', '@mikro-orm/core', 'nodemailer']));
  });
});
