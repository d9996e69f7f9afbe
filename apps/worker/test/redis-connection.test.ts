import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../src/config/env';
import { RedisUnavailableError, connectRedis, redisOptions, redisUrlForLogs, redisUrlProblem } from '../src';

const REDIS_URL = (process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');

describe('REDIS_URL', () => {
  it('gives every part of the URL to the connection: host, port, database, user, password, TLS', () => {
    expect(redisOptions('redis://127.0.0.1:6379/7')).toEqual({ host: '127.0.0.1', port: 6379, db: 7 });
    expect(redisOptions('rediss://alice:p%40ss%2Fw0rd@cache.internal:6380/12')).toEqual({
      host: 'cache.internal',
      port: 6380,
      db: 12,
      username: 'alice',
      password: 'p@ss/w0rd',
      tls: {},
    });
    expect(redisOptions('redis://:secret@[::1]/')).toEqual({ host: '::1', port: 6379, password: 'secret' });
    expect(redisOptions('redis://cache')).toEqual({ host: 'cache', port: 6379 });
  });

  it('refuses what it could not honour, naming the problem', () => {
    expect(redisUrlProblem('redis://cache:6379/two')).toMatch(/database number/);
    expect(redisUrlProblem('redis://cache:6379/2/x')).toMatch(/database number/);
    expect(redisUrlProblem('redis://cache:6379?db=2')).toMatch(/query parameters/);
    expect(redisUrlProblem('http://cache:6379')).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(redisUrlProblem('redis://')).not.toBeNull();
    expect(() => loadWorkerConfig({ DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://cache/two', TESSERA_PEPPER: 'p'.repeat(32) })).toThrow(/REDIS_URL: the path must be a database number/);
  });

  it('connects to the database the URL names', async () => {
    const key = `tessera-test:${randomBytes(6).toString('hex')}`;
    const client = new Redis({ ...redisOptions(`${REDIS_URL}/9`), lazyConnect: true });
    const check = new Redis(`${REDIS_URL}/9`);
    try {
      await client.connect();
      await client.set(key, '1', 'EX', 60);
      expect(await check.get(key)).toBe('1');
    } finally {
      await check.del(key);
      client.disconnect();
      check.disconnect();
    }
  });

  it('shows the URL without its password', () => {
    expect(redisUrlForLogs('rediss://alice:p%40ss@cache.internal:6380/12')).toBe('rediss://alice@cache.internal:6380/12');
    expect(redisUrlForLogs('redis://:secret@127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('reports a Redis it cannot reach, or a database it does not have, by name and without the password', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    const unreachable = connectRedis(`redis://:s3cret@127.0.0.1:${port}/9`, {}, () => undefined);
    await expect(unreachable).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(unreachable).rejects.toThrow(`Could not connect to Redis at redis://127.0.0.1:${port}/9: connect ECONNREFUSED`);
    // ioredis alone would stay on database 0 when the selection fails.
    await expect(connectRedis(`${REDIS_URL}/99999`, {}, () => undefined)).rejects.toThrow(/Could not connect to Redis at .*\/99999: ERR DB index is out of range/);
  });
});
