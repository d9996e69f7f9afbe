import { EntitySchema } from '@mikro-orm/core';

/** A tenant: one API whose service accounts Tessera manages, with its policy. */
export interface ApiRow {
  slug: string;
  tokenLifetimeSeconds: number;
  reminderThresholdsDays: number[];
  maxSecretLifetimeDays: number | null;
  allowNeverExpires: boolean;
  maxSecretsPerAccount: number;
  unusedAfterDays: number;
  createdAt: Date;
  updatedAt: Date;
}

export const ApiEntity = new EntitySchema<ApiRow>({
  name: 'Api',
  tableName: 'api',
  properties: {
    slug: { type: 'string', length: 63, primary: true },
    tokenLifetimeSeconds: { type: 'integer' },
    reminderThresholdsDays: { type: 'json' },
    maxSecretLifetimeDays: { type: 'integer', nullable: true },
    allowNeverExpires: { type: 'boolean' },
    maxSecretsPerAccount: { type: 'integer' },
    unusedAfterDays: { type: 'integer' },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});
