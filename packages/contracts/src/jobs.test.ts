import { describe, expect, it } from 'vitest';
import { DeliveryJob, EventJob, ExpiryScanJob, JOB_PAYLOADS, QUEUE_NAMES, jobIdFor } from './jobs';

describe('queues', () => {
  it('has stable names', () => {
    expect(QUEUE_NAMES).toEqual({
      events: 'tessera-events',
      reminders: 'tessera-reminders',
      deliveries: 'tessera-deliveries',
    });
  });

  it('maps each queue to its payload schema', () => {
    expect(JOB_PAYLOADS.events).toBe(EventJob);
    expect(JOB_PAYLOADS.reminders).toBe(ExpiryScanJob);
    expect(JOB_PAYLOADS.deliveries).toBe(DeliveryJob);
  });
});

describe('payloads', () => {
  it('accepts valid payloads', () => {
    expect(ExpiryScanJob.safeParse({ scheduledAt: '2026-01-31T00:00:00Z' }).success).toBe(true);
    expect(DeliveryJob.safeParse({ channelId: 'ch_1', eventId: 'evt_1', attempt: 1 }).success).toBe(true);
  });

  it('rejects invalid ones', () => {
    expect(ExpiryScanJob.safeParse({}).success).toBe(false);
    expect(ExpiryScanJob.safeParse({ scheduledAt: '2026-01-31T00:00:00Z', extra: 1 }).success).toBe(false);
    expect(DeliveryJob.safeParse({ channelId: 'ch_1', eventId: 'evt_1', attempt: 0 }).success).toBe(false);
    expect(DeliveryJob.safeParse({ channelId: 'ch_1', eventId: '1', attempt: 1 }).success).toBe(false);
    expect(EventJob.safeParse({ type: 'token.issued' }).success).toBe(false);
  });
});

describe('jobIdFor', () => {
  it('is deterministic and distinct per handler', () => {
    expect(jobIdFor('evt_01H', 'audit-writer')).toBe('evt_01H.audit-writer');
    expect(jobIdFor('evt_01H', 'audit-writer')).toBe(jobIdFor('evt_01H', 'audit-writer'));
    expect(jobIdFor('evt_01H', 'audit-writer')).not.toBe(jobIdFor('evt_01H', 'revocation'));
    expect(jobIdFor('evt_01H', 'audit-writer')).not.toBe(jobIdFor('evt_01J', 'audit-writer'));
  });

  it('never contains a colon and is never numeric (BullMQ custom id rules)', () => {
    const id = jobIdFor('evt_123', 'a');
    expect(id).not.toContain(':');
    expect(`${Number.parseInt(id, 10)}`).not.toBe(id);
  });

  it('throws on malformed inputs', () => {
    expect(() => jobIdFor('evt_1:x', 'audit-writer')).toThrow();
    expect(() => jobIdFor('123', 'audit-writer')).toThrow();
    expect(() => jobIdFor('evt_1', 'Audit Writer')).toThrow();
    expect(() => jobIdFor('evt_1', 'a.b')).toThrow();
  });
});
