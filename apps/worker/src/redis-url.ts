/**
 * What a REDIS_URL may be, apart from the connection (redis-connection.ts): a configuration is
 * checked without loading ioredis. The API's configuration imports this file alone
 * (`@tessera/worker/redis-url`), so that the CLI can report a bad one before loading the app.
 */
import { z } from 'zod';

/**
 * Why `url` cannot be a REDIS_URL, or null when it can: `redis://` or `rediss://` (TLS), an
 * optional user and password, a host, an optional port and an optional database number as the
 * path (`redis://user:password@cache.internal:6379/2`). Query parameters are refused rather than
 * silently ignored.
 */
export function redisUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a redis:// or rediss:// URL';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return 'must be a redis:// or rediss:// URL';
  if (!parsed.hostname) return 'must name a host, e.g. redis://cache.internal:6379';
  if (!/^(\/\d{0,5})?$/.test(parsed.pathname)) return 'the path must be a database number, e.g. redis://cache.internal:6379/2';
  if (parsed.search || parsed.hash) return 'query parameters and fragments are not supported (give the database number as the path)';
  return null;
}

/** REDIS_URL in a configuration schema (the API's and the worker's). */
export const RedisUrl = z.string().superRefine((url, ctx) => {
  const problem = redisUrlProblem(url);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
