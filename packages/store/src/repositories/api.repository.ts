import type { EntityManager } from '@mikro-orm/core';
import { ApiEntity } from '../entities';
import { lockFor } from '../locking';
import { apiRowFields, toApi, type Api } from '../mappers';

/** APIs (tenants) and their policies. */
export class ApiRepository {
  constructor(private readonly em: EntityManager) {}

  async find(slug: string): Promise<Api | null> {
    const row = await this.em.findOne(ApiEntity, { slug }, { disableIdentityMap: true });
    return row ? toApi(row) : null;
  }

  /**
   * Reads the API and locks its row until the transaction ends: `update` for policy changes (one
   * at a time), `share` for changes that must see the policy stay as read (secrets added under it).
   */
  async lock(slug: string, mode: 'update' | 'share' = 'update'): Promise<Api | null> {
    const row = await this.em.findOne(ApiEntity, { slug }, { disableIdentityMap: true, ...lockFor(this.em, mode) });
    return row ? toApi(row) : null;
  }

  async all(): Promise<Api[]> {
    const rows = await this.em.find(ApiEntity, {}, { orderBy: { slug: 'asc' }, disableIdentityMap: true });
    return rows.map(toApi);
  }

  async insert(api: Api): Promise<void> {
    await this.em.insert(ApiEntity, apiRowFields(api));
  }

  async update(api: Api): Promise<void> {
    const { slug, createdAt: _createdAt, ...fields } = apiRowFields(api);
    await this.em.nativeUpdate(ApiEntity, { slug }, fields);
  }
}
