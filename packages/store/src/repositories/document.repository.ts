import type { EntityManager } from '@mikro-orm/core';
import { DocumentEntity, type DocumentRow } from '../entities';

/** Documents of the protected demo collections, per API and collection. */
export class DocumentRepository {
  constructor(private readonly em: EntityManager) {}

  async list(api: string, collection: string, limit: number): Promise<DocumentRow[]> {
    return this.em.find(DocumentEntity, { api, collection }, { orderBy: { id: 'asc' }, limit, disableIdentityMap: true });
  }

  async insert(row: DocumentRow): Promise<void> {
    await this.em.insert(DocumentEntity, row);
  }
}
