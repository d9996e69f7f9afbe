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

  /**
   * Deletes a key, private half included: it leaves the JWKS, and its tokens fail verification.
   * Whether this call removed it: when processes delete the same key at once, only one did.
   */
  async delete(id: string): Promise<boolean> {
    return (await this.em.nativeDelete(SigningKeyEntity, { id })) > 0;
  }
}
