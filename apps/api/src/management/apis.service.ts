import { Inject, Injectable } from '@nestjs/common';
import { ApiSlug } from '@tessera/contracts';
import { DEFAULT_API_POLICY, policyLimits, validatePolicy, type ApiPolicy, type Clock } from '@tessera/domain';
import { Store, type Api, type StoreSession } from '@tessera/store';
import { AppError, notFound, type AppResult } from '../common/app-error';
import { CLOCK } from '../common/tokens';
import { InvalidationBus } from '../cluster/invalidation-bus';
import type { AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';

/** A policy change's outcome: the API, and how many of its secrets the policy would not give now. */
export interface ApiPolicyChange {
  readonly api: Api;
  readonly secretsBeyondPolicy: number;
}

/** APIs (tenants) and their policies. */
@Injectable()
export class ApisService {
  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly bus: InvalidationBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(slug: string): Promise<AppResult<Api>> {
    const api = await this.store.session().apis.find(slug);
    return api ? { ok: true, value: api } : { ok: false, error: notFound(`API "${slug}"`) };
  }

  /** Returns the API, creating it with the default policy when it does not exist yet. */
  async ensure(slug: string, context: AuditContext): Promise<AppResult<{ api: Api; created: boolean }>> {
    const valid = ApiSlug.safeParse(slug);
    if (!valid.success) {
      return { ok: false, error: new AppError('REQUEST.VALIDATION_FAILED', `Invalid API slug "${slug}": ${valid.error.issues[0]?.message ?? 'invalid'}`) };
    }
    return this.store.transaction(async (tx) => {
      const existing = await tx.apis.find(slug);
      if (existing) return { ok: true, value: { api: existing, created: false } };
      const now = this.clock.now();
      const api: Api = { slug, policy: DEFAULT_API_POLICY, createdAt: now, updatedAt: now };
      await tx.apis.insert(api);
      await this.events.record(tx, this.events.event('api.created', slug, context, {}, {}));
      return { ok: true, value: { api, created: true } };
    });
  }

  /**
   * Applies a partial policy change, validated as a whole; every process sees it at once. The
   * change applies to secrets made afterwards: existing secrets keep their expiry, since shortening
   * them would cut off running callers without warning. So the answer (and the `api.updated`
   * event) says how many of them the policy would not give now, for the owner to rotate.
   */
  async update(slug: string, patch: Partial<ApiPolicy>, context: AuditContext): Promise<AppResult<ApiPolicyChange>> {
    const result = await this.store.transaction(async (tx): Promise<AppResult<ApiPolicyChange>> => {
      const api = await tx.apis.lock(slug);
      if (!api) return { ok: false, error: notFound(`API "${slug}"`) };
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<ApiPolicy>;
      const policy = validatePolicy({ ...api.policy, ...defined });
      if (!policy.ok) return policy;
      const changes = Object.keys(defined).filter(
        (key) => JSON.stringify(api.policy[key as keyof ApiPolicy]) !== JSON.stringify(policy.value[key as keyof ApiPolicy]),
      );
      const secretsBeyondPolicy = await this.secretsBeyond(tx, slug, policy.value);
      if (changes.length === 0) return { ok: true, value: { api, secretsBeyondPolicy } };
      const updated: Api = { ...api, policy: policy.value, updatedAt: this.clock.now() };
      await tx.apis.update(updated);
      await this.events.record(tx, this.events.event('api.updated', slug, context, {}, { changes, secretsBeyondPolicy }));
      return { ok: true, value: { api: updated, secretsBeyondPolicy } };
    });
    if (result.ok) await this.bus.publish({ type: 'api-changed', api: slug });
    return result;
  }

  /** How many of the API's secrets, enabled or not (one can be enabled again), `policy` would not give now. */
  private async secretsBeyond(tx: StoreSession, slug: string, policy: ApiPolicy): Promise<number> {
    return tx.secrets.countOutliving(slug, policyLimits(this.clock.now(), policy));
  }
}
