import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Clock, RandomBytes } from '@tessera/domain';
import { KeyEncryption, Store } from '@tessera/store';
import { EmbeddedWorker, createMailer } from '@tessera/worker';
import { CLOCK, CONFIG, RANDOM, WEBHOOK_SECRETS } from '../common/tokens';
import type { Config } from '../config/env';

/**
 * The worker's handlers in this process (embedded mode, or TESSERA_EMBEDDED_WORKER=true): expiry
 * scans on a timer and deliveries to the security contacts. In distributed mode the worker
 * processes (apps/worker, BullMQ) do this instead.
 */
@Injectable()
export class RemindersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reminders');
  readonly worker: EmbeddedWorker;

  constructor(
    store: Store,
    @Inject(WEBHOOK_SECRETS) secrets: KeyEncryption,
    @Inject(CLOCK) clock: Clock,
    @Inject(RANDOM) random: RandomBytes,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    const { smtpUrl, mailFrom, scanIntervalSeconds } = config.alerts;
    this.worker = new EmbeddedWorker(
      {
        store,
        clock,
        random,
        mailer: smtpUrl ? createMailer(smtpUrl, mailFrom) : null,
        openSecret: (sealed) => secrets.decrypt(sealed),
        log: { info: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m) },
        allowPrivateNetworks: config.alerts.allowPrivateNetworks,
      },
      scanIntervalSeconds * 1000,
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.alerts.embeddedWorker) this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
