import type { DeliveryJob } from '@tessera/contracts';
import { handleDelivery, type DeliveryDependencies } from './handlers/delivery.handler';
import { handleExpiryScan } from './handlers/expiry-scan.handler';

/** What one scan did: new notices, and how the deliveries it started ended. */
export interface ScanSummary {
  readonly notices: number;
  readonly delivered: number;
  readonly retry: number;
  readonly failed: number;
}

/**
 * Embedded mode's transport: the same handlers as the BullMQ workers, run inside the API process
 * on a timer (the expiry scan, which also re-offers due retries) and an in-process queue
 * (deliveries, a few at a time).
 */
export class EmbeddedWorker {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private scanning: Promise<number> | null = null;
  private readonly running = new Set<Promise<unknown>>();
  private readonly pending: DeliveryJob[] = [];
  private readonly inFlight = new Set<string>();
  /** Delivery outcomes so far, by kind (a scan's share is the difference around it). */
  private readonly outcomes = { delivered: 0, retry: 0, failed: 0, skipped: 0 };

  constructor(
    private readonly deps: DeliveryDependencies,
    private readonly intervalMs: number,
    private readonly concurrency = 4,
  ) {}

  start(): void {
    const scan = () => void this.scan().catch((error: unknown) => this.deps.log.warn(`Expiry scan failed: ${String(error)}`));
    this.timer = setInterval(scan, this.intervalMs);
    this.timer.unref();
    setTimeout(scan, Math.min(1_000, this.intervalMs)).unref();
  }

  /** Runs one scan now (unless one is running) and waits for it and the deliveries it started. */
  async scanNow(): Promise<ScanSummary> {
    const before = { ...this.outcomes };
    const notices = await this.scan();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    return {
      notices,
      delivered: this.outcomes.delivered - before.delivered,
      retry: this.outcomes.retry - before.retry,
      failed: this.outcomes.failed - before.failed,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pending.length = 0;
    await Promise.allSettled([this.scanning, ...this.running]);
  }

  /** Runs a scan (or joins the one running); answers its number of new notices. */
  private scan(): Promise<number> {
    this.scanning ??= handleExpiryScan({ scheduledAt: this.deps.clock.now().toISOString() }, { ...this.deps, deliveries: { enqueue: async (job) => this.offer(job) } })
      .then((result) => {
        if (result.notices > 0) this.deps.log.info(`Expiry scan: ${result.notices} new notice(s), ${result.enqueued} delivery attempt(s)`);
        return result.notices;
      })
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
      // A failure's reason is logged by the handler; an error it throws (the database) is logged here.
      const run = handleDelivery(job, this.deps)
        .then((outcome) => {
          this.outcomes[outcome] += 1;
        })
        .catch((error: unknown) => {
          this.outcomes.failed += 1;
          this.deps.log.warn(`Delivery failed: ${String(error)}`);
        })
        .finally(() => {
          this.inFlight.delete(key);
          this.running.delete(run);
          this.drain();
        });
      this.running.add(run);
    }
  }
}
