export * from './api.entity';
export * from './service-account.entity';
export * from './secret.entity';
export * from './signing-key.entity';
export * from './event.entity';
export * from './revocation.entity';
export * from './document.entity';
export * from './alert-channel.entity';
export * from './notification.entity';

import { AlertChannelEntity } from './alert-channel.entity';
import { ApiEntity } from './api.entity';
import { DocumentEntity } from './document.entity';
import { EventEntity } from './event.entity';
import { DeliveryEntity, NotificationEntity } from './notification.entity';
import { RevocationEntity } from './revocation.entity';
import { SecretEntity } from './secret.entity';
import { ServiceAccountEntity } from './service-account.entity';
import { SigningKeyEntity } from './signing-key.entity';

/** Every entity schema Tessera persists. */
export const ENTITIES = [
  ApiEntity,
  ServiceAccountEntity,
  SecretEntity,
  SigningKeyEntity,
  EventEntity,
  RevocationEntity,
  DocumentEntity,
  AlertChannelEntity,
  NotificationEntity,
  DeliveryEntity,
];
