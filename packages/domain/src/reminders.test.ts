import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueReminder, parseReminderKey, reminderKey, type ReminderNotice } from './reminders.js';
import { MS_PER_DAY } from './time.js';

const EXPIRES = new Date('2025-06-01T12:00:00.000Z');
const before = (days: number) => new Date(EXPIRES.getTime() - days * MS_PER_DAY);
const T = [30, 7, 1];
const due = (now: Date, sent: string[] = [], thresholdsDays = T, expiresAt: Date | null = EXPIRES) =>
  dueReminder({ expiresAt, thresholdsDays, sent, now });

describe('reminderKey', () => {
  it('formats and parses the dedupe keys', () => {
    expect(reminderKey({ kind: 'expiring', thresholdDays: 30 })).toBe('expiring:30');
    expect(reminderKey({ kind: 'expired' })).toBe('expired');
    expect(parseReminderKey('expiring:7')).toEqual({ kind: 'expiring', thresholdDays: 7 });
    expect(parseReminderKey('expired')).toEqual({ kind: 'expired' });
    expect(parseReminderKey('expiring:0')).toBeNull();
    expect(parseReminderKey('nope')).toBeNull();
  });
});

describe('dueReminder', () => {
  it('never for a never-expiring secret', () => {
    expect(due(before(1), [], T, null)).toBeNull();
  });

  it('nothing before the largest threshold', () => {
    expect(due(new Date(before(30).getTime() - 1))).toBeNull();
  });

  it('each threshold at the exact boundary, then once', () => {
    expect(due(before(30))).toEqual({ kind: 'expiring', thresholdDays: 30 });
    expect(due(before(29), ['expiring:30'])).toBeNull();
    expect(due(before(7), ['expiring:30'])).toEqual({ kind: 'expiring', thresholdDays: 7 });
    expect(due(before(1), ['expiring:30', 'expiring:7'])).toEqual({ kind: 'expiring', thresholdDays: 1 });
    expect(due(before(0.5), ['expiring:30', 'expiring:7', 'expiring:1'])).toBeNull();
  });

  it('a secret first seen 5 days before expiry gets expiring:7 only, never a late expiring:30', () => {
    expect(due(before(5))).toEqual({ kind: 'expiring', thresholdDays: 7 });
    expect(due(before(4), ['expiring:7'])).toBeNull();
  });

  it('expired once, even if no earlier reminder went out', () => {
    expect(due(EXPIRES)).toEqual({ kind: 'expired' });
    expect(due(before(-3), ['expiring:1'])).toEqual({ kind: 'expired' });
    expect(due(before(-3), ['expired'])).toBeNull();
  });

  it('respects sent keys of thresholds no longer configured', () => {
    expect(due(before(10), ['expiring:7'], [30, 14])).toBeNull();
  });

  it('does not depend on threshold order', () => {
    expect(due(before(5), [], [1, 30, 7])).toEqual({ kind: 'expiring', thresholdDays: 7 });
  });

  // Simulate a scanner run at arbitrary increasing times, recording what it sends.
  const thresholds = fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { maxLength: 10 }).map((t) => [...t].sort((a, b) => b - a));
  const times = fc.array(fc.integer({ min: -10 * MS_PER_DAY, max: 400 * MS_PER_DAY }), { maxLength: 40 });

  it('over any schedule: each notice at most once, ever more urgent, never a threshold not yet reached (property)', () => {
    fc.assert(
      fc.property(thresholds, times, (ts, offsets) => {
        const nows = [...offsets].sort((a, b) => b - a).map((o) => new Date(EXPIRES.getTime() - o));
        const sent: string[] = [];
        const notices: ReminderNotice[] = [];
        for (const now of nows) {
          const n = dueReminder({ expiresAt: EXPIRES, thresholdsDays: ts, sent, now });
          if (n === null) continue;
          const key = reminderKey(n);
          expect(sent).not.toContain(key);
          if (n.kind === 'expiring') {
            const remaining = EXPIRES.getTime() - now.getTime();
            expect(remaining).toBeGreaterThan(0);
            expect(remaining).toBeLessThanOrEqual(n.thresholdDays * MS_PER_DAY);
            // it is the smallest threshold reached
            for (const t of ts) if (t < n.thresholdDays) expect(remaining).toBeGreaterThan(t * MS_PER_DAY);
          } else {
            expect(now.getTime()).toBeGreaterThanOrEqual(EXPIRES.getTime());
          }
          sent.push(key);
          notices.push(n);
        }
        // thresholds strictly decrease, 'expired' is last
        const days = notices.map((n) => (n.kind === 'expired' ? 0 : n.thresholdDays));
        for (let i = 1; i < days.length; i++) expect(days[i]).toBeLessThan(days[i - 1] as number);
        // once past expiry, the expired notice was sent
        if (nows.some((n) => n.getTime() >= EXPIRES.getTime())) expect(sent).toContain('expired');
      }),
    );
  });

  it('never before the largest threshold, and nothing once every key is sent (property)', () => {
    fc.assert(
      fc.property(thresholds, fc.integer({ min: -10 * MS_PER_DAY, max: 400 * MS_PER_DAY }), (ts, offset) => {
        const now = new Date(EXPIRES.getTime() - offset);
        const n = dueReminder({ expiresAt: EXPIRES, thresholdsDays: ts, sent: [], now });
        if (offset > 0 && offset > Math.max(0, ...ts) * MS_PER_DAY) expect(n).toBeNull();
        const all = [...ts.map((t) => `expiring:${t}`), 'expired'];
        expect(dueReminder({ expiresAt: EXPIRES, thresholdsDays: ts, sent: all, now })).toBeNull();
      }),
    );
  });
});
