import { Injectable } from '@nestjs/common';
import type { ApiPolicy } from '@tessera/domain';
import { Store } from '@tessera/store';
import { InvalidationBus } from '../cluster/invalidation-bus';
import { SharedReadCache } from '../common/shared-read-cache';

const TTL_MS = 10_000;

/**
 * APIs' policies as read by the hot paths (token lifetime on every issuance). A policy change
 * invalidates the entry on every process at once; the TTL bounds staleness if a message is lost.
 * Requests that find no fresh entry while it is being read share that read.
 */
@Injectable()
export class ApiPolicyCache {
  private readonly entries = new SharedReadCache<ApiPolicy | null>(TTL_MS);

  constructor(
    private readonly store: Store,
    bus: InvalidationBus,
  ) {
    bus.onMessage((message) => {
      if (message.type === 'api-changed') this.entries.delete(message.api);
    });
  }

  get(api: string): Promise<ApiPolicy | null> {
    return this.entries.get(api, () => this.load(api));
  }

  private async load(api: string): Promise<ApiPolicy | null> {
    return (await this.store.session().apis.find(api))?.policy ?? null;
  }
}
