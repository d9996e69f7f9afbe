import { Injectable } from '@nestjs/common';
import type { ApiPolicy } from '@tessera/domain';
import { Store } from '@tessera/store';
import { InvalidationBus } from '../cluster/invalidation-bus';

const TTL_MS = 10_000;

/**
 * APIs' policies as read by the hot paths (token lifetime on every issuance). A policy change
 * invalidates the entry on every process at once; the TTL bounds staleness if a message is lost.
 * Requests that find no fresh entry while it is being read share that read.
 */
@Injectable()
export class ApiPolicyCache {
  private readonly entries = new Map<string, { policy: Promise<ApiPolicy | null>; loadedAt: number }>();

  constructor(
    private readonly store: Store,
    bus: InvalidationBus,
  ) {
    bus.onMessage((message) => {
      if (message.type === 'api-changed') this.entries.delete(message.api);
    });
  }

  async get(api: string): Promise<ApiPolicy | null> {
    const cached = this.entries.get(api);
    if (cached && Date.now() - cached.loadedAt < TTL_MS) return cached.policy;
    const loading = { policy: this.load(api), loadedAt: Date.now() };
    this.entries.set(api, loading);
    // A failed read is not kept: the next request tries again.
    loading.policy.catch(() => {
      if (this.entries.get(api) === loading) this.entries.delete(api);
    });
    return loading.policy;
  }

  private async load(api: string): Promise<ApiPolicy | null> {
    return (await this.store.session().apis.find(api))?.policy ?? null;
  }
}
