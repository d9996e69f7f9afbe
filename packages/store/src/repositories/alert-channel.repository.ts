import type { EntityManager } from '@mikro-orm/core';
import { AlertChannelEntity, type AlertChannelRow } from '../entities';

/** Security contacts of an API. */
export class AlertChannelRepository {
  constructor(private readonly em: EntityManager) {}

  async list(api: string): Promise<AlertChannelRow[]> {
    return this.em.find(AlertChannelEntity, { api }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  }

  async find(api: string, id: string): Promise<AlertChannelRow | null> {
    return this.em.findOne(AlertChannelEntity, { api, id }, { disableIdentityMap: true });
  }

  async insert(row: AlertChannelRow): Promise<void> {
    await this.em.insert(AlertChannelEntity, row);
  }

  async delete(api: string, id: string): Promise<number> {
    return this.em.nativeDelete(AlertChannelEntity, { api, id });
  }
}
