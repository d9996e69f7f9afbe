#!/usr/bin/env node
import { ConfigError, loadConfig } from './config/env';
import { createLogger } from './config/logger';
import { createApp } from './server';

/** Starts Tessera's API with the configuration from the environment. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config);
  try {
    const app = await createApp(config, logger);
    await app.listen({ port: config.port, host: config.host });
    const mode = config.redisUrl ? 'distributed' : 'embedded';
    const database = config.database.dialect === 'sqlite' ? `SQLite at ${config.database.path}` : 'PostgreSQL';
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received: finishing in-flight requests`);
      // Stop accepting, let in-flight requests finish, flush events, close the database.
      app
        .close()
        .then(() => {
          logger.info('Tessera stopped');
          logger.flush();
          process.exitCode = 0;
        })
        .catch((error: unknown) => {
          logger.error(`Shutdown failed: ${String(error)}`);
          logger.flush();
          process.exitCode = 1;
        })
        .finally(() => setTimeout(() => process.exit(), 50).unref());
    };
    // `on`, not `once`: a second signal (Ctrl-C in a terminal reaches both npm and node, and npm
    // passes it on) must not kill the process while it flushes buffered events.
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    logger.info(`Tessera listening on ${config.host}:${config.port} (${mode} mode, ${database}, issuer ${config.issuer})`);
  } catch (error) {
    logger.fatal(`Tessera could not start: ${error instanceof Error ? error.message : String(error)}`);
    logger.flush();
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  }
}

void main();
