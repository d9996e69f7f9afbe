/**
 * The CLI's way into the application: Nest with the whole app, MikroORM and its drivers, Redis.
 * Loading all that is most of a command's start-up time, so main.ts loads this file only once a
 * command runs (`import()`), and imports nothing else from here but types: help, usage errors and a
 * bad configuration are reported without it.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DatabaseUnavailableError, PendingMigrationsError, WrongPepperError, migrate, openDatabase, pendingMigrations, type DatabaseTarget } from '@tessera/store';
import { RedisUnavailableError } from '@tessera/worker';
import pino from 'pino';
import { AppModule } from '../app.module';
import { RemindersService } from '../alerts/reminders.service';
import { OpenConnections } from '../common/open-connections';
import type { Config } from '../config/env';
import { createLogger, nestLogging } from '../config/logger';
import { AlertChannelsService } from '../management/alert-channels.service';
import { ApisService } from '../management/apis.service';
import { SecretsService } from '../management/secrets.service';
import { ServiceAccountsService } from '../management/service-accounts.service';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { CliFailure, EXIT } from './cli-output';

/** The application's services that the commands use. */
export interface Services {
  readonly apis: ApisService;
  readonly accounts: ServiceAccountsService;
  readonly secrets: SecretsService;
  readonly channels: AlertChannelsService;
  readonly signingKeys: SigningKeysService;
  readonly reminders: RemindersService;
}

/** Starts the application (without the HTTP server) for `work`, and closes it after. */
export async function withApp<T>(config: Config, work: (services: Services) => Promise<T>): Promise<T> {
  return reported(async () => {
    const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination({ fd: 2, sync: true }));
    const app = await OpenConnections.closedOnFailure((connections) =>
      NestFactory.createApplicationContext(AppModule.forRoot(config, connections), nestLogging(logger)),
    );
    try {
      return await work({
        apis: app.get(ApisService),
        accounts: app.get(ServiceAccountsService),
        secrets: app.get(SecretsService),
        channels: app.get(AlertChannelsService),
        signingKeys: app.get(SigningKeysService),
        reminders: app.get(RemindersService),
      });
    } finally {
      await app.close();
    }
  });
}

/** Applies the pending migrations: the ones applied now, and any still pending after. */
export async function migrateDatabase(database: DatabaseTarget): Promise<{ applied: string[]; pending: string[] }> {
  return reported(async () => {
    const orm = await openDatabase(database);
    try {
      const applied = await migrate(orm);
      return { applied, pending: await pendingMigrations(orm) };
    } finally {
      await orm.close(true);
    }
  });
}

/**
 * Runs `run`, reporting the application's own failures as the CLI does (exit code, and the code
 * shown with --json): a database or Redis that cannot be reached, a pepper that is not the one the
 * database's secrets were sealed with, a schema behind the code. Told apart here, where their
 * classes are loaded anyway.
 */
async function reported<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw new CliFailure(EXIT.INTERNAL, error.message, 'DATABASE.UNAVAILABLE');
    if (error instanceof RedisUnavailableError) throw new CliFailure(EXIT.INTERNAL, error.message, 'REDIS.UNAVAILABLE');
    if (error instanceof WrongPepperError) throw new CliFailure(EXIT.INTERNAL, error.message, 'PEPPER.MISMATCH');
    if (error instanceof PendingMigrationsError) throw new CliFailure(EXIT.INTERNAL, error.message, 'DATABASE.MIGRATIONS_PENDING');
    throw error;
  }
}
