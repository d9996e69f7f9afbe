import { ABSOLUTE_MAX_SECRET_LIFETIME_DAYS, DEFAULT_API_POLICY, POLICY_BOUNDS, validatePolicy } from '@tessera/domain';
import { describe, expect, it } from 'vitest';
import { formatZodError } from '../errors';
import {
  AlertChannel,
  ApiPolicyResponse,
  CreateAlertChannelRequest,
  CreateSecretRequest,
  CreateServiceAccountRequest,
  ErrorResponse,
  ListAuditEventsQuery,
  ListServiceAccountsQuery,
  RotateAlertChannelSecretRequest,
  RotateSecretRequest,
  RotateSecretResponse,
  SecretCreatedResponse,
  SecretResponse,
  ServiceAccountPage,
  ServiceAccountResponse,
  UpdateApiPolicyRequest,
  UpdatedApiPolicyResponse,
  UpdateSecretRequest,
  UpdateServiceAccountRequest,
} from './management';

const T = '2026-01-31T12:00:00.000Z';

function paths(result: { success: boolean; error?: unknown }): string[] {
  expect(result.success).toBe(false);
  return formatZodError(result.error as never).map((issue) => issue.path);
}

const account = {
  id: 'sa_01H',
  clientId: 'cid_01H',
  name: 'billing',
  description: null,
  scopes: ['products:read'],
  status: 'enabled',
  createdAt: T,
  updatedAt: T,
  lastUsedAt: null,
};

const secret = {
  id: 'sec_01H',
  hint: 'tsk_…ab12',
  description: 'ci',
  status: 'enabled',
  createdAt: T,
  expiresAt: '2028-01-31T12:00:00.000Z',
  disabledAt: null,
  lastUsedAt: null,
  scheduledDisableAt: null,
};

const created = {
  id: 'sec_01H',
  clientId: 'cid_01H',
  clientSecret: 'tsk_secretvalue',
  hint: 'tsk_…ab12',
  description: null,
  status: 'enabled',
  createdAt: T,
  expiresAt: null,
};

describe('service accounts', () => {
  it('creates with name, description, scopes', () => {
    expect(CreateServiceAccountRequest.parse({ name: 'billing', description: 'x', scopes: ['a:read'] })).toEqual({
      name: 'billing',
      description: 'x',
      scopes: ['a:read'],
    });
  });

  it.each([
    [{ scopes: [] }, ['name']],
    [{ name: '   ', scopes: [] }, ['name']],
    [{ name: 'x' }, ['scopes']],
    [{ name: 'x', scopes: ['a b'] }, ['scopes.0']],
    [{ name: 'x', scopes: [], clientId: 'mine' }, ['clientId']],
    [{ name: 'x', scopes: [], status: 'enabled' }, ['status']],
  ])('rejects create %j naming %j', (input, expected) => {
    expect(paths(CreateServiceAccountRequest.safeParse(input))).toEqual(expected);
  });

  it('updates with at least one known field', () => {
    expect(UpdateServiceAccountRequest.safeParse({ status: 'disabled' }).success).toBe(true);
    expect(UpdateServiceAccountRequest.safeParse({ description: null }).success).toBe(true);
    expect(UpdateServiceAccountRequest.safeParse({}).success).toBe(false);
    expect(UpdateServiceAccountRequest.safeParse({ name: undefined }).success).toBe(false);
    expect(paths(UpdateServiceAccountRequest.safeParse({ status: 'paused' }))).toEqual(['status']);
    expect(paths(UpdateServiceAccountRequest.safeParse({ id: 'sa_2' }))).toContain('id');
  });

  it('parses responses and pages', () => {
    expect(ServiceAccountResponse.parse(account)).toEqual(account);
    expect(ServiceAccountPage.parse({ items: [account], nextCursor: null }).items).toHaveLength(1);
    expect(paths(ServiceAccountResponse.safeParse({ ...account, createdAt: 'now' }))).toEqual(['createdAt']);
  });

  it('coerces and defaults list queries', () => {
    expect(ListServiceAccountsQuery.parse({})).toEqual({ limit: 20 });
    expect(ListServiceAccountsQuery.parse({ limit: '50', status: 'disabled', q: 'bill' })).toEqual({
      limit: 50,
      status: 'disabled',
      q: 'bill',
    });
    expect(paths(ListServiceAccountsQuery.safeParse({ limit: '0' }))).toEqual(['limit']);
    expect(paths(ListServiceAccountsQuery.safeParse({ limit: '101' }))).toEqual(['limit']);
    expect(paths(ListServiceAccountsQuery.safeParse({ limit: 'ten' }))).toEqual(['limit']);
    expect(paths(ListServiceAccountsQuery.safeParse({ sort: 'name' }))).toEqual(['sort']);
  });

  it('accepts audit event queries', () => {
    expect(ListAuditEventsQuery.parse({ type: 'token.issued', accountId: 'sa_1' })).toEqual({
      type: 'token.issued',
      accountId: 'sa_1',
      limit: 20,
    });
    expect(paths(ListAuditEventsQuery.safeParse({ type: 'token.minted' }))).toEqual(['type']);
  });
});

describe('secrets', () => {
  it('creates with a date, never-expires (null) or the default', () => {
    expect(CreateSecretRequest.safeParse({}).success).toBe(true);
    expect(CreateSecretRequest.safeParse({ expiresAt: null }).success).toBe(true);
    expect(CreateSecretRequest.safeParse({ expiresAt: '2027-01-01T00:00:00+01:00', description: 'ci' }).success).toBe(true);
    // A date alone is the start of that day in UTC, as the audit trail and the CLI read it.
    expect(CreateSecretRequest.parse({ expiresAt: '2027-01-01' })).toEqual({ expiresAt: '2027-01-01T00:00:00Z' });
    expect(paths(CreateSecretRequest.safeParse({ expiresAt: '2027-02-30' }))).toEqual(['expiresAt']);
    expect(paths(CreateSecretRequest.safeParse({ expiresAt: '2027-01-01T00:00:00' }))).toEqual(['expiresAt']);
    expect(paths(CreateSecretRequest.safeParse({ clientSecret: 'chosen-by-me' }))).toEqual(['clientSecret']);
  });

  it('SecretResponse never carries the secret: it is stripped', () => {
    const parsed = SecretResponse.parse({ ...secret, clientSecret: 'tsk_leak', secretHash: 'abc', hash: 'abc' });
    expect(parsed).toEqual(secret);
    expect(Object.keys(parsed)).not.toContain('clientSecret');
    expect(JSON.stringify(parsed)).not.toContain('tsk_leak');
    expect(Object.keys(SecretResponse.shape)).not.toContain('clientSecret');
  });

  it('SecretCreatedResponse is the one place the secret appears', () => {
    expect(SecretCreatedResponse.parse(created).clientSecret).toBe('tsk_secretvalue');
    expect(paths(SecretCreatedResponse.safeParse({ ...created, clientSecret: undefined }))).toEqual(['clientSecret']);
  });

  it('updates status or description, at least one, nothing else', () => {
    expect(UpdateSecretRequest.safeParse({ status: 'disabled' }).success).toBe(true);
    expect(UpdateSecretRequest.safeParse({}).success).toBe(false);
    expect(paths(UpdateSecretRequest.safeParse({ status: 'disabled', expiresAt: T }))).toEqual(['expiresAt']);
  });

  it('rotates', () => {
    expect(RotateSecretRequest.safeParse({ disableOthersAfter: T }).success).toBe(true);
    expect(paths(RotateSecretRequest.safeParse({ disableOthersAfter: 'tomorrow' }))).toEqual(['disableOthersAfter']);
    expect(RotateSecretRequest.parse({ expiresAt: '2028-02-29', disableOthersAfter: '2027-01-31' })).toEqual({ expiresAt: '2028-02-29T00:00:00Z', disableOthersAfter: '2027-01-31T00:00:00Z' });
    expect(RotateSecretRequest.parse({ expiresAt: null })).toEqual({ expiresAt: null });
    expect(paths(RotateSecretRequest.safeParse({ disableOthersAfter: '2027-02-30' }))).toEqual(['disableOthersAfter']);
    const response = RotateSecretResponse.parse({
      secret: created,
      stillEnabled: [{ ...secret, clientSecret: 'tsk_old' }],
      scheduledDisableAt: T,
    });
    expect(JSON.stringify(response.stillEnabled)).not.toContain('tsk_old');
  });
});

describe('API policy', () => {
  const policy = {
    api: 'my-api',
    tokenLifetimeSeconds: 900,
    reminderThresholdsDays: [30, 7, 1],
    maxSecretLifetimeDays: 730,
    allowNeverExpires: false,
    maxSecretsPerAccount: 5,
    unusedAfterDays: 90,
    createdAt: T,
    updatedAt: T,
  };

  it('parses the policy, and after a change how many existing secrets it would not give now', () => {
    expect(ApiPolicyResponse.parse(policy)).toEqual(policy);
    expect(UpdatedApiPolicyResponse.parse({ ...policy, secretsBeyondPolicy: 3 })).toEqual({ ...policy, secretsBeyondPolicy: 3 });
    expect(UpdatedApiPolicyResponse.safeParse(policy).success).toBe(false);
  });

  it('updates any subset, strictly and within bounds', () => {
    expect(UpdateApiPolicyRequest.safeParse({ tokenLifetimeSeconds: 300 }).success).toBe(true);
    expect(UpdateApiPolicyRequest.safeParse({ maxSecretLifetimeDays: null }).success).toBe(true);
    expect(UpdateApiPolicyRequest.safeParse({}).success).toBe(false);
    expect(paths(UpdateApiPolicyRequest.safeParse({ tokenLifetimeSeconds: 10 }))).toEqual(['tokenLifetimeSeconds']);
    expect(paths(UpdateApiPolicyRequest.safeParse({ reminderThresholdsDays: [7, 7] }))).toEqual(['reminderThresholdsDays']);
    expect(paths(UpdateApiPolicyRequest.safeParse({ reminderThresholdsDays: [0] }))).toEqual(['reminderThresholdsDays.0']);
    expect(paths(UpdateApiPolicyRequest.safeParse({ api: 'other' }))).toContain('api');
  });

  it("takes the domain's bounds, so what it lets through the domain does not refuse", () => {
    expect(UpdateApiPolicyRequest.safeParse({ maxSecretLifetimeDays: ABSOLUTE_MAX_SECRET_LIFETIME_DAYS }).success).toBe(true);
    const tooLong = UpdateApiPolicyRequest.safeParse({ maxSecretLifetimeDays: ABSOLUTE_MAX_SECRET_LIFETIME_DAYS + 1 });
    expect(paths(tooLong)).toEqual(['maxSecretLifetimeDays']);
    expect(formatZodError(tooLong.error!)[0]!.message).toBe('"maxSecretLifetimeDays": must be null or a whole number of days from 1 to 3650');
    // Distinct days in any order: the domain keeps them largest first.
    expect(UpdateApiPolicyRequest.safeParse({ reminderThresholdsDays: [1, 7] })).toEqual({ success: true, data: { reminderThresholdsDays: [1, 7] } });
    for (const [field, bounds] of [
      ['tokenLifetimeSeconds', POLICY_BOUNDS.tokenLifetimeSeconds],
      ['maxSecretLifetimeDays', POLICY_BOUNDS.maxSecretLifetimeDays],
      ['maxSecretsPerAccount', POLICY_BOUNDS.maxSecretsPerAccount],
      ['unusedAfterDays', POLICY_BOUNDS.unusedAfterDays],
    ] as const) {
      for (const value of [bounds.min, bounds.max]) {
        const policy = { ...DEFAULT_API_POLICY, [field]: value };
        expect({ field, value, contract: UpdateApiPolicyRequest.safeParse({ [field]: value }).success }).toEqual({ field, value, contract: validatePolicy(policy).ok });
      }
      for (const value of [bounds.min - 1, bounds.max + 1]) expect(paths(UpdateApiPolicyRequest.safeParse({ [field]: value }))).toEqual([field]);
    }
    const { min, max } = POLICY_BOUNDS.reminderThresholdDays;
    expect(UpdateApiPolicyRequest.safeParse({ reminderThresholdsDays: [max, min] }).success).toBe(true);
    expect(paths(UpdateApiPolicyRequest.safeParse({ reminderThresholdsDays: [max + 1] }))).toEqual(['reminderThresholdsDays.0']);
    const tooMany = Array.from({ length: POLICY_BOUNDS.maxReminderThresholds + 1 }, (_, i) => i + 1);
    expect(paths(UpdateApiPolicyRequest.safeParse({ reminderThresholdsDays: tooMany }))).toEqual(['reminderThresholdsDays']);
  });
});

describe('alert channels', () => {
  it('accepts webhooks and e-mail', () => {
    expect(CreateAlertChannelRequest.safeParse({ kind: 'webhook', url: 'https://hooks.example/tessera' }).success).toBe(true);
    expect(CreateAlertChannelRequest.safeParse({ kind: 'webhook', url: 'http://127.0.0.1:8080/sink' }).success).toBe(true);
    expect(CreateAlertChannelRequest.safeParse({ kind: 'email', address: 'security@example.com' }).success).toBe(true);
  });

  it.each([
    [{ kind: 'webhook', url: 'ftp://x.example/' }, 'url'],
    [{ kind: 'webhook', url: 'not a url' }, 'url'],
    [{ kind: 'webhook', url: 'https://x.example', secret: 'short' }, 'secret'],
    [{ kind: 'webhook', url: 'https://user:pass@x.example/hook' }, 'url'],
    [{ kind: 'webhook', url: 'https://token@x.example/hook' }, 'url'],
    [{ kind: 'webhook', url: 'http://x.example:0/hook' }, 'url'],
    [{ kind: 'email', address: 'nobody' }, 'address'],
    [{ kind: 'email', address: 'a@example.com', url: 'https://x' }, 'url'],
    [{ kind: 'pager', target: 'x' }, 'kind'],
  ])('rejects %j naming %s', (input, field) => {
    expect(paths(CreateAlertChannelRequest.safeParse(input))).toEqual([field]);
  });

  it('never returns the webhook signing secret', () => {
    const parsed = AlertChannel.parse({ id: 'ch_1', kind: 'webhook', target: 'https://x', createdAt: T, previousSecretExpiresAt: null, secret: 'whsec' });
    expect(parsed).not.toHaveProperty('secret');
  });

  it('rotates a signing secret with an overlap of 0 s to 7 days, 24 h by default', () => {
    expect(RotateAlertChannelSecretRequest.parse({})).toEqual({ previousSecretValidForSeconds: 86_400 });
    expect(RotateAlertChannelSecretRequest.parse({ previousSecretValidForSeconds: 0 })).toEqual({ previousSecretValidForSeconds: 0 });
    expect(paths(RotateAlertChannelSecretRequest.safeParse({ previousSecretValidForSeconds: 7 * 86_400 + 1 }))).toEqual(['previousSecretValidForSeconds']);
    expect(paths(RotateAlertChannelSecretRequest.safeParse({ previousSecretValidForSeconds: 1.5 }))).toEqual(['previousSecretValidForSeconds']);
    expect(paths(RotateAlertChannelSecretRequest.safeParse({ secret: 'short' }))).toEqual(['secret']);
    expect(paths(RotateAlertChannelSecretRequest.safeParse({ overlap: 60 }))).toEqual(['overlap']);
  });
});

describe('ErrorResponse', () => {
  it('accepts the error body', () => {
    expect(
      ErrorResponse.safeParse({
        error: {
          code: 'REQUEST.VALIDATION_FAILED',
          message: 'The request body is invalid.',
          requestId: 'req_1',
          issues: [{ path: 'scopes.0', message: '"scopes.0": too small' }],
        },
      }).success,
    ).toBe(true);
    expect(ErrorResponse.safeParse({ error: { code: 'SECRET.EXPIRED', message: 'm', requestId: 'r', details: { secretId: 'sec_1' } } }).success).toBe(true);
    expect(ErrorResponse.safeParse({ error: { message: 'm', requestId: 'r' } }).success).toBe(false);
  });
});
