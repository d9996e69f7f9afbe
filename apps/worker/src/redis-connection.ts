import { Redis, type RedisOptions } from 'ioredis';
import { redisUrlProblem } from './redis-url';

/**
 * The ioredis options for a REDIS_URL (checked with {@link redisUrlProblem}): host, port, database
 * number, user, password, and TLS for `rediss://`. Every Redis connection of Tessera (API, CLI,
 * worker and its BullMQ queues) is made from these, so all of them use the same database.
 */
export function redisOptions(url: string): RedisOptions {
  const problem = redisUrlProblem(url);
  if (problem) throw new Error(`REDIS_URL ${problem}`);
  const parsed = new URL(url);
  const database = parsed.pathname.slice(1);
  return {
    // An IPv6 address comes in brackets (redis://[::1]:6379); the socket wants it without.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(database ? { db: Number(database) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A REDIS_URL as it may appear in a message or a log line: without its password. */
export function redisUrlForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an invalid REDIS_URL)';
  }
}

/** Redis could not be reached, or refused the connection, when a process started. */
export class RedisUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`Could not connect to Redis at ${redisUrlForLogs(url)}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RedisUnavailableError';
  }
}

/**
 * Opens a connection for a REDIS_URL and waits until it is ready on the URL's database. A first
 * connection that fails is closed at once (ioredis would otherwise retry for ever, keeping the
 * process alive) and reported as {@link RedisUnavailableError}; `onError` sees only what happens
 * once connected, when ioredis reconnects by itself.
 */
export async function connectRedis(url: string, options: RedisOptions, onError: (error: Error) => void): Promise<Redis> {
  const settings = { ...redisOptions(url), ...options, lazyConnect: true };
  const client = new Redis(settings);
  let firstError: Error | undefined;
  const remember = (error: Error): void => {
    firstError ??= error;
  };
  client.on('error', remember);
  try {
    await client.connect();
    // ioredis selects the database in the background and stays on database 0 when that fails
    // (an index the server does not have): select it again, and see the answer.
    if (settings.db) await client.select(settings.db);
  } catch (error) {
    client.disconnect();
    // The first error says why ("connect ECONNREFUSED …", "WRONGPASS …"); connect() itself only
    // rejects with "Connection is closed."
    throw new RedisUnavailableError(url, firstError ?? error);
  } finally {
    client.off('error', remember);
  }
  client.on('error', onError);
  return client;
}
