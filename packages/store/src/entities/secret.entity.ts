import { EntitySchema } from '@mikro-orm/core';

/** Persisted form of a domain `Secret`: the keyed hash and a hint, never the plaintext. */
export interface SecretRow {
  id: string;
  accountId: string;
  api: string;
  hash: string;
  hint: string;
  description: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
  disabledAt: Date | null;
  lastUsedAt: Date | null;
  /** When set, the secret is disabled automatically at this time (zero-downtime rotation). */
  disableAt: Date | null;
}

export const SecretEntity = new EntitySchema<SecretRow>({
  name: 'Secret',
  tableName: 'secret',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    accountId: { type: 'string', length: 40, index: true },
    api: { type: 'string', length: 63 },
    hash: { type: 'string', length: 64, unique: true },
    hint: { type: 'string', length: 16 },
    description: { type: 'string', length: 500 },
    status: { type: 'string', length: 10 },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    expiresAt: { type: 'datetime', nullable: true },
    disabledAt: { type: 'datetime', nullable: true },
    lastUsedAt: { type: 'datetime', nullable: true },
    disableAt: { type: 'datetime', nullable: true },
  },
});
