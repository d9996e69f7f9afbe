import { describe, expect, it } from 'vitest';
import { formatZodError } from './errors';
import { WEBHOOK_HEADERS, WEBHOOK_SIGNATURE_PREFIX, WebhookEnvelope, webhookSignedContent } from './webhooks';

const base = { id: 'evt_1', api: 'my-api', createdAt: '2026-01-31T12:00:00.000Z' };
const ref = { accountId: 'sa_1', clientId: 'cid_1', accountName: 'billing', secretId: 'sec_1', hint: 'tsk_…ab12' };

describe('webhooks', () => {
  it('names its headers', () => {
    expect(WEBHOOK_HEADERS).toEqual({
      id: 'Tessera-Webhook-Id',
      timestamp: 'Tessera-Webhook-Timestamp',
      signature: 'Tessera-Webhook-Signature',
    });
    expect(WEBHOOK_SIGNATURE_PREFIX).toBe('v1=');
  });

  it('builds the signed content as id.timestamp.body', () => {
    expect(webhookSignedContent('evt_1', 1_800_000_000, '{"a":1}')).toBe('evt_1.1800000000.{"a":1}');
  });

  it('accepts each notification type', () => {
    const inputs = [
      { ...base, type: 'secret.expiring', data: { ...ref, expiresAt: '2026-02-07T12:00:00Z', thresholdDays: 7, daysLeft: 7 } },
      { ...base, type: 'secret.expired', data: { ...ref, expiredAt: '2026-01-31T12:00:00Z' } },
      { ...base, type: 'secret.leaked', data: { ...ref, url: 'https://github.com/o/r/blob/1/.env', source: 'content', disabledAt: '2026-01-31T12:00:00Z', disabledByReport: true } },
      { ...base, type: 'secret.leaked', data: { ...ref, url: '', source: '', disabledAt: '2026-01-30T12:00:00Z', disabledByReport: false } },
      {
        ...base,
        type: 'account.unused',
        data: { accountId: 'sa_1', clientId: 'cid_1', accountName: 'billing', lastUsedAt: null, unusedForDays: 120 },
      },
    ];
    for (const input of inputs) expect(WebhookEnvelope.parse(input)).toEqual(input);
  });

  it('rejects unknown types and strips anything not whitelisted', () => {
    expect(WebhookEnvelope.safeParse({ ...base, type: 'secret.stolen', data: {} }).success).toBe(false);
    const parsed = WebhookEnvelope.parse({
      ...base,
      type: 'secret.expired',
      data: { ...ref, expiredAt: '2026-01-31T12:00:00Z', clientSecret: 'tsk_leak' },
    });
    expect(JSON.stringify(parsed)).not.toContain('tsk_leak');
  });

  it('refuses a leak notice without its facts, or with reporter text that could forge a line, naming the field', () => {
    const leaked = { ...base, type: 'secret.leaked', data: { ...ref, url: '', source: '', disabledAt: '2026-01-31T12:00:00Z', disabledByReport: true } };
    const paths = (input: unknown) => formatZodError(WebhookEnvelope.safeParse(input).error!).map((issue) => issue.path);
    const { disabledByReport: _dropped, ...withoutFlag } = leaked.data;
    expect(paths({ ...leaked, data: withoutFlag })).toEqual(['data.disabledByReport']);
    expect(paths({ ...leaked, data: { ...leaked.data, disabledAt: null } })).toEqual(['data.disabledAt']);
    expect(paths({ ...leaked, data: { ...leaked.data, url: 'x\nSubject: hi' } })).toEqual(['data.url']);
  });
});
