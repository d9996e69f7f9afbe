import { KeyEncryption } from '@tessera/store';
import { createPostgresDatabase, openStore, type TestDatabase } from '@tessera/store/testing';
import { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Not Redis's default database 0, so that a worker ignoring the number is caught. */
const REDIS_DB = 9;
const MAIN = resolve(__dirname, '../dist/main.js');
const QUEUE_KEYS = ['bull:tessera-reminders:*', 'bull:tessera-deliveries:*'];

/** A worker process started from the built code, as `npm start -w @tessera/worker` does. */
interface WorkerProcess {
  output(): string;
  /** Resolves with the exit code (null when it had to be killed after `timeoutMs`). */
  readonly exited: Promise<{ code: number | null; timedOut: boolean }>;
  stop(): Promise<number | null>;
}

function startWorker(env: Record<string, string>, timeoutMs = 20_000): WorkerProcess {
  const inherited = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'TESSERA_PEPPER', 'NODE_OPTIONS', 'VITEST', 'VITEST_WORKER_ID', 'VITEST_POOL_ID']) delete inherited[key];
  const child = spawn(process.execPath, [MAIN], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exited = new Promise<{ code: number | null; timedOut: boolean }>((done) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, timedOut });
    }),
  );
  return {
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return (await exited).code;
    },
  };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function deleteKeys(redis: Redis, patterns: readonly string[]): Promise<void> {
  for (const pattern of patterns) {
    const keys = await redis.keys(pattern);
    if (keys.length > 0) await redis.del(...keys);
  }
}

describe('the worker process', () => {
  let db: TestDatabase;
  let databaseUrl: string;
  const pepper = randomBytes(32).toString('hex');
  const redisUrl = `${REDIS_URL.replace(/\/\d*$/, '')}/${REDIS_DB}`;
  let redis: Redis;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    databaseUrl = db.url;
    await (await openStore(db)).close();
    redis = new Redis(redisUrl);
  });

  afterAll(async () => {
    if (redis) {
      await deleteKeys(redis, QUEUE_KEYS);
      redis.disconnect();
    }
    await db?.drop();
  });

  it('keeps its queues and the scan schedule in the Redis database REDIS_URL names', async () => {
    await deleteKeys(redis, QUEUE_KEYS);
    const worker = startWorker({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, TESSERA_PEPPER: pepper, TESSERA_SCAN_INTERVAL_SECONDS: '3600' });
    try {
      await vi.waitFor(() => expect(worker.output()).toContain('Tessera worker started'), { timeout: 15_000, interval: 100 });
      expect(await redis.exists('bull:tessera-reminders:repeat:expiry-scan')).toBe(1);
    } finally {
      const code = await worker.stop();
      expect(code, worker.output()).toBe(0);
    }
  });

  it('exits with code 1, naming Redis and its URL without the password, when Redis cannot be reached', async () => {
    const port = await closedPort();
    const worker = startWorker({ DATABASE_URL: databaseUrl, REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}/9`, TESSERA_PEPPER: pepper }, 15_000);
    const { code, timedOut } = await worker.exited;
    expect(timedOut, `the worker did not exit by itself:\n${worker.output()}`).toBe(false);
    expect(code).toBe(1);
    expect(worker.output()).toContain(`Tessera worker could not start: Could not connect to Redis at redis://127.0.0.1:${port}/9: connect ECONNREFUSED`);
    expect(worker.output()).not.toContain('s3cret-pass');
  });

  it('exits with code 1, naming the database and its URL without the password, when PostgreSQL cannot be reached', async () => {
    const port = await closedPort();
    const worker = startWorker({ DATABASE_URL: `postgres://tessera:s3cret-pass@127.0.0.1:${port}/tessera`, REDIS_URL: redisUrl, TESSERA_PEPPER: pepper }, 15_000);
    const { code, timedOut } = await worker.exited;
    expect(timedOut, `the worker did not exit by itself:\n${worker.output()}`).toBe(false);
    expect(code).toBe(1);
    expect(worker.output()).toContain(`Tessera worker could not start: Could not connect to the database at postgres://tessera@127.0.0.1:${port}/tessera: connect ECONNREFUSED`);
    expect(worker.output()).not.toContain('s3cret-pass');
  });

  it('exits with code 1 and names the fix when the database schema is not up to date', async () => {
    const empty = await createPostgresDatabase();
    try {
      const worker = startWorker({ DATABASE_URL: empty.url, REDIS_URL: redisUrl, TESSERA_PEPPER: pepper }, 15_000);
      const { code, timedOut } = await worker.exited;
      expect(timedOut, `the worker did not exit by itself:\n${worker.output()}`).toBe(false);
      expect(code).toBe(1);
      expect(worker.output()).toMatch(/Tessera worker could not start: The database schema is not up to date \(\d+ pending migration\(s\)\): run `tessera migrate` first\./);
    } finally {
      await empty.drop();
    }
  });

  it('exits with code 1 and names the pepper as the cause when what the database holds was sealed under another one', async () => {
    const sealedDb = await createPostgresDatabase();
    const otherPepper = randomBytes(32).toString('hex');
    const store = await openStore(sealedDb);
    /** Starts a worker with `withPepper` on this database and waits for it to exit by itself. */
    const refusal = async (withPepper: string): Promise<string> => {
      const worker = startWorker({ DATABASE_URL: sealedDb.url, REDIS_URL: redisUrl, TESSERA_PEPPER: withPepper }, 15_000);
      const { code, timedOut } = await worker.exited;
      expect(timedOut, `the worker did not exit by itself:\n${worker.output()}`).toBe(false);
      expect(code, worker.output()).toBe(1);
      expect(worker.output()).not.toContain('Tessera worker started');
      expect(worker.output()).not.toContain(pepper);
      expect(worker.output()).not.toContain(otherPepper);
      return worker.output();
    };
    try {
      // What an API process's first start leaves: a signing key sealed under the API's pepper.
      const sealer = (purpose: 'signing-key-encryption' | 'webhook-secret-encryption') => new KeyEncryption(Buffer.from(pepper, 'utf8'), purpose);
      await store.session().signingKeys.insert({ id: 'key_0000000000000000000001', alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' }, encryptedPrivateKey: sealer('signing-key-encryption').encrypt('{"d":"private"}'), createdAt: new Date(), retiredAt: null });
      expect(await refusal(otherPepper)).toContain(
        'Tessera worker could not start: The signing keys in the database were encrypted with another pepper than this TESSERA_PEPPER: start Tessera with the TESSERA_PEPPER the database was created with.',
      );
      // Once a webhook contact exists, its signing secret is what the deliveries open: that is checked.
      await store.session().channels.insert({ id: 'ch_1', api: 'shop', kind: 'webhook', target: 'https://hooks.example/tessera', encryptedSecret: sealer('webhook-secret-encryption').encrypt('whsec_x'), previousEncryptedSecret: null, previousSecretExpiresAt: null, createdAt: new Date() });
      expect(await refusal(otherPepper)).toContain(
        'Tessera worker could not start: The webhook signing secrets in the database were encrypted with another pepper than this TESSERA_PEPPER: start Tessera with the TESSERA_PEPPER the database was created with.',
      );
      // The API's pepper opens them: the worker starts.
      const worker = startWorker({ DATABASE_URL: sealedDb.url, REDIS_URL: redisUrl, TESSERA_PEPPER: pepper, TESSERA_SCAN_INTERVAL_SECONDS: '3600' });
      try {
        await vi.waitFor(() => expect(worker.output()).toContain('Tessera worker started'), { timeout: 15_000, interval: 100 });
      } finally {
        expect(await worker.stop(), worker.output()).toBe(0);
      }
    } finally {
      await store.close();
      await sealedDb.drop();
    }
  });

  it('refuses to start without its variables with exit code 78, naming each one', async () => {
    const worker = startWorker({});
    const { code } = await worker.exited;
    expect(code).toBe(78);
    const output = worker.output();
    expect(output).toContain('DATABASE_URL: required');
    expect(output).toContain('REDIS_URL: required');
    expect(output).toContain('TESSERA_PEPPER: required');
    expect(output).not.toContain('received undefined');
  });
});
