import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { DocumentEntity, type DocumentRow } from '../entities';

/** Documents of the protected demo collections, per API and collection. */
export class DocumentRepository {
  constructor(private readonly em: EntityManager) {}

  async list(api: string, collection: string, limit: number): Promise<DocumentRow[]> {
    return this.em.find(DocumentEntity, { api, collection }, { orderBy: { id: 'asc' }, limit, disableIdentityMap: true });
  }

  /**
   * Through the query builder: `em.insert` checks its data as if it were query parameters, walking
   * into the JSON body, and threw a TypeError (a 500) on any object in it with a `constructor` key.
   */
  async insert(row: DocumentRow): Promise<void> {
    await (this.em as SqlEntityManager).createQueryBuilder(DocumentEntity).insert(row).execute('run');
  }
}
