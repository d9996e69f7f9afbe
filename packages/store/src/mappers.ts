import type { AccountId, ApiPolicy, ClientId, Scope, Secret, SecretId, ServiceAccount, Status } from '@tessera/domain';
import { accountNameKey } from '@tessera/domain';
import type { ApiRow, SecretRow, ServiceAccountRow } from './entities';

/** An API (tenant) with its policy, as the services see it. */
export interface Api {
  readonly slug: string;
  readonly policy: ApiPolicy;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function toApi(row: ApiRow): Api {
  return {
    slug: row.slug,
    policy: {
      tokenLifetimeSeconds: row.tokenLifetimeSeconds,
      reminderThresholdsDays: [...row.reminderThresholdsDays],
      maxSecretLifetimeDays: row.maxSecretLifetimeDays,
      allowNeverExpires: row.allowNeverExpires,
      maxSecretsPerAccount: row.maxSecretsPerAccount,
      unusedAfterDays: row.unusedAfterDays,
    },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function apiRowFields(api: Api): ApiRow {
  return {
    slug: api.slug,
    ...api.policy,
    reminderThresholdsDays: [...api.policy.reminderThresholdsDays],
    createdAt: api.createdAt,
    updatedAt: api.updatedAt,
  };
}

export function toServiceAccount(row: ServiceAccountRow): ServiceAccount {
  return {
    id: row.id as AccountId,
    api: row.api,
    clientId: row.clientId as ClientId,
    name: row.name,
    description: row.description,
    scopes: row.scopes as Scope[],
    status: row.status as Status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export function serviceAccountRowFields(account: ServiceAccount): ServiceAccountRow {
  return {
    id: account.id,
    api: account.api,
    clientId: account.clientId,
    name: account.name,
    nameKey: accountNameKey(account.name),
    description: account.description,
    scopes: [...account.scopes],
    status: account.status,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    lastUsedAt: account.lastUsedAt,
  };
}

/** A secret together with its optional scheduled disable time (rotation). */
export type StoredSecret = Secret & { readonly disableAt: Date | null };

export function toSecret(row: SecretRow): StoredSecret {
  return {
    id: row.id as SecretId,
    accountId: row.accountId as AccountId,
    hash: row.hash,
    hint: row.hint,
    description: row.description,
    status: row.status as Status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    expiresAt: row.expiresAt,
    disabledAt: row.disabledAt,
    lastUsedAt: row.lastUsedAt,
    disableAt: row.disableAt,
  };
}

export function secretRowFields(api: string, secret: Secret, disableAt: Date | null = null): SecretRow {
  return {
    id: secret.id,
    accountId: secret.accountId,
    api,
    hash: secret.hash,
    hint: secret.hint,
    description: secret.description,
    status: secret.status,
    createdAt: secret.createdAt,
    updatedAt: secret.updatedAt,
    expiresAt: secret.expiresAt,
    disabledAt: secret.disabledAt,
    lastUsedAt: secret.lastUsedAt,
    disableAt,
  };
}
