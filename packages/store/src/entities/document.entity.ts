import { EntitySchema } from '@mikro-orm/core';

/** A JSON document of the protected demo collections (`/:api/:collection`). */
export interface DocumentRow {
  id: string;
  api: string;
  collection: string;
  body: Record<string, unknown>;
  createdAt: Date;
}

export const DocumentEntity = new EntitySchema<DocumentRow>({
  name: 'Document',
  tableName: 'document',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    api: { type: 'string', length: 63 },
    collection: { type: 'string', length: 63 },
    body: { type: 'json' },
    createdAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['api', 'collection', 'id'] }],
});
