import { Inject, Injectable } from '@nestjs/common';
import type { Clock, RandomBytes } from '@tessera/domain';
import { Store } from '@tessera/store';
import { InvalidationBus } from '../cluster/invalidation-bus';
import { SharedReadCache } from '../common/shared-read-cache';
import { CLOCK, RANDOM } from '../common/tokens';

/** A stored document of a demo collection, as returned to callers. */
export interface CollectionDocument {
  readonly id: string;
  readonly createdAt: string;
  readonly [field: string]: unknown;
}

/** Most documents one list returns. */
export const MAX_LIST = 100;
const TTL_MS = 2_000;

/**
 * The protected demo API: small JSON documents per API and collection. Lists are read-mostly, so
 * the first page of each collection is kept in memory for up to two seconds and dropped on every
 * process as soon as a document is added (invalidation bus); the database stays the record.
 * Concurrent requests that find no fresh page share one database read.
 */
@Injectable()
export class CollectionsService {
  private readonly lists = new SharedReadCache<CollectionDocument[]>(TTL_MS, 10_000);

  constructor(
    private readonly store: Store,
    private readonly bus: InvalidationBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
  ) {
    bus.onMessage((message) => {
      if (message.type === 'collection-changed') this.lists.delete(key(message.api, message.collection));
    });
  }

  async list(api: string, collection: string, limit: number): Promise<CollectionDocument[]> {
    return (await this.lists.get(key(api, collection), () => this.load(api, collection))).slice(0, limit);
  }

  private async load(api: string, collection: string): Promise<CollectionDocument[]> {
    const rows = await this.store.session().documents.list(api, collection, MAX_LIST);
    return rows.map((row) => ({ ...row.body, id: row.id, createdAt: row.createdAt.toISOString() }));
  }

  async add(api: string, collection: string, body: Record<string, unknown>): Promise<CollectionDocument> {
    const now = this.clock.now();
    // Time first (fixed-width base36), then randomness: ids list in insertion order.
    const id = `doc_${now.getTime().toString(36).padStart(9, '0')}${Buffer.from(this.random(10)).toString('base64url')}`;
    await this.store.session().documents.insert({ id, api, collection, body, createdAt: now });
    await this.bus.publish({ type: 'collection-changed', api, collection });
    return { ...body, id, createdAt: now.toISOString() };
  }
}

function key(api: string, collection: string): string {
  return `${api}/${collection}`;
}
