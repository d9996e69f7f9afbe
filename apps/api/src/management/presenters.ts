import type { ApiPolicyResponse, SecretCreatedResponse, SecretResponse, ServiceAccountResponse, UpdatedApiPolicyResponse } from '@tessera/contracts';
import type { Secret, ServiceAccount } from '@tessera/domain';
import type { Api } from '@tessera/store';
import type { ApiPolicyChange } from './apis.service';

/**
 * Explicit mappers from domain objects to response bodies: whitelisted fields only, so a hash or
 * a secret can never leak through a serialised entity. Only `presentCreatedSecret` carries a
 * plaintext secret, and only at creation.
 */
export function presentAccount(account: ServiceAccount): ServiceAccountResponse {
  return {
    id: account.id,
    clientId: account.clientId,
    name: account.name,
    description: account.description,
    scopes: [...account.scopes],
    status: account.status,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
    lastUsedAt: account.lastUsedAt?.toISOString() ?? null,
  };
}

export function presentSecret(secret: Secret & { readonly disableAt?: Date | null }): SecretResponse {
  return {
    id: secret.id,
    hint: secret.hint,
    description: secret.description,
    status: secret.status,
    createdAt: secret.createdAt.toISOString(),
    expiresAt: secret.expiresAt?.toISOString() ?? null,
    disabledAt: secret.disabledAt?.toISOString() ?? null,
    lastUsedAt: secret.lastUsedAt?.toISOString() ?? null,
    scheduledDisableAt: secret.status === 'enabled' ? (secret.disableAt?.toISOString() ?? null) : null,
  };
}

export function presentCreatedSecret(account: ServiceAccount, secret: Secret, plaintext: string): SecretCreatedResponse {
  return {
    id: secret.id,
    clientId: account.clientId,
    clientSecret: plaintext,
    hint: secret.hint,
    description: secret.description,
    status: secret.status,
    createdAt: secret.createdAt.toISOString(),
    expiresAt: secret.expiresAt?.toISOString() ?? null,
  };
}

export function presentApi(api: Api): ApiPolicyResponse {
  return {
    api: api.slug,
    ...api.policy,
    reminderThresholdsDays: [...api.policy.reminderThresholdsDays],
    createdAt: api.createdAt.toISOString(),
    updatedAt: api.updatedAt.toISOString(),
  };
}

/** A policy change's answer: the policy, and how many existing secrets it would not give now. */
export function presentUpdatedApi(result: ApiPolicyChange): UpdatedApiPolicyResponse {
  return { ...presentApi(result.api), secretsBeyondPolicy: result.secretsBeyondPolicy };
}
