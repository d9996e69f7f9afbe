import type { EntityManager } from '@mikro-orm/core';
import { ApiEntity } from '../entities';
import { apiRowFields, toApi, type Api } from '../mappers';

/** APIs (tenants) and their policies. */
export class ApiRepository {
  constructor(private readonly em: EntityManager) {}

  async find(slug: string): Promise<Api | null> {
    const row = await this.em.findOne(ApiEntity, { slug }, { disableIdentityMap: true });
    return row ? toApi(row) : null;
  }

  async insert(api: Api): Promise<void> {
    await this.em.insert(ApiEntity, apiRowFields(api));
  }

  async update(api: Api): Promise<void> {
    const { slug, createdAt: _createdAt, ...fields } = apiRowFields(api);
    await this.em.nativeUpdate(ApiEntity, { slug }, fields);
  }
}
