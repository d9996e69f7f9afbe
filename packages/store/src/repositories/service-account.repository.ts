import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { accountNameKey, type AccountId, type ServiceAccount, type Status } from '@tessera/domain';
import { ServiceAccountEntity, type ServiceAccountRow } from '../entities';
import { lockFor } from '../locking';
import { serviceAccountRowFields, toServiceAccount } from '../mappers';

/** Filters and cursor for listing the accounts of one API, newest last (ids sort by creation). */
export interface ServiceAccountQuery {
  readonly status?: Status;
  readonly q?: string;
  readonly limit: number;
  /** The id of the last account of the previous page. */
  readonly after?: string;
}

/** Service accounts. Every method but `findByClientId` works inside one API. */
export class ServiceAccountRepository {
  constructor(private readonly em: EntityManager) {}

  /** Client IDs are globally unique: the token endpoints find the API through the account. */
  async findByClientId(clientId: string): Promise<ServiceAccount | null> {
    const row = await this.em.findOne(ServiceAccountEntity, { clientId }, { disableIdentityMap: true });
    return row ? toServiceAccount(row) : null;
  }

  /** The API and account id of each of these client IDs that exists (one indexed read). */
  async ownersOf(clientIds: readonly string[]): Promise<Map<string, { api: string; accountId: string }>> {
    if (clientIds.length === 0) return new Map();
    const rows = await this.em.find(ServiceAccountEntity, { clientId: { $in: [...clientIds] } }, { fields: ['id', 'api', 'clientId'], disableIdentityMap: true });
    return new Map(rows.map((row) => [row.clientId, { api: row.api, accountId: row.id }]));
  }

  async find(api: string, id: string): Promise<ServiceAccount | null> {
    const row = await this.em.findOne(ServiceAccountEntity, { api, id }, { disableIdentityMap: true });
    return row ? toServiceAccount(row) : null;
  }

  /**
   * Reads the account and locks its row until the transaction ends (PostgreSQL `FOR UPDATE`;
   * SQLite serialises writers anyway). Every change to an account or to its secrets takes this
   * lock first, so concurrent changes apply one after the other and none is lost.
   */
  async lock(api: string, id: string): Promise<ServiceAccount | null> {
    const row = await this.em.findOne(ServiceAccountEntity, { api, id }, { disableIdentityMap: true, ...lockFor(this.em) });
    return row ? toServiceAccount(row) : null;
  }

  /** The account of an API with this name, compared as `accountNameKey` compares names. */
  async findByName(api: string, name: string): Promise<ServiceAccount | null> {
    const row = await this.em.findOne(ServiceAccountEntity, { api, nameKey: accountNameKey(name) }, { disableIdentityMap: true });
    return row ? toServiceAccount(row) : null;
  }

  /** One page plus one row, so the caller knows whether another page follows. */
  async list(api: string, query: ServiceAccountQuery): Promise<ServiceAccount[]> {
    const where: FilterQuery<ServiceAccountRow> = { api };
    if (query.status) where.status = query.status;
    if (query.after) where.id = { $gt: query.after };
    const qb = (this.em as SqlEntityManager).createQueryBuilder(ServiceAccountEntity).select('*').where(where);
    if (query.q) {
      // Case-insensitive substring of the name (wildcards taken literally, on both dialects), or the exact client ID.
      qb.andWhere("(lower(name) like ? escape '\\' or client_id = ?)", [`%${escapeLike(query.q.toLowerCase())}%`, query.q]);
    }
    const rows = await qb.orderBy({ id: 'asc' }).limit(query.limit + 1).getResultList();
    return rows.map(toServiceAccount);
  }

  /** Every enabled account of an API (for the unused-account report). */
  async enabled(api: string): Promise<ServiceAccount[]> {
    const rows = await this.em.find(ServiceAccountEntity, { api, status: 'enabled' }, { disableIdentityMap: true });
    return rows.map(toServiceAccount);
  }

  async insert(account: ServiceAccount): Promise<void> {
    await this.em.insert(ServiceAccountEntity, serviceAccountRowFields(account));
  }

  /** Writes what management may change; never `lastUsedAt`, which usage batches own. */
  async update(account: ServiceAccount): Promise<void> {
    const { id, api, clientId: _clientId, createdAt: _createdAt, lastUsedAt: _lastUsedAt, ...fields } = serviceAccountRowFields(account);
    await this.em.nativeUpdate(ServiceAccountEntity, { api, id }, fields);
  }

  async delete(api: string, id: AccountId): Promise<void> {
    await this.em.nativeDelete(ServiceAccountEntity, { api, id });
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
