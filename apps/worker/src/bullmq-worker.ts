import { DeliveryJob, ExpiryScanJob, QUEUE_NAMES } from '@tessera/contracts';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { handleDelivery, type DeliveryDependencies } from './handlers/delivery.handler';
import { handleExpiryScan } from './handlers/expiry-scan.handler';

const SCAN = 'expiry-scan';
const DELIVER = 'deliver';

/**
 * Distributed mode's transport: BullMQ queues on Redis. One job scheduler runs the expiry scan
 * every interval (whichever worker picks it up); each delivery is a job whose id names the notice,
 * channel and attempt, so the same attempt is never queued twice. Payloads are parsed again when
 * a job is picked up. Any number of worker processes can run.
 */
export class BullmqWorker {
  private readonly reminders: Queue;
  private readonly deliveries: Queue;
  private readonly workers: Worker[] = [];
  private scheduleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly deps: DeliveryDependencies,
    private readonly intervalMs: number,
    /** Redis key prefix of the queues (BullMQ's default `bull`); lets tests use their own. */
    private readonly prefix = 'bull',
  ) {
    this.reminders = new Queue(QUEUE_NAMES.reminders, { connection, prefix });
    this.deliveries = new Queue(QUEUE_NAMES.deliveries, { connection, prefix });
    // An 'error' event with no listener is thrown, and ends the process (exit code 1); a lost
    // Redis connection is BullMQ's to retry, and worth a warning only.
    for (const queue of [this.reminders, this.deliveries]) queue.on('error', (error) => this.deps.log.warn(`Queue ${queue.name}: ${error.message}`));
  }

  async start(): Promise<void> {
    const schedule = () => this.reminders.upsertJobScheduler(SCAN, { every: this.intervalMs }, { name: SCAN, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    await schedule();
    // Redis may restart empty (it keeps no state Tessera needs): put the schedule back regularly.
    this.scheduleTimer = setInterval(() => {
      schedule().catch((error: unknown) => this.deps.log.warn(`Re-creating the scan schedule failed: ${String(error)}`));
    }, Math.max(this.intervalMs, 60_000));
    this.scheduleTimer.unref();
    const enqueue = async (job: DeliveryJob): Promise<void> => {
      await this.deliveries.add(DELIVER, job, { jobId: `${job.eventId}.${job.channelId}.a${job.attempt}`, removeOnComplete: 1000, removeOnFail: 1000 });
    };
    this.workers.push(
      new Worker(
        QUEUE_NAMES.reminders,
        async (job) => {
          const payload = ExpiryScanJob.parse({ scheduledAt: new Date(job.timestamp).toISOString(), ...job.data });
          const result = await handleExpiryScan(payload, { ...this.deps, deliveries: { enqueue } });
          if (result.notices > 0) this.deps.log.info(`Expiry scan: ${result.notices} new notice(s), ${result.enqueued} delivery attempt(s)`);
          return result;
        },
        { connection: this.connection, prefix: this.prefix, concurrency: 1 },
      ),
      new Worker(
        QUEUE_NAMES.deliveries,
        async (job) => {
          const payload = DeliveryJob.parse(job.data);
          // A failure's reason is logged by the handler.
          return handleDelivery(payload, this.deps);
        },
        { connection: this.connection, prefix: this.prefix, concurrency: 8 },
      ),
    );
    for (const worker of this.workers) {
      worker.on('failed', (job, error) => this.deps.log.warn(`Job ${job?.name ?? '?'} failed: ${error.message}`));
      worker.on('error', (error) => this.deps.log.warn(`Worker ${worker.name}: ${error.message}`));
    }
  }

  async stop(): Promise<void> {
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([this.reminders.close(), this.deliveries.close()]);
  }

  /** Removes the scan schedule and every job (for tests and decommissioning). */
  async purge(): Promise<void> {
    await this.reminders.removeJobScheduler(SCAN);
    await Promise.all([this.reminders.obliterate({ force: true }), this.deliveries.obliterate({ force: true })]);
  }
}
