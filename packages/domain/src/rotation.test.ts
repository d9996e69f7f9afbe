import { describe, expect, it } from 'vitest';
import { DEFAULT_API_POLICY } from './policy.js';
import type { RandomBytes, SecretHasher } from './ports.js';
import { dueScheduledDisables, rotateSecret } from './rotation.js';
import { addSecret, disableSecret, type Secret, type SecretContext } from './secret.js';
import { createServiceAccount } from './service-account.js';

const NOW = new Date('2025-01-15T10:00:00.000Z');
let seed = 7;
const random: RandomBytes = (n) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) & 0xff);
const hasher: SecretHasher = { hash: (p) => `h:${p.slice(4, 12)}`, matches: (p, h) => `h:${p.slice(4, 12)}` === h };
const ctx: SecretContext = { now: NOW, random, hasher, policy: { ...DEFAULT_API_POLICY, maxSecretsPerAccount: 3 } };

const created = createServiceAccount({ api: 'my-api', name: 'svc', scopes: [] }, NOW, random);
if (!created.ok) throw created.error;
const account = created.value;
function add(existing: readonly Secret[]): Secret {
  const r = addSecret(account, existing, {}, ctx);
  if (!r.ok) throw r.error;
  return r.value.secret;
}

describe('rotateSecret', () => {
  it('adds a new secret and lists the enabled ones callers must move away from', () => {
    const old1 = add([]);
    const old2 = disableSecret(add([old1]), [], NOW).secret;
    const r = rotateSecret(account, [old1, old2], { description: 'next' }, ctx);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.secret.status).toBe('enabled');
      expect(r.value.secret.description).toBe('next');
      expect(r.value.stillEnabled).toEqual([old1]);
      expect(r.value.plaintext).toMatch(/^tsk_/);
    }
  });

  it('is refused at the secret limit', () => {
    const a = add([]);
    const b = add([a]);
    const c = add([a, b]);
    const r = rotateSecret(account, [a, b, c], {}, ctx);
    expect(!r.ok && r.error.code).toBe('SECRET.LIMIT_REACHED');
  });
});

describe('dueScheduledDisables', () => {
  it('selects enabled secrets whose disableAt has come', () => {
    const s = add([]);
    const at = (iso: string | null | undefined) => ({ ...s, disableAt: iso === undefined ? undefined : iso === null ? null : new Date(iso) });
    const due = at('2025-01-15T10:00:00.000Z');
    const past = at('2025-01-01T00:00:00.000Z');
    const future = at('2025-01-15T10:00:00.001Z');
    const disabled = { ...past, status: 'disabled' as const };
    expect(dueScheduledDisables([due, past, future, at(null), at(undefined), disabled], NOW)).toEqual([due, past]);
  });
});
