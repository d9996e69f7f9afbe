import type { Redis } from 'ioredis';

/** A failure window after counting one more failure. */
export interface FailureWindow {
  readonly count: number;
  /** When the window ends (ms since the epoch). */
  readonly resetAt: number;
}

/** Counts failed authentications per key in fixed windows. */
export interface FailureCounter {
  fail(key: string, windowSeconds: number): Promise<FailureWindow>;
}

/** Embedded mode: counters in this process. */
export class MemoryFailureCounter implements FailureCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async fail(key: string, windowSeconds: number): Promise<FailureWindow> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetAt: window.resetAt };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/**
 * Distributed mode: counters in Redis, shared by every API process of the deployment (keys
 * `tessera:<namespace>:fail:…`, see `redisNamespace`), and by no other deployment on that Redis.
 */
export class RedisFailureCounter implements FailureCounter {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  async fail(key: string, windowSeconds: number): Promise<FailureWindow> {
    const redisKey = `tessera:${this.namespace}:fail:${key}`;
    const results = await this.redis.multi().incr(redisKey).pexpire(redisKey, windowSeconds * 1000, 'NX').pttl(redisKey).exec();
    const count = Number(results?.[0]?.[1] ?? 1);
    const ttl = Number(results?.[2]?.[1] ?? windowSeconds * 1000);
    return { count, resetAt: Date.now() + Math.max(ttl, 0) };
  }
}
