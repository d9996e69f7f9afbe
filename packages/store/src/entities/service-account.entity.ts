import { EntitySchema } from '@mikro-orm/core';

/** Persisted form of a domain `ServiceAccount`; mapped in `mappers.ts`, never serialised to clients. */
export interface ServiceAccountRow {
  id: string;
  api: string;
  clientId: string;
  name: string;
  /** `accountNameKey(name)`: unique per API, so that no two accounts of one API share a name. */
  nameKey: string;
  description: string;
  scopes: string[];
  status: string;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
}

export const ServiceAccountEntity = new EntitySchema<ServiceAccountRow>({
  name: 'ServiceAccount',
  tableName: 'service_account',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    api: { type: 'string', length: 63 },
    clientId: { type: 'string', length: 40, unique: true },
    name: { type: 'string', length: 100 },
    nameKey: { type: 'text' },
    description: { type: 'string', length: 500 },
    scopes: { type: 'json' },
    status: { type: 'string', length: 10 },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    lastUsedAt: { type: 'datetime', nullable: true },
  },
  indexes: [{ properties: ['api', 'id'] }],
  uniques: [{ name: 'service_account_api_name_key_unique', properties: ['api', 'nameKey'] }],
});
