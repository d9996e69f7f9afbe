import { Inject, Injectable } from '@nestjs/common';
import type { Clock, RandomBytes } from '@tessera/domain';
import { Store } from '@tessera/store';
import { CLOCK, RANDOM } from '../common/tokens';

/** A stored document of a demo collection, as returned to callers. */
export interface CollectionDocument {
  readonly id: string;
  readonly createdAt: string;
  readonly [field: string]: unknown;
}

/** The protected demo API: small JSON documents per API and collection. */
@Injectable()
export class CollectionsService {
  constructor(
    private readonly store: Store,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
  ) {}

  async list(api: string, collection: string, limit: number): Promise<CollectionDocument[]> {
    const rows = await this.store.session().documents.list(api, collection, limit);
    return rows.map((row) => ({ ...row.body, id: row.id, createdAt: row.createdAt.toISOString() }));
  }

  async add(api: string, collection: string, body: Record<string, unknown>): Promise<CollectionDocument> {
    const now = this.clock.now();
    // Time first (fixed-width base36), then randomness: ids list in insertion order.
    const id = `doc_${now.getTime().toString(36).padStart(9, '0')}${Buffer.from(this.random(10)).toString('base64url')}`;
    await this.store.session().documents.insert({ id, api, collection, body, createdAt: now });
    return { ...body, id, createdAt: now.toISOString() };
  }
}
