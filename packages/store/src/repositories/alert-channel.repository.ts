import type { EntityManager } from '@mikro-orm/core';
import { AlertChannelEntity, type AlertChannelRow } from '../entities';
import { lockFor } from '../locking';

/** Security contacts of an API. */
export class AlertChannelRepository {
  constructor(private readonly em: EntityManager) {}

  async list(api: string): Promise<AlertChannelRow[]> {
    return this.em.find(AlertChannelEntity, { api }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  }

  async find(api: string, id: string): Promise<AlertChannelRow | null> {
    return this.em.findOne(AlertChannelEntity, { api, id }, { disableIdentityMap: true });
  }

  /** The sealed signing secret of any one webhook, or null when there is none (for checking the pepper). */
  async anySealedSecret(): Promise<string | null> {
    const channel = await this.em.findOne(AlertChannelEntity, { encryptedSecret: { $ne: null } }, { disableIdentityMap: true });
    return channel?.encryptedSecret ?? null;
  }

  async insert(row: AlertChannelRow): Promise<void> {
    await this.em.insert(AlertChannelEntity, row);
  }

  /** Reads the channel and locks its row until the transaction ends (see `lockFor`). */
  async lock(api: string, id: string): Promise<AlertChannelRow | null> {
    return this.em.findOne(AlertChannelEntity, { api, id }, { disableIdentityMap: true, ...lockFor(this.em) });
  }

  /** Replaces a webhook's signing secret, keeping the one it replaces and until when it still signs. */
  async rotateSecret(api: string, id: string, next: Pick<AlertChannelRow, 'encryptedSecret' | 'previousEncryptedSecret' | 'previousSecretExpiresAt'>): Promise<void> {
    await this.em.nativeUpdate(AlertChannelEntity, { api, id }, next);
  }

  async delete(api: string, id: string): Promise<number> {
    return this.em.nativeDelete(AlertChannelEntity, { api, id });
  }
}
