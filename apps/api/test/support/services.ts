/** The management services wired over a store without Nest, for tests that drive them directly. */
import type { Clock, RandomBytes } from '@tessera/domain';
import type { Store } from '@tessera/store';
import { RevocationService } from '../../src/auth/revocation.service';
import { LocalInvalidationBus } from '../../src/cluster/invalidation-bus';
import type { Config } from '../../src/config/env';
import { HmacSecretHasher } from '../../src/crypto/secret-hasher';
import { EventWriter } from '../../src/events/event-writer.service';
import { ApisService } from '../../src/management/apis.service';
import { SecretsService } from '../../src/management/secrets.service';

/** As the API module wires them: one event writer and one local invalidation bus (a fixed pepper). */
export function managementServices(store: Store, clock: Clock, random: RandomBytes): { apis: ApisService; secrets: SecretsService } {
  const events = new EventWriter(store, clock, random);
  const bus = new LocalInvalidationBus();
  const revocations = new RevocationService(store, bus, clock, {} as Config);
  return {
    apis: new ApisService(store, events, bus, clock),
    secrets: new SecretsService(store, events, revocations, new HmacSecretHasher(Buffer.alloc(32, 7)), clock, random),
  };
}
