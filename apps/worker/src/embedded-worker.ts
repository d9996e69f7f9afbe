import type { DeliveryJob } from '@tessera/contracts';
import { handleDelivery, type DeliveryDependencies } from './handlers/delivery.handler';
import { handleExpiryScan } from './handlers/expiry-scan.handler';

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Embedded mode's transport: the same handlers as the BullMQ workers, run inside the API process
 * on a timer (the expiry scan, which also re-offers due retries) and an in-process queue
 * (deliveries, a few at a time).
 */
export class EmbeddedWorker {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private scanning: Promise<unknown> | null = null;
  private readonly running = new Set<Promise<unknown>>();
  private readonly pending: DeliveryJob[] = [];
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly deps: Omit<DeliveryDependencies, 'fetch'>,
    private readonly intervalMs: number,
    private readonly log: WorkerLog,
    private readonly concurrency = 4,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.scan(), this.intervalMs);
    this.timer.unref();
    setTimeout(() => this.scan(), Math.min(1_000, this.intervalMs)).unref();
  }

  /** Runs one scan now (unless one is running) and waits for it and the deliveries it started. */
  async scanNow(): Promise<void> {
    await this.scan();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pending.length = 0;
    await Promise.allSettled([this.scanning, ...this.running]);
  }

  private scan(): Promise<unknown> {
    this.scanning ??= handleExpiryScan({ scheduledAt: this.deps.clock.now().toISOString() }, { ...this.deps, deliveries: { enqueue: async (job) => this.offer(job) } })
      .then((result) => {
        if (result.notices > 0) this.log.info(`Expiry scan: ${result.notices} new notice(s), ${result.enqueued} delivery attempt(s)`);
      })
      .catch((error: unknown) => this.log.warn(`Expiry scan failed: ${String(error)}`))
      .finally(() => {
        this.scanning = null;
      });
    return this.scanning;
  }

  private offer(job: DeliveryJob): void {
    const key = `${job.eventId}.${job.channelId}`;
    if (this.inFlight.has(key) || this.pending.some((p) => p.eventId === job.eventId && p.channelId === job.channelId)) return;
    this.pending.push(job);
    this.drain();
  }

  private drain(): void {
    while (this.running.size < this.concurrency && this.pending.length > 0 && !this.stopped) {
      const job = this.pending.shift()!;
      const key = `${job.eventId}.${job.channelId}`;
      this.inFlight.add(key);
      const run = handleDelivery(job, this.deps)
        .then((outcome) => {
          if (outcome === 'retry' || outcome === 'failed') this.log.warn(`Delivery of ${job.eventId} to ${job.channelId}: ${outcome} (see the delivery table)`);
        })
        .catch((error: unknown) => this.log.warn(`Delivery failed: ${String(error)}`))
        .finally(() => {
          this.inFlight.delete(key);
          this.running.delete(run);
          this.drain();
        });
      this.running.add(run);
    }
  }
}
