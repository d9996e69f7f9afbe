import { EntitySchema } from '@mikro-orm/core';

/**
 * A revocation: tokens of this kind and value issued at or before `revokedAt` are refused until
 * `expiresAt`, after which no such token can still be live and the row may be purged.
 */
export interface RevocationRow {
  id: string;
  kind: string;
  value: string;
  api: string;
  revokedAt: Date;
  expiresAt: Date;
}

export const RevocationEntity = new EntitySchema<RevocationRow>({
  name: 'Revocation',
  tableName: 'revocation',
  properties: {
    id: { type: 'string', length: 120, primary: true },
    kind: { type: 'string', length: 10 },
    value: { type: 'string', length: 100 },
    api: { type: 'string', length: 63 },
    revokedAt: { type: 'datetime' },
    expiresAt: { type: 'datetime', index: true },
  },
});
