import type { EntityManager } from '@mikro-orm/core';
import type { AccountId, PolicyLimits, Secret, SecretId } from '@tessera/domain';
import { SecretEntity } from '../entities';
import { secretRowFields, toSecret, type StoredSecret } from '../mappers';

/** Client secrets (their hashes). Every method but `findByHash` and `ownerOfHash` works inside one API. */
export class SecretRepository {
  constructor(private readonly em: EntityManager) {}

  /** The indexed lookup of authentication: the hash is unique. */
  async findByHash(hash: string): Promise<StoredSecret | null> {
    const row = await this.em.findOne(SecretEntity, { hash }, { disableIdentityMap: true });
    return row ? toSecret(row) : null;
  }

  /** Where the secret of this keyed hash lives (its API and account), for a report that names no client. */
  async ownerOfHash(hash: string): Promise<{ api: string; accountId: AccountId; secretId: SecretId } | null> {
    const row = await this.em.findOne(SecretEntity, { hash }, { fields: ['id', 'api', 'accountId'], disableIdentityMap: true });
    return row ? { api: row.api, accountId: row.accountId as AccountId, secretId: row.id as SecretId } : null;
  }

  async listByAccount(api: string, accountId: AccountId): Promise<StoredSecret[]> {
    const rows = await this.em.find(SecretEntity, { api, accountId }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
    return rows.map(toSecret);
  }

  async find(api: string, accountId: AccountId, id: string): Promise<StoredSecret | null> {
    const row = await this.em.findOne(SecretEntity, { api, accountId, id }, { disableIdentityMap: true });
    return row ? toSecret(row) : null;
  }

  async insert(api: string, secret: Secret): Promise<void> {
    await this.em.insert(SecretEntity, secretRowFields(api, secret));
  }

  async update(api: string, secret: Secret, disableAt: Date | null = null): Promise<void> {
    const { id, accountId, hash: _hash, createdAt: _createdAt, lastUsedAt: _lastUsedAt, ...fields } = secretRowFields(api, secret, disableAt);
    await this.em.nativeUpdate(SecretEntity, { api, accountId, id }, fields);
  }

  async delete(api: string, accountId: AccountId, id: SecretId): Promise<void> {
    await this.em.nativeDelete(SecretEntity, { api, accountId, id });
  }

  /** Enabled secrets whose scheduled disable time has come, across all APIs. */
  async dueForDisable(now: Date): Promise<(StoredSecret & { api: string })[]> {
    const rows = await this.em.find(SecretEntity, { status: 'enabled', disableAt: { $lte: now } }, { disableIdentityMap: true });
    return rows.map((row) => ({ ...toSecret(row), api: row.api }));
  }

  /**
   * How many secrets of an API, enabled or not, outlive `limits`: the domain's `outlivesPolicy`,
   * counted by the database (expiring after the latest expiry, or never where that is not allowed).
   */
  async countOutliving(api: string, limits: PolicyLimits): Promise<number> {
    const beyond = { expiresAt: { $gt: limits.latestExpiresAt } };
    return this.em.count(SecretEntity, { api, ...(limits.neverExpires ? beyond : { $or: [beyond, { expiresAt: null }] }) });
  }

  /** Enabled secrets of an API that expire before `horizon` (already expired ones included). */
  async expiringBefore(api: string, horizon: Date): Promise<StoredSecret[]> {
    const rows = await this.em.find(SecretEntity, { api, status: 'enabled', expiresAt: { $ne: null, $lte: horizon } }, { disableIdentityMap: true });
    return rows.map(toSecret);
  }
}
