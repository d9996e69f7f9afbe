import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidationBus } from '../cluster/invalidation-bus';
import { CONFIG } from '../common/tokens';
import type { Config } from '../config/env';
import type { FailureCounter } from './failure-throttle';

export const FAILURE_COUNTER = Symbol('FAILURE_COUNTER');
/** Blocked keys kept in memory at most; beyond it, expired blocks go first, then client IDs'. */
export const MAX_BLOCKED = 100_000;

/**
 * Throttles failed authentications per client ID and per address: past its limit in a window, an
 * address gets 429 with Retry-After for every attempt until the window ends, and a client ID gets
 * 429 instead of 401 for its failed attempts (never for its right secret). Failures
 * are counted in memory (embedded) or Redis (distributed); a key that crosses its limit is
 * announced to every process, so checking a request is a local look-up, not a Redis round trip.
 */
@Injectable()
export class FailureThrottle {
  private readonly logger = new Logger(FailureThrottle.name);
  private readonly blocked = new Map<string, number>();

  constructor(
    @Inject(FAILURE_COUNTER) private readonly counter: FailureCounter,
    private readonly bus: InvalidationBus,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    bus.onMessage((message) => {
      if (message.type === 'throttled') this.block(message.key, message.until);
    });
  }

  /** Seconds until the address may try again; 0 when it is not blocked. */
  addressRetryAfter(ip: string | null): number {
    return ip ? this.retryAfter(`ip:${ip}`) : 0;
  }

  /** Seconds until failures of this client ID stop being answered with 429; 0 when not blocked. */
  clientRetryAfter(clientId: string): number {
    return this.retryAfter(clientKey(clientId));
  }

  private retryAfter(key: string): number {
    if (this.blocked.size === 0) return 0;
    const now = Date.now();
    const until = this.until(key, now);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /**
   * Counts one failure of this client ID and this address. Without a client ID (a leak report's
   * unknown secret names none), only the address's.
   */
  async fail(clientId: string | null, ip: string | null): Promise<void> {
    const { perClient, perAddress, windowSeconds } = this.config.throttle;
    const keys: [string, number][] = clientId === null ? [] : [[clientKey(clientId), perClient]];
    if (ip) keys.push([`ip:${ip}`, perAddress]);
    await Promise.all(
      keys.map(async ([key, limit]) => {
        try {
          const window = await this.counter.fail(key, windowSeconds);
          if (window.count === limit) await this.bus.publish({ type: 'throttled', key, until: window.resetAt });
          else if (window.count > limit) this.block(key, window.resetAt);
        } catch (error) {
          this.logger.warn(`Counting a failed authentication failed: ${String(error)}`);
        }
      }),
    );
  }

  private until(key: string, now: number): number {
    const until = this.blocked.get(key);
    if (until === undefined) return 0;
    if (until <= now) this.blocked.delete(key);
    return until;
  }

  private block(key: string, until: number): void {
    if (this.blocked.size >= MAX_BLOCKED && !this.blocked.has(key)) this.makeRoom();
    if ((this.blocked.get(key) ?? 0) < until) this.blocked.set(key, until);
  }

  /**
   * Frees a tenth of the room: blocks that have ended, then the oldest blocks of client IDs. An
   * address's block is never dropped for room, so that failures under many made-up client IDs
   * cannot lift the block of the address sending them.
   */
  private makeRoom(): void {
    const now = Date.now();
    for (const [key, until] of this.blocked) if (until <= now) this.blocked.delete(key);
    const target = MAX_BLOCKED * 0.9;
    for (const key of this.blocked.keys()) {
      if (this.blocked.size <= target) break;
      if (key.startsWith('client:')) this.blocked.delete(key);
    }
  }
}

function clientKey(clientId: string): string {
  return `client:${clientId.slice(0, 256)}`;
}
