import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as contracts from './index';

/** Collects every object key reachable in a schema, as dotted paths (`data.clientId`). Test helper. */
function keyPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const child = (s: unknown, p: string) => keyPaths(s as z.ZodType, p);
  switch (def.type) {
    case 'object': {
      const shape = def['shape'] as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([key, value]) => {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        return [path, ...child(value, path)];
      });
    }
    case 'union':
      return (def['options'] as z.ZodType[]).flatMap((option) => child(option, prefix));
    case 'array':
      return child(def['element'], prefix);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return child(def['innerType'], prefix);
    case 'pipe':
      return [...child(def['in'], prefix), ...child(def['out'], prefix)];
    case 'record':
      return child(def['valueType'], prefix);
    default:
      return [];
  }
}

/** Key names that would carry a secret or a token. `secretId`, `hint`, `jti` are fine. */
const SECRET_KEY = /^(client_?secret|secret|token|access_?token|refresh_?token|password|hash|secret_?hash|pepper)$/i;

/** The only schemas allowed to hold a secret or a token, and where. */
const ALLOWED: Record<string, string[]> = {
  SeedTokenRequest: ['clientSecret'],
  SeedTokenResponse: ['token'],
  OAuthTokenRequest: ['client_secret'],
  OAuthTokenResponse: ['access_token'],
  IntrospectionRequest: ['token', 'client_secret'],
  RevocationRequest: ['token', 'client_secret'],
  LeakedSecretsRequest: ['token'],
  LeakedSecretReport: ['token'],
  SecretCreatedResponse: ['clientSecret'],
  RotateSecretResponse: ['secret', 'secret.clientSecret'],
  CreateAlertChannelRequest: ['secret'],
  RotateAlertChannelSecretRequest: ['secret'],
};

function isSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

const schemas = Object.entries(contracts as Record<string, unknown>).filter((entry): entry is [string, z.ZodType] => isSchema(entry[1]));

describe('no secret or token outside the allowed places', () => {
  it('walks a meaningful number of schemas', () => {
    expect(schemas.length).toBeGreaterThan(50);
  });

  it.each(Object.entries(ALLOWED))('finds the allowed secret fields of %s (the walk works)', (name, allowed) => {
    const schema = (contracts as Record<string, unknown>)[name] as z.ZodType;
    const found = keyPaths(schema).filter((path) => SECRET_KEY.test(path.split('.').at(-1) ?? ''));
    expect([...new Set(found)].sort()).toEqual([...allowed].sort());
  });

  it.each(schemas)('%s', (name, schema) => {
    const offending = keyPaths(schema).filter((path) => SECRET_KEY.test(path.split('.').at(-1) ?? ''));
    expect(offending.filter((path) => !(ALLOWED[name] ?? []).includes(path))).toEqual([]);
  });

  it('events, jobs and webhooks carry none at all', () => {
    for (const name of ['DomainEvent', 'EventJob', 'DeliveryJob', 'WebhookEnvelope', 'AuditEventPage', 'AccessTokenClaims']) {
      const schema = (contracts as Record<string, unknown>)[name];
      expect(isSchema(schema)).toBe(true);
      const offending = keyPaths(schema as z.ZodType).filter((path) => SECRET_KEY.test(path.split('.').at(-1) ?? ''));
      expect(offending).toEqual([]);
    }
  });
});
