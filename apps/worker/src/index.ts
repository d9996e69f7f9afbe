// BullmqWorker (./bullmq-worker) is not exported: only the worker process (main.ts) runs it, and
// the API, which imports this index for the embedded worker, would load BullMQ for nothing.
export * from './handlers/ports';
export * from './handlers/notices';
export * from './handlers/expiry-scan.handler';
export * from './handlers/delivery.handler';
export * from './handlers/destination';
export * from './embedded-worker';
export * from './mailer';
export * from './redis-url';
export * from './redis-connection';
