import { Logger } from '@nestjs/common';
import { connectRedis } from '@tessera/worker';
import type { Redis } from 'ioredis';

/** A change every API process must learn about at once. */
export type Invalidation =
  | { readonly type: 'revoked'; readonly kind: RevocationKind; readonly value: string; readonly revokedAt: number; readonly expiresAt: number }
  | { readonly type: 'api-changed'; readonly api: string }
  | { readonly type: 'keys-rotated' }
  /** An account or one of its secrets changed: drop cached credentials of this client. */
  | { readonly type: 'account-changed'; readonly clientId: string }
  /** A client ID or address crossed its failure limit: refuse it until `until` (ms). */
  | { readonly type: 'throttled'; readonly key: string; readonly until: number }
  /** A document was added to a demo collection. */
  | { readonly type: 'collection-changed'; readonly api: string; readonly collection: string };

export type RevocationKind = 'token' | 'secret' | 'client';

/**
 * Carries invalidations between API processes: in embedded mode only within this process; with
 * REDIS_URL through Redis pub/sub to every process. The database stays the durable record, so a
 * process that missed a message still catches up by polling it.
 */
export abstract class InvalidationBus {
  protected handlers: ((message: Invalidation) => void)[] = [];

  onMessage(handler: (message: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  /** Delivers to this process at once, and to the others when there are any. */
  abstract publish(message: Invalidation): Promise<void>;

  abstract close(): Promise<void>;

  protected deliver(message: Invalidation): void {
    for (const handler of this.handlers) handler(message);
  }
}

export class LocalInvalidationBus extends InvalidationBus {
  async publish(message: Invalidation): Promise<void> {
    this.deliver(message);
  }

  async close(): Promise<void> {}
}

const logger = new Logger('InvalidationBus');

export class RedisInvalidationBus extends InvalidationBus {
  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {
    super();
    this.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        this.deliver(JSON.parse(raw) as Invalidation);
      } catch {
        logger.warn('Ignored a malformed invalidation message');
      }
    });
  }

  /**
   * Connects both clients; when either cannot, closes the other and throws (`RedisUnavailableError`).
   * The messages go on the channel `tessera:<namespace>:invalidations` (see `redisNamespace`).
   */
  static async connect(url: string, namespace: string): Promise<RedisInvalidationBus> {
    const options = { maxRetriesPerRequest: 3, enableOfflineQueue: true } as const;
    const warn = (error: Error): void => logger.warn(`Redis: ${error.message}`);
    const [publisher, subscriber] = await Promise.allSettled([connectRedis(url, options, warn), connectRedis(url, options, warn)]);
    if (publisher.status === 'rejected' || subscriber.status === 'rejected') {
      for (const client of [publisher, subscriber]) if (client.status === 'fulfilled') client.value.disconnect();
      throw publisher.status === 'rejected' ? publisher.reason : (subscriber as PromiseRejectedResult).reason;
    }
    const bus = new RedisInvalidationBus(publisher.value, subscriber.value, `tessera:${namespace}:invalidations`);
    try {
      await bus.subscriber.subscribe(bus.channel);
    } catch (error) {
      await bus.close();
      throw error;
    }
    return bus;
  }

  async publish(message: Invalidation): Promise<void> {
    this.deliver(message);
    await this.publisher.publish(this.channel, JSON.stringify(message));
  }

  async ping(): Promise<boolean> {
    return (await this.publisher.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }
}
