import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Clock, RandomBytes } from '@tessera/domain';
import { KeyEncryption, Store, migrate, openDatabase, pendingMigrations } from '@tessera/store';
import { redisOptions } from '@tessera/worker';
import { Redis } from 'ioredis';
import { FAILURE_COUNTER, FailureThrottle } from './auth/failure-throttle.service';
import { MemoryFailureCounter, RedisFailureCounter } from './auth/failure-throttle';
import { RevocationService } from './auth/revocation.service';
import { TokenVerifier } from './auth/token-verifier.service';
import { InvalidationBus, LocalInvalidationBus, RedisInvalidationBus } from './cluster/invalidation-bus';
import { CLOCK, CONFIG, HASHER, PEPPER, RANDOM, WEBHOOK_SECRETS } from './common/tokens';
import type { Config } from './config/env';
import { resolvePepper } from './crypto/pepper';
import { pooledRandomBytes } from './crypto/random';
import { HmacSecretHasher } from './crypto/secret-hasher';
import { EventWriter } from './events/event-writer.service';
import { ApiPolicyCache } from './management/api-policy.cache';
import { Metrics } from './ops/metrics';
import { SigningKeysService } from './tokens/signing-keys.service';

export const REDIS = Symbol('REDIS');

/** Thrown at boot when the schema is behind and migrations are not applied automatically. */
export class PendingMigrationsError extends Error {
  constructor(names: readonly string[]) {
    super(`The database schema is not up to date (${names.length} pending migration(s)): run \`tessera migrate\` first.`);
    this.name = 'PendingMigrationsError';
  }
}

async function createStore(config: Config): Promise<Store> {
  const orm = await openDatabase(config.database);
  if (config.migrateOnStart) {
    await migrate(orm);
  } else {
    const pending = await pendingMigrations(orm);
    if (pending.length > 0) {
      await orm.close(true);
      throw new PendingMigrationsError(pending);
    }
  }
  return new Store(orm);
}

/** Starts what needs the database, and stops everything in order: flush events, then close. */
@Injectable()
class Lifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    private readonly store: Store,
    private readonly keys: SigningKeysService,
    private readonly events: EventWriter,
    private readonly bus: InvalidationBus,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.keys.init();
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.events.flush();
    } catch (error) {
      this.logger.error(`Flushing events at shutdown failed: ${String(error)}`);
    }
    await this.bus.close();
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
    await this.store.close();
  }
}

/** The shared services of the hot paths. */
const SERVICES = [EventWriter, ApiPolicyCache, SigningKeysService, RevocationService, TokenVerifier, FailureThrottle, Metrics];

/**
 * The process-wide singletons: configuration, database, clock and randomness, the secret hasher,
 * Redis (when configured), and the services the token hot paths share.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CLOCK, useValue: { now: () => new Date() } satisfies Clock },
        { provide: RANDOM, useValue: pooledRandomBytes() satisfies RandomBytes },
        { provide: PEPPER, useFactory: () => resolvePepper(config) },
        { provide: HASHER, useFactory: (pepper: Buffer) => new HmacSecretHasher(pepper), inject: [PEPPER] },
        { provide: KeyEncryption, useFactory: (pepper: Buffer) => new KeyEncryption(pepper), inject: [PEPPER] },
        { provide: WEBHOOK_SECRETS, useFactory: (pepper: Buffer) => new KeyEncryption(pepper, 'webhook-secret-encryption'), inject: [PEPPER] },
        { provide: Store, useFactory: () => createStore(config) },
        {
          provide: REDIS,
          useFactory: async () => {
            if (!config.redisUrl) return null;
            const redis = new Redis({ ...redisOptions(config.redisUrl), lazyConnect: true, maxRetriesPerRequest: 3 });
            redis.on('error', (error: Error) => new Logger('Redis').warn(error.message));
            await redis.connect();
            return redis;
          },
        },
        {
          provide: InvalidationBus,
          useFactory: () => (config.redisUrl ? RedisInvalidationBus.connect(config.redisUrl) : new LocalInvalidationBus()),
        },
        {
          provide: FAILURE_COUNTER,
          useFactory: (redis: Redis | null) => (redis ? new RedisFailureCounter(redis) : new MemoryFailureCounter()),
          inject: [REDIS],
        },
        ...SERVICES,
        Lifecycle,
      ],
      // Everything but the lifecycle and the failure counter behind FailureThrottle.
      exports: [Store, InvalidationBus, REDIS, CONFIG, CLOCK, RANDOM, PEPPER, HASHER, KeyEncryption, WEBHOOK_SECRETS, ...SERVICES],
    };
  }
}
