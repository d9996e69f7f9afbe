import type { Redis } from 'ioredis';

/** Counts failed authentications per key in fixed windows; blocks a key past its limit. */
export interface FailureCounter {
  /** Seconds until the key may try again, or 0 when it is not blocked. */
  retryAfter(key: string, limit: number): Promise<number>;
  /** Counts a failure. */
  fail(key: string, windowSeconds: number): Promise<void>;
}

/** Embedded mode: counters in this process. */
export class MemoryFailureCounter implements FailureCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async retryAfter(key: string, limit: number): Promise<number> {
    const window = this.windows.get(key);
    if (!window) return 0;
    const now = this.now();
    if (window.resetAt <= now) {
      this.windows.delete(key);
      return 0;
    }
    return window.count >= limit ? Math.ceil((window.resetAt - now) / 1000) : 0;
  }

  async fail(key: string, windowSeconds: number): Promise<void> {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      this.windows.set(key, { count: 1, resetAt: now + windowSeconds * 1000 });
    } else {
      window.count += 1;
    }
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** Distributed mode: counters in Redis, shared by every API process. */
export class RedisFailureCounter implements FailureCounter {
  constructor(private readonly redis: Redis) {}

  async retryAfter(key: string, limit: number): Promise<number> {
    const [count, ttl] = await this.redis.multi().get(`tessera:fail:${key}`).pttl(`tessera:fail:${key}`).exec().then((r) => r?.map(([, v]) => v) ?? []);
    if (count === null || count === undefined || Number(count) < limit) return 0;
    return Math.max(1, Math.ceil(Number(ttl) / 1000));
  }

  async fail(key: string, windowSeconds: number): Promise<void> {
    const redisKey = `tessera:fail:${key}`;
    const results = await this.redis.multi().incr(redisKey).pttl(redisKey).exec();
    const ttl = Number(results?.[1]?.[1] ?? -1);
    if (ttl < 0) await this.redis.pexpire(redisKey, windowSeconds * 1000);
  }
}
