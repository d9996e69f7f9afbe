import { describe, expect, it } from 'vitest';
import { formatZodError } from './errors';
import { DomainEvent, DomainEventType, MAX_TOKENS_PER_ISSUED_EVENT, parseDomainEvent, type DomainEventOf } from './events';

const base = {
  id: 'evt_01H',
  api: 'my-api',
  occurredAt: '2026-01-31T12:00:00.000Z',
  actor: { kind: 'account', clientId: 'cid_admin', accountId: 'sa_admin' },
  source: { ip: '203.0.113.7', userAgent: 'curl/8' },
} as const;

const account = { accountId: 'sa_1' };
const secret = { accountId: 'sa_1', secretId: 'sec_1' };

/** One valid example per event type. */
const examples: { [T in DomainEventType]: { subject: object; data: object } } = {
  'account.created': { subject: account, data: { clientId: 'cid_1', name: 'billing', scopes: ['a:read'] } },
  'account.updated': { subject: account, data: { changes: ['scopes'] } },
  'account.enabled': { subject: account, data: {} },
  'account.disabled': { subject: account, data: {} },
  'account.deleted': { subject: account, data: { clientId: 'cid_1' } },
  'secret.created': { subject: secret, data: { hint: 'tsk_…ab12', expiresAt: null } },
  'secret.updated': { subject: secret, data: { changes: ['description'] } },
  'secret.enabled': { subject: secret, data: {} },
  'secret.disabled': { subject: secret, data: {} },
  'secret.deleted': { subject: secret, data: {} },
  'secret.expired': { subject: secret, data: { expiredAt: '2026-01-31T00:00:00Z' } },
  'secret.rotated': { subject: secret, data: { stillEnabledSecretIds: ['sec_0'], scheduledDisableAt: null } },
  'secret.leak_reported': { subject: secret, data: { url: 'https://github.com/o/r/blob/1/.env', source: 'content', type: 'tessera_client_secret', disabled: true } },
  'token.issued': {
    subject: secret,
    data: { jtis: ['jti_1', 'jti_2'], scope: 'a:read', expiresAt: '2026-01-31T12:15:00.000Z', grant: 'client_credentials' },
  },
  'token.revoked': {
    subject: secret,
    data: { jti: 'jti_1', expiresAt: '2026-01-31T12:15:00.000Z', reason: 'revocation_request' },
  },
  'authentication.failed': { subject: {}, data: { clientId: 'cid_x', reason: 'UNKNOWN_CLIENT', grant: 'seed' } },
  'reminder.sent': { subject: secret, data: { secretId: 'sec_1', reminderKey: '30d', channel: 'webhook' } },
  'key.rotated': { subject: { keyId: 'key_2' }, data: { newKeyId: 'key_2', previousKeyId: 'key_1' } },
  'key.deleted': { subject: { keyId: 'key_1' }, data: { retiredAt: '2026-01-30T12:00:00.000Z' } },
  'api.created': { subject: {}, data: {} },
  'api.updated': { subject: {}, data: { changes: ['maxSecretLifetimeDays'], secretsBeyondPolicy: 2 } },
  'channel.created': { subject: {}, data: { channelId: 'chn_1', kind: 'webhook', target: 'https://hooks.example/tessera' } },
  'channel.deleted': { subject: {}, data: { channelId: 'chn_1' } },
  'channel.secret_rotated': { subject: {}, data: { channelId: 'chn_1', previousSecretExpiresAt: '2026-02-01T12:00:00.000Z' } },
};

function eventOf(type: DomainEventType, patch: Record<string, unknown> = {}) {
  return { ...base, type, ...examples[type], ...patch };
}

describe('DomainEvent', () => {
  it('has one schema per stored type name', () => {
    expect(DomainEvent.options).toHaveLength(DomainEventType.options.length);
    expect(DomainEvent.options.map((o) => o.shape.type.value).sort()).toEqual([...DomainEventType.options].sort());
  });

  it.each(DomainEventType.options)('parses a valid %s event', (type) => {
    const input = eventOf(type);
    expect(parseDomainEvent(input)).toEqual(input);
  });

  it.each(DomainEventType.options)('rejects a %s event carrying an extra data field', (type) => {
    const input = eventOf(type, { data: { ...examples[type].data, clientSecret: 'tsk_leak' } });
    const result = DomainEvent.safeParse(input);
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!).map((issue) => issue.path)).toContain('data.clientSecret');
  });

  it('rejects an unknown type, naming it', () => {
    const result = DomainEvent.safeParse({ ...eventOf('account.enabled'), type: 'account.renamed' });
    expect(formatZodError(result.error!)).toEqual([{ path: 'type', message: '"type": has an unsupported value' }]);
  });

  it('types data by event type', () => {
    const event = parseDomainEvent(eventOf('authentication.failed'));
    if (event.type === 'authentication.failed') {
      const data: DomainEventOf<'authentication.failed'>['data'] = event.data;
      expect(data.reason).toBe('UNKNOWN_CLIENT');
    } else {
      expect.unreachable();
    }
  });

  it('still reads an api.updated event written before it counted the secrets beyond the policy', () => {
    expect(DomainEvent.safeParse(eventOf('api.updated', { data: { changes: ['tokenLifetimeSeconds'] } })).success).toBe(true);
    expect(DomainEvent.safeParse(eventOf('api.updated', { data: { changes: ['allowNeverExpires'], secretsBeyondPolicy: -1 } })).success).toBe(false);
  });

  it('accepts an unknown client id of null on authentication failures', () => {
    const input = eventOf('authentication.failed', {
      data: { clientId: null, reason: 'SECRET_MALFORMED', grant: 'client_credentials' },
      actor: { kind: 'system' },
      source: { ip: null, userAgent: null },
    });
    expect(DomainEvent.safeParse(input).success).toBe(true);
  });

  it.each([
    ['a bad failure reason', eventOf('authentication.failed', { data: { clientId: null, reason: 'WRONG', grant: 'seed' } }), 'data.reason'],
    ['a secret event without secretId', eventOf('secret.disabled', { subject: account }), 'subject.secretId'],
    ['an account actor without accountId', eventOf('account.enabled', { actor: { kind: 'account' } }), 'actor.accountId'],
    ['an id without the evt_ prefix', eventOf('account.enabled', { id: '01H' }), 'id'],
    ['a local time', eventOf('account.enabled', { occurredAt: '2026-01-31T12:00:00' }), 'occurredAt'],
    ['an empty change list', eventOf('account.updated', { data: { changes: [] } }), 'data.changes'],
    ['a token grant of introspection', eventOf('token.issued', { data: { ...examples['token.issued'].data, grant: 'introspection' } }), 'data.grant'],
    ['a token.issued event listing no token', eventOf('token.issued', { data: { ...examples['token.issued'].data, jtis: [] } }), 'data.jtis'],
    [
      'a token.issued event listing more tokens than one event holds',
      eventOf('token.issued', { data: { ...examples['token.issued'].data, jtis: Array.from({ length: MAX_TOKENS_PER_ISSUED_EVENT + 1 }, (_, i) => `jti_${i}`) } }),
      'data.jtis',
    ],
    ['an extra envelope field', eventOf('api.created', { token: 'eyJ' }), 'token'],
  ])('rejects %s', (_label, input, field) => {
    const result = DomainEvent.safeParse(input);
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!).map((issue) => issue.path)).toContain(field);
  });

  it('allows key rotations without an API (keys belong to the issuer)', () => {
    expect(DomainEvent.safeParse(eventOf('key.rotated', { api: null, actor: { kind: 'cli' } })).success).toBe(true);
    expect(DomainEvent.safeParse(eventOf('key.deleted', { api: null, actor: { kind: 'system' } })).success).toBe(true);
    expect(DomainEvent.safeParse(eventOf('api.created', { api: null })).success).toBe(false);
  });

  it('throws from parseDomainEvent on invalid input', () => {
    expect(() => parseDomainEvent({ type: 'token.issued' })).toThrow();
  });

  it('records a leak report with a leak_report actor, refusing a missing field or a forged line in the reporter\'s text', () => {
    const report = {
      ...base,
      actor: { kind: 'leak_report' },
      type: 'secret.leak_reported',
      subject: secret,
      data: { url: '', source: '', type: 'tessera_client_secret', disabled: false },
    };
    expect(DomainEvent.parse(report)).toEqual(report);
    const paths = (input: unknown) => formatZodError(DomainEvent.safeParse(input).error!).map((issue) => issue.path);
    expect(paths({ ...report, data: { url: '', source: '', type: 'x' } })).toEqual(['data.disabled']);
    expect(paths({ ...report, data: { ...report.data, url: 'https://a.test/\r\nBcc: x' } })).toEqual(['data.url']);
    expect(paths({ ...report, data: { ...report.data, url: `https://a.test/${'a'.repeat(2048)}` } })).toEqual(['data.url']);
    expect(paths({ ...report, data: { ...report.data, source: '\ud800' } })).toEqual(['data.source']);
    expect(paths({ ...report, data: { ...report.data, token: 'tsk_x' } })).toEqual(['data.token']);
    expect(paths({ ...report, actor: { kind: 'reporter' } })).toEqual(['actor.kind']);
  });
});
