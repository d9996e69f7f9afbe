import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Clock, RandomBytes } from '@tessera/domain';
import { KeyEncryption, Store, WrongPepperError, assertSchemaCurrent, migrate, openDatabase, wrongPepperMessage } from '@tessera/store';
import { connectRedis } from '@tessera/worker';
import type { Redis } from 'ioredis';
import { FAILURE_COUNTER, FailureThrottle } from './auth/failure-throttle.service';
import { MemoryFailureCounter, RedisFailureCounter } from './auth/failure-throttle';
import { RevocationService } from './auth/revocation.service';
import { TokenVerifier } from './auth/token-verifier.service';
import { InvalidationBus, LocalInvalidationBus, RedisInvalidationBus } from './cluster/invalidation-bus';
import { OpenConnections } from './common/open-connections';
import { CLOCK, CONFIG, HASHER, PEPPER, RANDOM, WEBHOOK_SECRETS } from './common/tokens';
import type { Config } from './config/env';
import { pepperSource, redisNamespace, resolvePepper } from './crypto/pepper';
import { pooledRandomBytes } from './crypto/random';
import { HmacSecretHasher } from './crypto/secret-hasher';
import { EventWriter } from './events/event-writer.service';
import { ApiPolicyCache } from './management/api-policy.cache';
import { Metrics } from './ops/metrics';
import { SigningKeysService } from './tokens/signing-keys.service';

export const REDIS = Symbol('REDIS');

async function createStore(config: Config, connections: OpenConnections): Promise<Store> {
  // Added before the schema is checked: a start that fails on it closes the database with the rest.
  const store = await connections.add(new Store(await openDatabase(config.database)), (opened) => opened.close());
  if (config.migrateOnStart) await migrate(store.orm);
  else await assertSchemaCurrent(store.orm);
  return store;
}

/** Starts what needs the database, and stops everything in order: flush events, then close. */
@Injectable()
class Lifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    private readonly keys: SigningKeysService,
    private readonly events: EventWriter,
    private readonly connections: OpenConnections,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Loads the signing keys. Keys sealed under another pepper are the one start-up failure a user
   * causes by configuration alone (a new TESSERA_PEPPER, a replaced pepper file), so it is reported
   * as such, with its fix, instead of as a failed decryption.
   */
  async onModuleInit(): Promise<void> {
    try {
      await this.keys.init();
    } catch (error) {
      throw error instanceof WrongPepperError ? new WrongPepperError(wrongPepperMessage('signing-key-encryption', pepperSource(this.config))) : error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.events.flush();
    } catch (error) {
      this.logger.error(`Flushing events at shutdown failed: ${String(error)}`);
    }
    // Redis, then the database (opened first, closed last).
    await this.connections.close();
  }
}

/** The shared services of the hot paths. */
const SERVICES = [EventWriter, ApiPolicyCache, SigningKeysService, RevocationService, TokenVerifier, FailureThrottle, Metrics];

/**
 * The process-wide singletons: configuration, database, clock and randomness, the secret hasher,
 * Redis (when configured), and the services the token hot paths share. `connections` closes what
 * was opened, at shutdown or when the start fails part-way.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: Config, connections: OpenConnections): DynamicModule {
    const redisLogger = new Logger('Redis');
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: OpenConnections, useValue: connections },
        { provide: CLOCK, useValue: { now: () => new Date() } satisfies Clock },
        { provide: RANDOM, useValue: pooledRandomBytes() satisfies RandomBytes },
        { provide: PEPPER, useFactory: () => resolvePepper(config) },
        { provide: HASHER, useFactory: (pepper: Buffer) => new HmacSecretHasher(pepper), inject: [PEPPER] },
        { provide: KeyEncryption, useFactory: (pepper: Buffer) => new KeyEncryption(pepper), inject: [PEPPER] },
        { provide: WEBHOOK_SECRETS, useFactory: (pepper: Buffer) => new KeyEncryption(pepper, 'webhook-secret-encryption'), inject: [PEPPER] },
        { provide: Store, useFactory: () => createStore(config, connections) },
        // Redis is connected once the database is open (hence `inject: [Store]`): a start that
        // fails on the schema opens no Redis connection, and shutdown closes Redis first.
        {
          provide: REDIS,
          useFactory: async () => {
            if (!config.redisUrl) return null;
            const redis = await connectRedis(config.redisUrl, { maxRetriesPerRequest: 3 }, (error) => redisLogger.warn(error.message));
            return connections.add(redis, (client) => client.quit().then(() => undefined, () => client.disconnect()));
          },
          inject: [Store],
        },
        {
          provide: InvalidationBus,
          useFactory: async (_store: Store, pepper: Buffer) => {
            if (!config.redisUrl) return new LocalInvalidationBus();
            return connections.add(await RedisInvalidationBus.connect(config.redisUrl, redisNamespace(pepper)), (bus) => bus.close());
          },
          inject: [Store, PEPPER],
        },
        {
          provide: FAILURE_COUNTER,
          useFactory: (redis: Redis | null, pepper: Buffer) => (redis ? new RedisFailureCounter(redis, redisNamespace(pepper)) : new MemoryFailureCounter()),
          inject: [REDIS, PEPPER],
        },
        ...SERVICES,
        Lifecycle,
      ],
      // Everything but the lifecycle and the failure counter behind FailureThrottle.
      exports: [Store, InvalidationBus, REDIS, CONFIG, CLOCK, RANDOM, PEPPER, HASHER, KeyEncryption, WEBHOOK_SECRETS, ...SERVICES],
    };
  }
}
