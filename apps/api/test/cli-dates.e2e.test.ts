import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type TestDatabase } from './support/databases';
import { environmentFor, runCli } from './support/tessera-process';

// The CLI alone, against an embedded database: no server is needed to parse and apply dates.
describe('tessera CLI dates', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let accountId: string;

  /** Runs the CLI on a machine whose time zone is not UTC. */
  const tessera = (...args: string[]) => runCli(args, env, db.dir);

  beforeAll(async () => {
    db = await createSqliteDatabase();
    env = environmentFor(db, { TZ: 'Asia/Tokyo' });
    expect((await tessera('migrate')).code).toBe(0);
    const bootstrap = await tessera('bootstrap', '--api', 'tz-api', '--json');
    expect(bootstrap.code, bootstrap.stderr).toBe(0);
    accountId = bootstrap.json<{ accountId: string }>().accountId;
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('reads a date-time with its time zone, and a date alone as midnight UTC, whatever the machine\'s zone', async () => {
    const zoned = await tessera('secrets', 'add', '--api', 'tz-api', '--account', accountId, '--expires-at', '2028-01-31T09:00:00+09:00', '--json');
    expect(zoned.code, zoned.stderr).toBe(0);
    expect(zoned.json()).toMatchObject({ expiresAt: '2028-01-31T00:00:00.000Z' });
    const day = await tessera('secrets', 'add', '--api', 'tz-api', '--account', accountId, '--expires-at', '2028-02-29', '--json');
    expect(day.code, day.stderr).toBe(0);
    expect(day.json()).toMatchObject({ expiresAt: '2028-02-29T00:00:00.000Z' });
  });

  it('refuses, as the HTTP API does, a time without a zone and a day that does not exist, changing nothing', async () => {
    const before = await tessera('secrets', 'list', '--api', 'tz-api', '--account', accountId, '--json');
    for (const args of [
      ['secrets', 'add', '--api', 'tz-api', '--account', accountId, '--expires-at', '2028-01-31T09:00:00'],
      ['secrets', 'add', '--api', 'tz-api', '--account', accountId, '--expires-at', '2028-02-30T00:00:00Z'],
      ['secrets', 'add', '--api', 'tz-api', '--account', accountId, '--expires-at', '2027-02-29'],
      ['secrets', 'rotate', '--api', 'tz-api', '--account', accountId, '--disable-others-after', '2028-01-31 09:00'],
    ]) {
      const result = await tessera(...args);
      expect({ args: args.join(' '), code: result.code }).toEqual({ args: args.join(' '), code: 2 });
      expect(result.stderr).toMatch(/--expires-at|--disable-others-after/);
    }
    expect((await tessera('secrets', 'list', '--api', 'tz-api', '--account', accountId, '--json')).stdout).toBe(before.stdout);
  });

  it('refuses an instant outside the years 0001 to 9999 in UTC, saying so (of a date alone as a date) rather than calling it malformed', async () => {
    const result = await tessera('secrets', 'rotate', '--api', 'tz-api', '--account', accountId, '--disable-others-after', '9999-12-31T23:59:59-01:00');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a date-time from the year 0001 to 9999 (UTC)');
    // A date alone is named a date.
    const yearZero = await tessera('secrets', 'add', '--api', 'tz-api', '--account', accountId, '--expires-at', '0000-06-01');
    expect(yearZero.code).toBe(2);
    expect(yearZero.stderr).toContain("argument '0000-06-01' is invalid. expected a date from the year 0001 to 9999 (UTC)");
  });
});
