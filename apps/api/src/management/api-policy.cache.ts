import { Injectable } from '@nestjs/common';
import type { ApiPolicy } from '@tessera/domain';
import { Store } from '@tessera/store';
import { InvalidationBus } from '../cluster/invalidation-bus';

const TTL_MS = 10_000;

/**
 * APIs' policies as read by the hot paths (token lifetime on every issuance). A policy change
 * invalidates the entry on every process at once; the TTL bounds staleness if a message is lost.
 */
@Injectable()
export class ApiPolicyCache {
  private readonly entries = new Map<string, { policy: ApiPolicy | null; loadedAt: number }>();

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
    const found = await this.store.session().apis.find(api);
    const policy = found?.policy ?? null;
    this.entries.set(api, { policy, loadedAt: Date.now() });
    return policy;
  }
}
