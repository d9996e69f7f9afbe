import type { MikroORM } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, Store, WalCheckpointer, type EventRow } from './index';

const opened: MikroORM[] = [];
const checkpointers: WalCheckpointer[] = [];

afterEach(async () => {
  for (const c of checkpointers.splice(0)) await c.stop();
  for (const orm of opened.splice(0)) await orm.close(true);
});

async function sqliteFile(): Promise<{ orm: MikroORM; path: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'tessera-wal-')), 'db.sqlite');
  const orm = await openDatabase({ dialect: 'sqlite', path });
  opened.push(orm);
  await migrate(orm);
  return { orm, path };
}

async function autocheckpoint(orm: MikroORM): Promise<number> {
  const [row] = await orm.em.getConnection().execute<{ wal_autocheckpoint: number }[]>('pragma wal_autocheckpoint');
  return row!.wal_autocheckpoint;
}

const walSize = (path: string): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/** Writes `batches` audit batches of 500 token events (about 0.4 MB of log each), pausing between them. */
async function writeBatches(store: Store, batches: number): Promise<void> {
  for (let b = 0; b < batches; b += 1) {
    const at = new Date();
    const events: EventRow[] = Array.from({ length: 500 }, (_, i) => ({
      id: `evt_${b}_${i}_${randomBytes(8).toString('hex')}`,
      api: 'alpha',
      type: 'token.issued',
      occurredAt: at,
      actor: { kind: 'account', clientId: 'tci_0000000000000000000000' },
      source: { ip: '127.0.0.1', userAgent: 'wal-test' },
      subject: { accountId: 'sa_0000000000000000000000', secretId: 'sec_0000000000000000000000' },
      accountId: 'sa_0000000000000000000000',
      data: { jtis: [randomBytes(12).toString('base64url')], scope: 'a:read', expiresAt: at.toISOString(), grant: 'client_credentials' },
      publishedAt: null,
    }));
    await store.writeUsage({ events, accountsUsed: new Map(), secretsUsed: new Map() });
    await sleep(40);
  }
}

describe('WAL checkpoints on a background thread', () => {
  it('keeps the log short while the connection itself never checkpoints', async () => {
    const { orm, path } = await sqliteFile();
    const problems: string[] = [];
    const checkpointer = await WalCheckpointer.start(orm, path, { intervalMs: 20, onProblem: (m) => problems.push(m) });
    expect(checkpointer).not.toBeNull();
    checkpointers.push(checkpointer!);
    expect(await autocheckpoint(orm)).toBe(0);

    await writeBatches(new Store(orm), 25);
    await sleep(100);
    // The thread copied the log into the database file, so SQLite started the log over.
    expect(checkpointer!.progress?.checkpointed).toBeGreaterThan(0);
    expect(walSize(path)).toBeLessThan(4 * 1024 * 1024);
    expect(problems).toEqual([]);

    // Control: the same writes with automatic checkpoints off and no thread grow the log.
    const control = await sqliteFile();
    await control.orm.em.getConnection().execute('pragma wal_autocheckpoint = 0');
    await writeBatches(new Store(control.orm), 25);
    expect(walSize(control.path)).toBeGreaterThan(8 * 1024 * 1024);
  });

  it('leaves automatic checkpoints on when the thread cannot start', async () => {
    const { orm, path } = await sqliteFile();
    const problems: string[] = [];
    const checkpointer = await WalCheckpointer.start(orm, path, { driver: join(tmpdir(), 'no-such-driver.js'), onProblem: (m) => problems.push(m) });
    expect(checkpointer).toBeNull();
    expect(await autocheckpoint(orm)).toBe(1000);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SQLite checkpoints stay in the commits that need them: .*no-such-driver/);
  });

  it('turns automatic checkpoints back on when the thread dies', async () => {
    const { orm, path } = await sqliteFile();
    const problems: string[] = [];
    const checkpointer = await WalCheckpointer.start(orm, path, { onProblem: (m) => problems.push(m) });
    expect(await autocheckpoint(orm)).toBe(0);
    // White-box: end the thread the way a crash would, without stop().
    await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect.poll(() => autocheckpoint(orm)).toBe(1000);
    expect(problems).toEqual([expect.stringMatching(/^SQLite checkpoints are back in the commits that need them: the checkpoint thread exited/)]);
  });

  it('ends the thread and turns automatic checkpoints back on when checkpoints keep failing', async () => {
    const { orm, path } = await sqliteFile();
    // A driver whose checkpoints fail after the first one, as on a full disk.
    const driver = join(mkdtempSync(join(tmpdir(), 'tessera-driver-')), 'failing-driver.js');
    writeFileSync(
      driver,
      `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
       module.exports = class extends Database {
         pragma(source, options) {
           if (source.startsWith('wal_checkpoint') && (this.checkpoints = (this.checkpoints || 0) + 1) > 1) {
             throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
           }
           return super.pragma(source, options);
         }
       };`,
    );
    const problems: string[] = [];
    const checkpointer = await WalCheckpointer.start(orm, path, { driver, intervalMs: 10, onProblem: (m) => problems.push(m) });
    expect(checkpointer).not.toBeNull();
    expect(await autocheckpoint(orm)).toBe(0);
    await expect.poll(() => autocheckpoint(orm)).toBe(1000);
    expect(problems).toEqual(['SQLite checkpoints are back in the commits that need them: checkpoints failed 3 times in a row: disk I/O error']);
  });

  it('is started by the store for a SQLite file and stopped when the store closes', async () => {
    const { orm } = await sqliteFile();
    opened.pop();
    const store = new Store(orm);
    await store.checkpointInBackground();
    expect(await autocheckpoint(orm)).toBe(0);
    await store.close();

    const memory = await openDatabase({ dialect: 'sqlite', path: ':memory:' });
    const inMemory = new Store(memory);
    await inMemory.checkpointInBackground();
    expect(await autocheckpoint(memory)).toBe(1000);
    await inMemory.close();
  });
});
