import { describe, expectTypeOf, it } from 'vitest';
import type {
  DomainEventData,
  IntrospectionResponse,
  JobPayload,
  SecretResponse,
  ServiceAccountId,
  ServiceAccountResponse,
  UpdateServiceAccountRequest,
} from './index';

describe('inferred types', () => {
  it('are precise', () => {
    // Plain strings: the branded id types live in @tessera/domain and must flow in without casts.
    expectTypeOf<ServiceAccountId>().toEqualTypeOf<string>();
    expectTypeOf<string & { readonly __brand: 'AccountId' }>().toExtend<ServiceAccountResponse['id']>();
    expectTypeOf<ServiceAccountResponse['lastUsedAt']>().toEqualTypeOf<string | null>();
    expectTypeOf<UpdateServiceAccountRequest['status']>().toEqualTypeOf<'enabled' | 'disabled' | undefined>();
    expectTypeOf<SecretResponse>().not.toHaveProperty('clientSecret');
    expectTypeOf<DomainEventData<'key.rotated'>>().toEqualTypeOf<{
      newKeyId: string;
      previousKeyId: string | null;
      withdrawnKeyIds?: string[] | undefined;
    }>();
    expectTypeOf<JobPayload<'deliveries'>>().toEqualTypeOf<{ channelId: string; eventId: string; attempt: number }>();
    expectTypeOf<Extract<IntrospectionResponse, { active: false }>>().toEqualTypeOf<{ active: false }>();
  });
});
