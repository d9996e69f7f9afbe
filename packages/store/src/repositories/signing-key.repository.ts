import type { EntityManager } from '@mikro-orm/core';
import { SigningKeyEntity, type SigningKeyRow } from '../entities';

/** Token-signing keys, oldest first. */
export class SigningKeyRepository {
  constructor(private readonly em: EntityManager) {}

  async all(): Promise<SigningKeyRow[]> {
    return this.em.find(SigningKeyEntity, {}, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  }

  async insert(row: SigningKeyRow): Promise<void> {
    await this.em.insert(SigningKeyEntity, row);
  }

  async retire(id: string, at: Date): Promise<void> {
    await this.em.nativeUpdate(SigningKeyEntity, { id, retiredAt: null }, { retiredAt: at });
  }
}
