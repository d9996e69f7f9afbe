import { EntitySchema } from '@mikro-orm/core';

/** A security contact of an API: a webhook (with its signing secret, encrypted) or an e-mail address. */
export interface AlertChannelRow {
  id: string;
  api: string;
  kind: string;
  target: string;
  /** Webhooks only: the signing secret, encrypted under a key derived from the pepper. */
  encryptedSecret: string | null;
  /** Webhooks only, after a rotation: the previous signing secret (encrypted), still signing until `previousSecretExpiresAt`. */
  previousEncryptedSecret: string | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
}

export const AlertChannelEntity = new EntitySchema<AlertChannelRow>({
  name: 'AlertChannel',
  tableName: 'alert_channel',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    api: { type: 'string', length: 63, index: true },
    kind: { type: 'string', length: 10 },
    target: { type: 'string', length: 2048 },
    encryptedSecret: { type: 'text', nullable: true },
    previousEncryptedSecret: { type: 'text', nullable: true },
    previousSecretExpiresAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
  },
});
