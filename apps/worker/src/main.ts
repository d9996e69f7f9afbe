#!/usr/bin/env node
import { KeyEncryption, Store, assertPepperOpens, assertSchemaCurrent, openDatabase } from '@tessera/store';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { BullmqWorker } from './bullmq-worker';
import { loadWorkerConfig } from './config/env';
import { createMailer } from './mailer';
import { connectRedis, redisOptions } from './redis-connection';

/** The worker process of distributed mode: expiry scans and deliveries from BullMQ. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(78);
  }
  const logger = pino({ level: config.logLevel, redact: ['*.secret', '*.signingSecret', '*.password'] });
  const pepper = Buffer.from(config.pepper, 'utf8');
  const encryption = new KeyEncryption(pepper, 'webhook-secret-encryption');
  let store: Store | null = null;
  let worker: BullmqWorker;
  try {
    const orm = await openDatabase(config.database);
    store = new Store(orm);
    await assertSchemaCurrent(orm);
    // A pepper other than the API's would only show when a webhook is due: refuse now, as the API
    // and the CLI do (WrongPepperError). With nothing sealed in the database yet it cannot be told.
    await assertPepperOpens(store, pepper, { kind: 'variable' });
    // BullMQ waits for an unreachable Redis for ever: check once that it answers (RedisUnavailableError).
    await (await connectRedis(config.redisUrl, {}, () => undefined)).quit();
    worker = new BullmqWorker(
      { ...redisOptions(config.redisUrl), maxRetriesPerRequest: null },
      {
        store,
        clock: { now: () => new Date() },
        random: (n) => randomBytes(n),
        mailer: config.smtpUrl ? createMailer(config.smtpUrl, config.mailFrom) : null,
        openSecret: (sealed) => encryption.decrypt(sealed),
        log: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
        allowPrivateNetworks: config.allowPrivateNetworks,
      },
      config.scanIntervalSeconds * 1000,
    );
    await worker.start();
  } catch (error) {
    logger.fatal(`Tessera worker could not start: ${error instanceof Error ? error.message : String(error)}`);
    await store?.close().catch(() => undefined);
    process.exit(1);
  }
  logger.info(`Tessera worker started (scan every ${config.scanIntervalSeconds} s)`);
  let stopping = false;
  const stop = (signal: string): void => {
    // A second signal (Ctrl-C reaches npm and node alike) must not cut the shutdown short.
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing jobs in progress`);
    worker
      .stop()
      .then(() => store?.close())
      .then(() => {
        logger.info('Tessera worker stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
