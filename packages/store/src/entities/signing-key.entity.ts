import { EntitySchema } from '@mikro-orm/core';

/** A token-signing key pair; the private half is stored encrypted under a key derived from the pepper. */
export interface SigningKeyRow {
  id: string;
  alg: string;
  publicJwk: Record<string, string>;
  encryptedPrivateKey: string;
  createdAt: Date;
  retiredAt: Date | null;
}

export const SigningKeyEntity = new EntitySchema<SigningKeyRow>({
  name: 'SigningKey',
  tableName: 'signing_key',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    alg: { type: 'string', length: 16 },
    publicJwk: { type: 'json' },
    encryptedPrivateKey: { type: 'text' },
    createdAt: { type: 'datetime' },
    retiredAt: { type: 'datetime', nullable: true },
  },
});
