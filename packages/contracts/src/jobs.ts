/**
 * Queue names and job payloads. Handlers are plain functions over these payloads; BullMQ (in
 * distributed mode) or the in-process outbox poller (embedded mode) only deliver them. Every
 * payload is parsed again when a job is picked up.
 *
 * Queue names are stored data (they name Redis keys): renaming one needs a migration plan.
 */
import { z } from 'zod';
import { DomainEvent } from './events';
import { EventId, IsoDateTime } from './primitives';

/** Queue names by role. */
export const QUEUE_NAMES = {
  /** Domain events relayed from the outbox, fanned out to handlers (audit, revocation, usage, alerts). */
  events: 'tessera-events',
  /** Scheduled expiry scans that produce reminders. */
  reminders: 'tessera-reminders',
  /** Outbound webhook / e-mail deliveries, retried with backoff. */
  deliveries: 'tessera-deliveries',
} as const;
export type QueueKey = keyof typeof QUEUE_NAMES;
export type QueueName = (typeof QUEUE_NAMES)[QueueKey];

/** Job on the `events` queue: one domain event. */
export const EventJob = DomainEvent;
export type EventJob = z.infer<typeof EventJob>;

/**
 * Job on the `reminders` queue: scan for secrets crossing a reminder threshold. `scheduledAt` is when
 * the scan was scheduled, by the scheduler's clock; the scan itself decides by the database's clock.
 */
export const ExpiryScanJob = z.strictObject({ scheduledAt: IsoDateTime });
export type ExpiryScanJob = z.infer<typeof ExpiryScanJob>;

/** Job on the `deliveries` queue: deliver one event to one alert channel; `attempt` starts at 1. */
export const DeliveryJob = z.strictObject({
  channelId: z.string().min(1).max(128),
  eventId: EventId,
  attempt: z.number().int().min(1),
});
export type DeliveryJob = z.infer<typeof DeliveryJob>;

/** Payload schema of each queue, by queue key. */
export const JOB_PAYLOADS = {
  events: EventJob,
  reminders: ExpiryScanJob,
  deliveries: DeliveryJob,
} as const satisfies Record<QueueKey, z.ZodType>;

/** Payload type of a queue, e.g. `JobPayload<'deliveries'>`. */
export type JobPayload<Q extends QueueKey> = z.infer<(typeof JOB_PAYLOADS)[Q]>;

/** Handler names: lowercase kebab-case, e.g. `audit-writer`. */
export const JobHandlerName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, {
  message: 'expected a kebab-case handler name',
});
export type JobHandlerName = z.infer<typeof JobHandlerName>;

/**
 * Deterministic job id for one handler's work on one event: `<eventId>.<handler>`, e.g.
 * `evt_01H….audit-writer`. Relaying the same event twice yields the same id, so the queue
 * deduplicates it. Contains no `:` (BullMQ rejects custom ids with colons) and is never numeric.
 * Throws on a malformed event id or handler name (a bug, not an expected failure).
 */
export function jobIdFor(eventId: string, handler: string): string {
  const id = EventId.parse(eventId);
  const name = JobHandlerName.parse(handler);
  return `${id}.${name}`;
}
