export * from './handlers/ports';
export * from './handlers/expiry-scan.handler';
export * from './handlers/delivery.handler';
export * from './handlers/destination';
export * from './embedded-worker';
export * from './bullmq-worker';
export * from './mailer';
export * from './redis-connection';
