import { describe, expect, it } from 'vitest';
import { DEFAULT_API_POLICY, type ApiPolicy } from './policy.js';
import type { RandomBytes, SecretHasher } from './ports.js';
import { parseSecret } from './secret-format.js';
import {
  addSecret,
  canDeleteSecret,
  describeSecret,
  disableSecret,
  enableSecret,
  markSecretUsed,
  secretOfAccount,
  type Secret,
  type SecretContext,
} from './secret.js';
import { createServiceAccount, type ServiceAccount } from './service-account.js';

const NOW = new Date('2025-01-15T10:00:00.000Z');
const LATER = new Date('2025-03-01T00:00:00.000Z');
// One deterministic stream for the whole file, so every id and secret differs.
let state = 1;
const stream: RandomBytes = (n) => Uint8Array.from({ length: n }, () => (state = (state * 75 + 74) % 65537) & 0xff);
const counter = (): RandomBytes => stream;
const hasher: SecretHasher = {
  hash: (p) => `fake-hmac(${p.length}:${[...p].reverse().join('')})`,
  matches: (p, h) => hasher.hash(p) === h,
};
const ctx = (policy: Partial<ApiPolicy> = {}, now = NOW): SecretContext => ({ now, random: counter(), hasher, policy: { ...DEFAULT_API_POLICY, ...policy } });

function account(): ServiceAccount {
  const r = createServiceAccount({ api: 'my-api', name: 'svc', scopes: [] }, NOW, counter());
  if (!r.ok) throw r.error;
  return r.value;
}
function add(a: ServiceAccount, existing: readonly Secret[] = [], c = ctx()): { secret: Secret; plaintext: string } {
  const r = addSecret(a, existing, {}, c);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('addSecret', () => {
  it('returns the stored form and the plaintext once', () => {
    const a = account();
    const { secret, plaintext } = add(a);
    expect(parseSecret(plaintext).ok).toBe(true);
    expect(secret).toMatchObject({
      accountId: a.id,
      hint: `tsk_…${plaintext.slice(-4)}`,
      status: 'enabled',
      description: '',
      createdAt: NOW,
      updatedAt: NOW,
      expiresAt: new Date('2027-01-15T10:00:00.000Z'),
      disabledAt: null,
      lastUsedAt: null,
    });
    expect(secret.id).toMatch(/^sec_/);
    expect(hasher.matches(plaintext, secret.hash)).toBe(true);
    expect(JSON.stringify(secret)).not.toContain(plaintext);
    expect(Object.isFrozen(secret)).toBe(true);
  });

  it('enforces the per-account limit, counting only this account', () => {
    const a = account();
    const b = account();
    const first = add(a, [], ctx({ maxSecretsPerAccount: 2 })).secret;
    const second = add(a, [first], ctx({ maxSecretsPerAccount: 2 })).secret;
    const r = addSecret(a, [first, second], {}, ctx({ maxSecretsPerAccount: 2 }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SECRET.LIMIT_REACHED');
      expect(r.error.details.max).toBe(2);
    }
    expect(addSecret(b, [first, second], {}, ctx({ maxSecretsPerAccount: 2 })).ok).toBe(true);
  });

  it('passes expiry and description rules through', () => {
    const a = account();
    const past = addSecret(a, [], { expiresAt: NOW }, ctx());
    expect(!past.ok && past.error.code).toBe('SECRET.EXPIRY_IN_PAST');
    const never = addSecret(a, [], { expiresAt: null }, ctx());
    expect(!never.ok && never.error.code).toBe('SECRET.NEVER_EXPIRES_NOT_ALLOWED');
    const allowed = addSecret(a, [], { expiresAt: null, description: ' ci ' }, ctx({ allowNeverExpires: true }));
    expect(allowed.ok && allowed.value.secret.expiresAt).toBeNull();
    expect(allowed.ok && allowed.value.secret.description).toBe('ci');
    const long = addSecret(a, [], { description: 'x'.repeat(501) }, ctx());
    expect(!long.ok && long.error.code).toBe('SECRET.DESCRIPTION_INVALID');
  });
});

describe('enable / disable / delete', () => {
  it('disabling the last enabled secret is reported', () => {
    const a = account();
    const s1 = add(a).secret;
    const s2 = add(a, [s1]).secret;
    const d1 = disableSecret(s1, [s1, s2], LATER);
    expect(d1.wasLastEnabled).toBe(false);
    expect(d1.secret).toMatchObject({ status: 'disabled', disabledAt: LATER, updatedAt: LATER });
    const d2 = disableSecret(s2, [d1.secret, s2], LATER);
    expect(d2.wasLastEnabled).toBe(true);
    expect(disableSecret(s2, [], LATER).wasLastEnabled).toBe(true);
    expect(disableSecret(d2.secret, [], LATER)).toEqual({ secret: d2.secret, wasLastEnabled: false });
  });

  it('enable clears disabledAt', () => {
    const a = account();
    const s = add(a).secret;
    expect(enableSecret(s, LATER)).toBe(s);
    const back = enableSecret(disableSecret(s, [], LATER).secret, LATER);
    expect(back).toMatchObject({ status: 'enabled', disabledAt: null });
  });

  it('an enabled secret cannot be deleted', () => {
    const s = add(account()).secret;
    const r = canDeleteSecret(s);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SECRET.DELETE_WHILE_ENABLED');
      expect(r.error.message).toBe('The secret is enabled; disable it first, then delete it.');
    }
    expect(canDeleteSecret(disableSecret(s, [], LATER).secret)).toEqual({ ok: true, value: true });
  });

  it('describes, marks use, checks ownership', () => {
    const a = account();
    const s = add(a).secret;
    const d = describeSecret(s, 'rotated 2025', LATER);
    expect(d.ok && d.value.description).toBe('rotated 2025');
    expect(describeSecret(s, '', LATER)).toEqual({ ok: true, value: s });
    expect(markSecretUsed(s, LATER).lastUsedAt).toEqual(LATER);
    expect(secretOfAccount(a, s).ok).toBe(true);
    const other = secretOfAccount(account(), s);
    expect(!other.ok && other.error.code).toBe('SECRET.NOT_OF_ACCOUNT');
  });
});
